import { applyMarathonDefaults } from '../marathon/marathon-defaults.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { appIdOfService } from './app-table.ts';
import type { Cell } from './table.ts';

/*
 * `dcos service`: what DC/OS listed as frameworks, here the installed packages and the DcosServices
 * no package owns. Resources are what the running tasks were given (cpus, mem and disk of each app
 * times its running tasks), as Mesos summed a framework's tasks.
 */

export const SERVICE_HEADERS = ['NAME', 'HOST', 'ACTIVE', 'TASKS', 'CPU', 'MEM', 'DISK', 'ID'] as const;

export interface ServiceSummary {
  name: string;
  kind: 'DcosPackage' | 'DcosService';
  namespace: string;
  /** The kubectl reference: `dpkg/spark` or `dsvc/web`. */
  id: string;
  appIds: string[];
  /** DcosService names in the namespace whose tasks are this service's. */
  services: string[];
  hosts: string[];
  active: boolean;
  tasks: number;
  resources: { cpus: number; mem: number; disk: number };
}

function ownerPackage(svc: DcosService): string | undefined {
  return svc.metadata.ownerReferences?.find((o) => o.kind === 'DcosPackage' && o.controller)?.name;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Packages first-class, services no package owns beside them; `hostsOf` gives the nodes running a DcosService's tasks. */
export function summarizeServices(packages: readonly DcosPackage[], services: readonly DcosService[], hostsOf: (svc: DcosService) => string[]): ServiceSummary[] {
  const out: ServiceSummary[] = [];
  const summarize = (name: string, kind: ServiceSummary['kind'], namespace: string, id: string, members: DcosService[]): ServiceSummary => {
    let cpus = 0;
    let mem = 0;
    let disk = 0;
    let tasks = 0;
    const hosts = new Set<string>();
    for (const svc of members) {
      const spec = applyMarathonDefaults(svc.spec);
      const running = svc.status?.tasksRunning ?? 0;
      tasks += running;
      cpus += (spec.cpus ?? 0) * running;
      mem += (spec.mem ?? 0) * running;
      disk += (spec.disk ?? 0) * running;
      for (const h of hostsOf(svc)) hosts.add(h);
    }
    return {
      name,
      kind,
      namespace,
      id,
      appIds: members.map(appIdOfService),
      services: members.map((s) => s.metadata.name),
      hosts: [...hosts].sort(),
      active: tasks > 0,
      tasks,
      resources: { cpus: round(cpus), mem: round(mem), disk: round(disk) },
    };
  };
  for (const pkg of packages) {
    const namespace = pkg.metadata.namespace ?? 'default';
    const members = services.filter((s) => (s.metadata.namespace ?? 'default') === namespace && ownerPackage(s) === pkg.metadata.name);
    out.push(summarize(pkg.metadata.name, 'DcosPackage', namespace, `dpkg/${pkg.metadata.name}`, members));
  }
  for (const svc of services) {
    if (ownerPackage(svc) !== undefined) continue;
    out.push(summarize(svc.metadata.name, 'DcosService', svc.metadata.namespace ?? 'default', `dsvc/${svc.metadata.name}`, [svc]));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : 1));
}

/** HOST: the node of the tasks, the first one and how many more when they are spread. */
export function hostCell(hosts: readonly string[]): string | undefined {
  if (hosts.length === 0) return undefined;
  return hosts.length === 1 ? hosts[0] : `${hosts[0]} (+${hosts.length - 1})`;
}

export function serviceRow(s: ServiceSummary): Cell[] {
  return [s.name, hostCell(s.hosts), s.active, s.tasks, s.resources.cpus, s.resources.mem, s.resources.disk, s.id];
}

/** A service by the name `dcos service log NAME` takes: the package or DcosService name, or an app id of it. */
export function matchesService(s: ServiceSummary, wanted: string): boolean {
  const id = wanted.startsWith('/') ? wanted : `/${wanted}`;
  return s.name === wanted || s.appIds.includes(id);
}
