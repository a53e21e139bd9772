import type { KubeClient, KubeObjectLike } from '../src/kube/kube-client.ts';

type Owner = { kind: string; name: string; uid: string; controller?: boolean };
export type Owned = KubeObjectLike & { metadata: { ownerReferences?: Owner[] }; spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } } };
export type ServiceObject = KubeObjectLike & {
  metadata: { ownerReferences?: Owner[] };
  spec: { id?: string; instances?: number; portDefinitions?: unknown[]; ports?: unknown[]; container?: { portMappings?: unknown[]; docker?: { portMappings?: unknown[] } } };
  status?: { instances?: number; tasksRunning?: number };
};
export type PackageObject = KubeObjectLike & {
  spec: { packageName: string; packageVersion?: string; appId?: string };
  status?: { observedGeneration?: number; resolvedVersion?: string; repository?: string; services?: Array<{ name: string; appId: string }>; conditions?: Array<{ type: string; status: string; reason?: string }> };
};
export type PodObject = KubeObjectLike & { status?: { phase?: string } };

/** One read of everything a check compares, each kind listed in pages. */
export interface WorldSnapshot {
  services: ServiceObject[];
  packages: PackageObject[];
  deployments: Owned[];
  kubeServices: Owned[];
  pods: PodObject[];
}

export interface WorldCheck {
  converged: boolean;
  services: number;
  /** Deployments and Services checked. */
  objects: number;
  /** A DcosService the user wants without its Deployment or Service. */
  lost: number;
  /** More than one object of a kind owned by the same DcosService. */
  duplicated: number;
  /** Objects the operator wrote whose owner is gone (garbage collection has not removed them). */
  orphaned: number;
  /** Deployments or statuses that do not show what the user last asked for. */
  statusWrong: number;
  problems: string[];
  /** DcosPackages checked (scenarios with packages only). */
  packages?: number;
}

const PAGE = 500;

/**
 * Every object of a kind, read in pages of PAGE (limit/continue): with hundreds of services a
 * namespace holds thousands of objects, which one unpaged list makes the apiserver hold at once.
 */
export async function listAll<T extends KubeObjectLike>(client: KubeClient, apiVersion: string, kind: string, opts: { namespace: string; labelSelector?: string }): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  do {
    const page = await client.list<T>(apiVersion, kind, { ...opts, limit: PAGE, continue: cont });
    items.push(...page.items);
    cont = page.metadata.continue || undefined;
  } while (cont);
  return items;
}

export async function readWorld(client: KubeClient, ns: string): Promise<WorldSnapshot> {
  const managed = { namespace: ns, labelSelector: 'app.kubernetes.io/managed-by=dcos-operator' };
  const [services, packages, deployments, kubeServices, pods] = await Promise.all([
    listAll<ServiceObject>(client, 'dcos.dev/v1alpha1', 'DcosService', { namespace: ns }),
    listAll<PackageObject>(client, 'dcos.dev/v1alpha1', 'DcosPackage', { namespace: ns }),
    listAll<Owned>(client, 'apps/v1', 'Deployment', managed),
    listAll<Owned>(client, 'v1', 'Service', managed),
    listAll<PodObject>(client, 'v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service' }),
  ]);
  return { services, packages, deployments, kubeServices, pods };
}

export const controllerOwner = (o: { metadata: { ownerReferences?: Owner[] } }) => o.metadata.ownerReferences?.find((r) => r.controller);
export const ownedByPackage = (s: ServiceObject) => controllerOwner(s)?.kind === 'DcosPackage';
const live = <T extends KubeObjectLike>(o: T) => !o.metadata.deletionTimestamp;

/** Running pods per value of their dcos.dev/service label. */
export function runningPods(pods: readonly PodObject[]): Map<string, number> {
  const running = new Map<string, number>();
  for (const p of pods) {
    const name = p.metadata.labels?.['dcos.dev/service'];
    if (name !== undefined && p.status?.phase === 'Running' && live(p)) running.set(name, (running.get(name) ?? 0) + 1);
  }
  return running;
}

