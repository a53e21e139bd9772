import { Controller } from './runtime/controller.ts';
import type { ControllerContext } from '../operator/operator.ts';
import { isConflict, type KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosCluster } from '../resources/dcos-cluster.ts';
import { AllocationLedger, QuantityError, clusterStatusChanged, toClusterStatus, type NodeLike, type PodLike, type WatchEventType } from '../accounting/index.ts';
import { dcosServiceInformer, podInformer } from './shared-informers.ts';
import { registerClusterGauges } from './cluster-metrics.ts';

export const DCOS_CLUSTER_CONTROLLER = 'dcoscluster';
/** The one DcosCluster the operator keeps. */
export const CLUSTER_NAME = 'default';

export interface ClusterControllerOptions {
  /** At most one status write per interval; figures in between are coalesced. */
  writeIntervalMs?: number;
}

type Cluster = DcosCluster & KubeObjectLike;

/**
 * Nodes, pods and DcosServices -> one DcosCluster's status. Every watch event adjusts the ledger in
 * O(1); the status is written at most once per interval, and only when a shown figure changed.
 */
export function dcosClusterController(ctx: ControllerContext, opts: ClusterControllerOptions = {}): Controller {
  // A dashboard figure: once a second is as fresh as anyone reads it, and during a bulk apply every
  // pod event changes a figure, so a shorter interval spends apiserver writes that the bulk needs.
  const writeIntervalMs = opts.writeIntervalMs ?? 1000;
  const log = ctx.log.child({ controller: DCOS_CLUSTER_CONTROLLER });
  const ledger = new AllocationLedger();
  const clusters = ctx.informers.informer<Cluster>({ apiVersion: API_VERSION, kind: 'DcosCluster' });
  const nodes = ctx.informers.informer<KubeObjectLike>({ apiVersion: 'v1', kind: 'Node' });
  const pods = podInformer(ctx);
  const services = dcosServiceInformer(ctx);
  const controller = new Controller(DCOS_CLUSTER_CONTROLLER, reconcile, ctx.log, { workers: 1, resyncMs: 30_000, keys: () => [CLUSTER_NAME] });

  let lastWrite = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  /** Many events, one reconcile per interval: the key is enqueued when the interval allows. */
  const scheduleFlush = () => {
    if (flushTimer) return;
    const wait = Math.max(0, lastWrite + writeIntervalMs - Date.now());
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      controller.enqueue(CLUSTER_NAME);
    }, wait);
    flushTimer.unref();
  };

  const fold = (what: string, apply: () => void) => {
    try {
      apply();
    } catch (err) {
      // The apiserver validates quantities, so this is a bug or a new format: skip the object, keep counting.
      if (err instanceof QuantityError) log.warn({ what, err: err.message }, 'unreadable quantity; object left out of the accounting');
      else throw err;
    }
    scheduleFlush();
  };
  // The ledger folds the objects as the apiserver sent them; the shared caches keep less.
  const feed = <T>(apply: (type: WatchEventType, obj: T) => void, what: (obj: T) => string) => ({
    onAdd: (_: T, raw: T) => fold(what(raw), () => apply('ADDED', raw)),
    onUpdate: (_: T, __: T, raw: T) => fold(what(raw), () => apply('MODIFIED', raw)),
    onDelete: (_: T, raw: T) => fold(what(raw), () => apply('DELETED', raw)),
  });
  const name = (o: KubeObjectLike) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  pods.on(feed((type, p) => ledger.applyPod(type, p as unknown as PodLike, Date.now()), name));
  nodes.on(feed((type, n) => ledger.applyNode(type, n as unknown as NodeLike), name));
  services.on(feed((type, s) => ledger.applyService(type, s), name));
  // Our own status writes come back as updates: those wait for the interval like any other change;
  // a DcosCluster created or deleted (to be recreated) is looked at at once.
  clusters.on({ onAdd: () => controller.enqueue(CLUSTER_NAME), onUpdate: scheduleFlush, onDelete: () => controller.enqueue(CLUSTER_NAME) });

  registerClusterGauges(() => ledger.figures(Date.now()));
  ctx.provideLedger?.(ledger);
  // The DC/OS Nodes page, read-only: per-node figures stay out of the status to keep it small.
  ctx.http.get('/api/v1/nodes', (_req, res) => {
    res.json({ nodes: ledger.nodeAllocations() });
  });
  ctx.http.get('/api/v1/nodes/:name', (req, res) => {
    const node = ledger.nodeAllocation(req.params.name);
    if (node) res.json(node);
    else res.status(404).json({ message: `node ${req.params.name} is not known` });
  });

  async function reconcile(): Promise<void> {
    let cluster = clusters.store.get(CLUSTER_NAME);
    if (!cluster) {
      try {
        cluster = await ctx.client.create<Cluster>({ apiVersion: API_VERSION, kind: 'DcosCluster', metadata: { name: CLUSTER_NAME }, spec: {} });
        log.info('created DcosCluster default');
      } catch (err) {
        if (!isConflict(err)) throw err;
        cluster = await ctx.client.get<Cluster>(API_VERSION, 'DcosCluster', CLUSTER_NAME);
      }
    }
    if (cluster.spec.taskFailureWindowSeconds) ledger.setFailureWindowSeconds(cluster.spec.taskFailureWindowSeconds);
    const now = Date.now();
    const status = toClusterStatus(ledger, now, { previous: cluster.status, observedGeneration: cluster.metadata.generation });
    if (!clusterStatusChanged(cluster.status, status)) return;
    lastWrite = now;
    await ctx.client.apply({ apiVersion: API_VERSION, kind: 'DcosCluster', metadata: { name: CLUSTER_NAME }, status } as unknown as KubeObjectLike, { subresource: 'status' });
  }

  return controller;
}
