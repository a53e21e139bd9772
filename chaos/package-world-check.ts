import { childrenByOwner, controllerOwner, runningPods, type ServiceObject, type WorldCheck, type WorldSnapshot } from './world-check.ts';

/** What the user last asked of one DcosPackage, and where its version comes from. */
export interface WantedPackage {
  packageName: string;
  version: string;
  appId: string;
  /** The DcosPackageRepository that serves `version` first. */
  repository: string;
  options: Record<string, unknown>;
}

const declaresPorts = (s: ServiceObject) => [s.spec.portDefinitions, s.spec.ports, s.spec.container?.portMappings, s.spec.container?.docker?.portMappings].some((p) => (p?.length ?? 0) > 0);
const underAppId = (id: string | undefined, appId: string) => id === appId || (id ?? '').startsWith(`${appId}/`);

/**
 * Compares what the user last asked of each DcosPackage (`want`, per name) with a read of the world:
 * each wanted package is there with the DcosServices it renders (each once, controlled by the
 * package, under its app id, with one Deployment, its Service, and its pods running), its status
 * says this generation is installed at the asked version from the right repository and lists exactly
 * those services; an uninstalled package is gone with its services. The children's own orphans and
 * duplicates are compareServices' (world-check.ts), which counts them for every DcosService.
 */
export function comparePackages(world: WorldSnapshot, want: ReadonlyMap<string, WantedPackage>): WorldCheck & { packages: number } {
  const problems: string[] = [];
  const result = { converged: false, packages: world.packages.length, services: 0, objects: 0, lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0, problems };
  const packages = new Map(world.packages.filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.metadata.name, p]));
  const packageUids = new Set(world.packages.map((p) => p.metadata.uid!));
  const services = new Map<string, ServiceObject[]>();
  for (const s of world.services) {
    const owner = controllerOwner(s);
    if (owner?.kind !== 'DcosPackage') continue;
    result.services++;
    if (!packageUids.has(owner.uid)) {
      if (!s.metadata.deletionTimestamp) (result.orphaned++, problems.push(`DcosService ${s.metadata.name} belongs to DcosPackage ${owner.name}, which is gone`));
      continue;
    }
    services.set(owner.uid, [...(services.get(owner.uid) ?? []), s]);
  }
  const children = childrenByOwner(world);
  const running = runningPods(world.pods);

  for (const [name, w] of want) {
    const pkg = packages.get(name);
    if (!pkg) {
      result.lost++;
      problems.push(`DcosPackage ${name} is gone`);
      continue;
    }
    if (pkg.spec.packageName !== w.packageName || pkg.spec.packageVersion !== w.version || pkg.spec.appId !== w.appId) {
      result.lost++;
      problems.push(`DcosPackage ${name}: asked for ${w.packageName} ${w.version} as ${w.appId}, the apiserver holds ${pkg.spec.packageName} ${pkg.spec.packageVersion} as ${pkg.spec.appId}`);
      continue;
    }
    const status = pkg.status;
    const ready = status?.conditions?.find((c) => c.type === 'Ready');
    if (status?.observedGeneration !== pkg.metadata.generation || ready?.status !== 'True' || status?.resolvedVersion !== w.version || status?.repository !== w.repository) {
      result.statusWrong++;
      problems.push(`DcosPackage ${name}: wants ${w.packageName} ${w.version} from ${w.repository} (generation ${pkg.metadata.generation}), status says ${status?.resolvedVersion} from ${status?.repository}, observed generation ${status?.observedGeneration}, Ready ${ready?.status} ${ready?.reason ?? ''}`.trimEnd());
    }
    const owned = services.get(pkg.metadata.uid!) ?? [];
    const current = owned.filter((s) => !s.metadata.deletionTimestamp && underAppId(s.spec.id, w.appId));
    const stale = owned.filter((s) => !s.metadata.deletionTimestamp && !underAppId(s.spec.id, w.appId));
    if (current.length === 0) {
      result.lost++;
      problems.push(`DcosPackage ${name}: no DcosService under ${w.appId}`);
    }
    if (stale.length > 0) {
      result.duplicated += stale.length;
      problems.push(`DcosPackage ${name}: still controls ${stale.map((s) => `${s.metadata.name} (${s.spec.id})`).join(', ')}, not under ${w.appId}`);
    }
    const ids = new Set<string>();
    for (const s of current) {
      if (ids.has(s.spec.id!)) (result.duplicated++, problems.push(`DcosPackage ${name}: two DcosServices for ${s.spec.id}`));
      ids.add(s.spec.id!);
    }
    const listed = (status?.services ?? []).map((s) => s.name).sort();
    const names = current.map((s) => s.metadata.name).sort();
    if (listed.join() !== names.join()) {
      result.statusWrong++;
      problems.push(`DcosPackage ${name}: status lists [${listed.join(', ')}], it controls [${names.join(', ')}]`);
    }

    for (const svc of current) {
      const uid = svc.metadata.uid!;
      const deps = children.deployments.get(uid) ?? [];
      const kubeServices = children.kubeServices.get(uid) ?? [];
      result.objects += deps.length + kubeServices.length;
      if (deps.length === 0 || (kubeServices.length === 0 && declaresPorts(svc))) {
        result.lost++;
        problems.push(`DcosPackage ${name}: DcosService ${svc.metadata.name} has no ${deps.length === 0 ? 'Deployment' : 'Service'}`);
        continue;
      }
      const instances = svc.spec.instances ?? 1;
      const pods = running.get(svc.metadata.name) ?? 0;
      if (deps[0]!.spec?.replicas !== instances || pods !== instances || svc.status?.instances !== instances || svc.status?.tasksRunning !== pods) {
        result.statusWrong++;
        problems.push(`DcosPackage ${name}: DcosService ${svc.metadata.name} wants ${instances}, Deployment ${deps[0]!.spec?.replicas}, status ${svc.status?.instances}/${svc.status?.tasksRunning}, ${pods} pods running`);
      }
    }
  }
  for (const name of packages.keys()) if (!want.has(name)) problems.push(`DcosPackage ${name} exists but was uninstalled`);
  // Services of a package being deleted, or deleted and made again under the same name: garbage collection's to remove.
  const wantedUids = new Set([...want.keys()].map((n) => packages.get(n)?.metadata.uid));
  for (const [uid, owned] of services) {
    if (wantedUids.has(uid)) continue;
    for (const s of owned) if (!s.metadata.deletionTimestamp) problems.push(`DcosService ${s.metadata.name} of uninstalled DcosPackage ${controllerOwner(s)!.name} still exists`);
  }
  result.converged = problems.length === 0;
  return result;
}
