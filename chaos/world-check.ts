import type { KubeClient, KubeObjectLike } from '../src/kube/kube-client.ts';

type Owned = KubeObjectLike & { spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } } };
type Service = KubeObjectLike & { spec: { instances?: number }; status?: { instances?: number; tasksRunning?: number } };

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
}

/** Compares what the user last asked for (`want`) with what the cluster holds in `ns`. */
export async function checkWorld(client: KubeClient, ns: string, want: Map<string, { instances: number; version: number }>): Promise<WorldCheck> {
  const selector = { namespace: ns, labelSelector: 'app.kubernetes.io/managed-by=dcos-operator' };
  const [services, deployments, kubeServices, pods] = await Promise.all([
    client.list<Service>('dcos.dev/v1alpha1', 'DcosService', { namespace: ns }),
    client.list<Owned>('apps/v1', 'Deployment', selector),
    client.list<Owned>('v1', 'Service', selector),
    client.list<KubeObjectLike & { status?: { phase?: string } }>('v1', 'Pod', { namespace: ns }),
  ]);
  const problems: string[] = [];
  const result: WorldCheck = { converged: false, services: services.items.length, objects: deployments.items.length + kubeServices.items.length, lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0, problems };
  const byUid = new Map(services.items.map((s) => [s.metadata.uid!, s]));
  for (const [kind, items] of [['Deployment', deployments.items], ['Service', kubeServices.items]] as const) {
    const perOwner = new Map<string, number>();
    for (const o of items) {
      const owner = o.metadata.ownerReferences?.find((r) => r.controller);
      if (!owner || !byUid.has(owner.uid)) {
        if (!o.metadata.deletionTimestamp) {
          result.orphaned++;
          problems.push(`${kind} ${o.metadata.name} has no live owner`);
        }
        continue;
      }
      perOwner.set(owner.uid, (perOwner.get(owner.uid) ?? 0) + 1);
    }
    for (const [uid, n] of perOwner) if (n > 1) (result.duplicated += n - 1), problems.push(`${n} ${kind}s owned by ${byUid.get(uid)!.metadata.name}`);
  }
  const names = new Set(services.items.filter((s) => !s.metadata.deletionTimestamp).map((s) => s.metadata.name));
  for (const [name, w] of want) {
    if (!names.has(name)) {
      result.lost++;
      problems.push(`DcosService ${name} is gone`);
      continue;
    }
    const svc = services.items.find((s) => s.metadata.name === name)!;
    const dep = deployments.items.find((d) => d.metadata.name === name && d.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
    if (!dep || !kubeServices.items.some((s) => s.metadata.name === name && s.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid))) {
      result.lost++;
      problems.push(`${name}: its Deployment or Service is missing`);
      continue;
    }
    const env = dep.spec?.template?.spec?.containers?.[0]?.env ?? [];
    const running = pods.items.filter((p) => p.metadata.labels?.['dcos.dev/service'] === name && p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length;
    const statusOk = svc.status?.instances === w.instances && svc.status?.tasksRunning === running && running === w.instances;
    if (dep.spec?.replicas !== w.instances || env.find((e) => e.name === 'VERSION')?.value !== String(w.version) || !statusOk) {
      result.statusWrong++;
      problems.push(`${name}: wants ${w.instances} x v${w.version}, Deployment ${dep.spec?.replicas} x v${env.find((e) => e.name === 'VERSION')?.value}, status ${svc.status?.instances}/${svc.status?.tasksRunning}, ${running} pods running`);
    }
  }
  for (const name of names) if (!want.has(name)) problems.push(`DcosService ${name} exists but was deleted`);
  result.converged = problems.length === 0;
  return result;
}
