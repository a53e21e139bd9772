/**
 * UiSources from the leader's caches. The informers are asked for by the same targets the
 * controllers use, so the InformerFactory hands back the very caches they fill: the UI adds one
 * watch of its own (Events about dcos.dev objects) and a small index of DcosService pods by service.
 */
import type { ControllerContext } from '../operator/operator.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosCluster } from '../resources/dcos-cluster.ts';
import { serviceNameOf } from '../marathon/index.ts';
import { dcosServiceInformer, nodeInformer, podInformer } from '../controllers/shared-informers.ts';
import { REGION_LABEL, ZONE_LABEL } from '../controllers/node-projection.ts';
import type { ProjectedPod } from '../controllers/pod-projection.ts';
import type { LedgerView, NodeTopology, PackageObject, SourceChange, TaskPod, UiEvent, UiSources } from './ui-sources.ts';
import { projectEvent, type EventObject } from './event-projection.ts';

const CLUSTER_NAME = 'default';
/** Events kept per object: the service page shows the recent ones, as `kubectl describe` does. */
const EVENTS_PER_OBJECT = 20;

export function informerSources(ctx: ControllerContext, ledger: () => LedgerView | undefined): UiSources {
  const listeners: Array<(what: SourceChange) => void> = [];
  const changed = (what: SourceChange) => () => {
    for (const l of listeners) l(what);
  };
  const on = (what: SourceChange) => ({ onAdd: changed(what), onUpdate: changed(what), onDelete: changed(what) });

  const clusters = ctx.informers.informer<DcosCluster & KubeObjectLike>({ apiVersion: API_VERSION, kind: 'DcosCluster' });
  const nodes = nodeInformer(ctx);
  const services = dcosServiceInformer(ctx);
  const packages = ctx.informers.informer<PackageObject>({ apiVersion: API_VERSION, kind: 'DcosPackage', namespace: ctx.config.watchNamespace });
  const pods = podInformer(ctx);
  // Only Events about the operator's own kinds: the cluster's other events never reach this process.
  const events = ctx.informers.informer<EventObject>({ apiVersion: 'events.k8s.io/v1', kind: 'Event', fieldSelector: `regarding.apiVersion=${API_VERSION}` }, projectEvent);

  clusters.on(on('cluster'));
  nodes.on(on('nodes'));
  services.on(on('services'));
  packages.on(on('packages'));
  events.on(on('events'));

  // The pod cache keeps a DcosService pod's status but not its node: the raw event has it.
  const tasksByService = new Map<string, Map<string, TaskPod>>();
  const serviceKey = (p: KubeObjectLike) => {
    const svc = serviceNameOf(p.metadata);
    return svc ? `${p.metadata.namespace}/${svc}` : undefined;
  };
  const upsertTask = (p: ProjectedPod, raw: KubeObjectLike) => {
    const key = serviceKey(p);
    if (!key) return;
    let tasks = tasksByService.get(key);
    if (!tasks) tasksByService.set(key, (tasks = new Map()));
    const spec = (raw as { spec?: { nodeName?: string } }).spec;
    const node = spec?.nodeName ?? tasks.get(p.metadata.name)?.node ?? '';
    tasks.set(p.metadata.name, {
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? '',
      node,
      creationTimestamp: p.metadata.creationTimestamp as string | undefined,
      deletionTimestamp: p.metadata.deletionTimestamp as string | undefined,
      status: p.status,
    });
    changed('pods')();
  };
  pods.on({
    onAdd: (p, raw) => upsertTask(p, raw),
    onUpdate: (_old, p, raw) => upsertTask(p, raw),
    onDelete: (p) => {
      const key = serviceKey(p);
      const tasks = key ? tasksByService.get(key) : undefined;
      if (!key || !tasks) return;
      tasks.delete(p.metadata.name);
      if (tasks.size === 0) tasksByService.delete(key);
      changed('pods')();
    },
  });
  // Figures of nodes move with every pod, wherever it comes from.
  pods.on(on('nodes'));

  return {
    clusterStatus: () => clusters.store.get(CLUSTER_NAME)?.status,
    nodeAllocations: () => ledger()?.nodeAllocations() ?? [],
    nodeTopology: (host): NodeTopology => {
      const labels = nodes.store.get(host)?.metadata.labels ?? {};
      return { region: labels[REGION_LABEL] ?? '', zone: labels[ZONE_LABEL] ?? '' };
    },
    services: () => services.store.list(),
    service: (namespace, name) => services.store.get(`${namespace}/${name}`),
    packages: () => packages.store.list(),
    tasksOf: (namespace, service) => [...(tasksByService.get(`${namespace}/${service}`)?.values() ?? [])],
    eventsOf: (namespace, kind, name): UiEvent[] =>
      events.store
        .list()
        .filter((e) => e.regarding?.kind === kind && e.regarding.name === name && (e.regarding.namespace ?? '') === namespace)
        .map((e) => e.ui)
        .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
        .slice(0, EVENTS_PER_OBJECT),
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}