export interface Children {
  /** Per owning DcosService uid. */
  deployments: Map<string, Owned[]>;
  kubeServices: Map<string, Owned[]>;
  /** Children whose owner is gone (and that are not being deleted themselves). */
  orphans: string[];
  /** More than one child of a kind under one owner: how many too many, and what. */
  duplicates: Array<{ extra: number; what: string }>;
}

/** Deployments and Services grouped by the DcosService that controls them. */
export function childrenByOwner(world: WorldSnapshot): Children {
  const byUid = new Map(world.services.map((s) => [s.metadata.uid!, s]));
  const out: Children = { deployments: new Map(), kubeServices: new Map(), orphans: [], duplicates: [] };
  const group = (kind: string, items: readonly Owned[], perOwner: Map<string, Owned[]>) => {
    for (const o of items) {
      const owner = controllerOwner(o);
      if (owner && byUid.has(owner.uid)) perOwner.set(owner.uid, [...(perOwner.get(owner.uid) ?? []), o]);
      else if (live(o)) out.orphans.push(`${kind} ${o.metadata.name} has no live owner`);
    }
    for (const [uid, owned] of perOwner) if (owned.length > 1) out.duplicates.push({ extra: owned.length - 1, what: `${owned.length} ${kind}s owned by ${byUid.get(uid)!.metadata.name}` });
  };
  group('Deployment', world.deployments, out.deployments);
  group('Service', world.kubeServices, out.kubeServices);
  return out;
}

/**
 * Compares what the user last asked for (`want`, per DcosService name) with a read of the world.
 * DcosServices a DcosPackage controls are the package check's (package-world-check.ts).
 */
export function compareServices(world: WorldSnapshot, want: ReadonlyMap<string, { instances: number; version: number }>): WorldCheck {
  const problems: string[] = [];
  const plain = world.services.filter((s) => !ownedByPackage(s));
  const result: WorldCheck = { converged: false, services: plain.length, objects: 0, lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0, problems };
  const children = childrenByOwner(world);
  // Children of every DcosService, a package's too: one place counts each orphan and duplicate once.
  result.orphaned = children.orphans.length;
  for (const d of children.duplicates) (result.duplicated += d.extra), problems.push(d.what);
  problems.push(...children.orphans);
  const running = runningPods(world.pods);
  const byName = new Map(plain.filter(live).map((s) => [s.metadata.name, s]));
  for (const svc of plain) result.objects += (children.deployments.get(svc.metadata.uid!)?.length ?? 0) + (children.kubeServices.get(svc.metadata.uid!)?.length ?? 0);
  for (const [name, w] of want) {
    const svc = byName.get(name);
    if (!svc) {
      result.lost++;
      problems.push(`DcosService ${name} is gone`);
      continue;
    }
    const dep = children.deployments.get(svc.metadata.uid!)?.find((d) => d.metadata.name === name);
    if (!dep || !children.kubeServices.get(svc.metadata.uid!)?.some((s) => s.metadata.name === name)) {
      result.lost++;
      problems.push(`${name}: its Deployment or Service is missing`);
      continue;
    }
    const version = dep.spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === 'VERSION')?.value;
    const pods = running.get(name) ?? 0;
    const statusOk = svc.status?.instances === w.instances && svc.status?.tasksRunning === pods && pods === w.instances;
    if (dep.spec?.replicas !== w.instances || version !== String(w.version) || !statusOk) {
      result.statusWrong++;
      problems.push(`${name}: wants ${w.instances} x v${w.version}, Deployment ${dep.spec?.replicas} x v${version}, status ${svc.status?.instances}/${svc.status?.tasksRunning}, ${pods} pods running`);
    }
  }
  for (const name of byName.keys()) if (!want.has(name)) problems.push(`DcosService ${name} exists but was deleted`);
  result.converged = problems.length === 0;
  return result;
}
