/**
 * The Services table: DcosServices, grouped under the DcosPackages that installed them (as DC/OS
 * showed a package's service with the package's name and version), sorted by name.
 */
import { byHealthThenName, healthOf, serviceRow, type Health, type ServiceRow } from './service-rows.ts';
import type { PackageObject, ServiceObject } from './ui-sources.ts';

export interface PackageRow {
  namespace: string;
  name: string;
  packageName: string;
  version: string;
  /** Installed, Installing or Failed (the DcosPackage's conditions). */
  status: string;
  statusMessage: string;
  /** The worst health of its services. */
  health: Health;
  running: number;
  wanted: number;
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  services: ServiceRow[];
}

export interface ServicesView {
  packages: PackageRow[];
  /** Services no package owns. */
  services: ServiceRow[];
  total: number;
}

function packageStatus(pkg: PackageObject): { status: string; message: string } {
  const failed = pkg.status?.conditions?.find((c) => c.type === 'Failed');
  if (failed?.status === 'True') return { status: 'Failed', message: failed.message };
  const ready = pkg.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { status: 'Installed', message: ready.message };
  return { status: 'Installing', message: ready?.message ?? 'The operator has not reported on it yet' };
}

const sum = (rows: ServiceRow[], pick: (r: ServiceRow) => number) => Math.round(rows.reduce((a, r) => a + pick(r), 0) * 1000) / 1000;

export function servicesView(services: ServiceObject[], packages: PackageObject[]): ServicesView {
  const rows = services.map(serviceRow);
  const byPackage = new Map<string, ServiceRow[]>();
  const loose: ServiceRow[] = [];
  for (const row of rows) {
    if (!row.package) loose.push(row);
    else byPackage.set(row.package, [...(byPackage.get(row.package) ?? []), row]);
  }
  const byName = (a: { name: string; namespace: string }, b: { name: string; namespace: string }) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace);
  const packageRows = packages.map((pkg): PackageRow => {
    const key = `${pkg.metadata.namespace ?? ''}/${pkg.metadata.name}`;
    const own = (byPackage.get(key) ?? []).sort(byName);
    byPackage.delete(key);
    const { status, message } = packageStatus(pkg);
    const worst = [...own].sort(byHealthThenName)[0]?.health ?? healthOf(undefined);
    return {
      namespace: pkg.metadata.namespace ?? '',
      name: pkg.metadata.name,
      packageName: pkg.spec?.packageName ?? '',
      version: pkg.status?.resolvedVersion ?? pkg.spec?.packageVersion ?? '',
      status,
      statusMessage: message,
      health: worst,
      running: sum(own, (r) => r.running),
      wanted: sum(own, (r) => r.wanted),
      cpus: sum(own, (r) => r.cpus),
      mem: sum(own, (r) => r.mem),
      disk: sum(own, (r) => r.disk),
      gpus: sum(own, (r) => r.gpus),
      services: own,
    };
  });
  // Services whose package is gone from the cache (being deleted) still show, on their own.
  for (const orphans of byPackage.values()) loose.push(...orphans);
  return { packages: packageRows.sort(byName), services: loose.sort(byName), total: rows.length };
}
