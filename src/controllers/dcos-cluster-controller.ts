import type { Logger } from 'pino';
import { Controller } from './runtime/controller.ts';
import type { ControllerFactory } from '../operator/operator.ts';
import { isConflict, type KubeClient, type KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosCluster } from '../resources/dcos-cluster.ts';
import { AllocationLedger, DEFAULT_FAILURE_WINDOW_SECONDS, QuantityError, clusterStatusChanged, toClusterStatus, type NodeLike, type PodLike, type WatchEventType } from '../accounting/index.ts';
import { dcosServiceInformer, nodeInformer, podInformer } from './shared-informers.ts';
import { writeStatus, type StatusWrite } from './runtime/status-writer.ts';
import type { CacheView } from './runtime/object-store.ts';

export const DCOS_CLUSTER_CONTROLLER = 'dcoscluster';
/** The one DcosCluster the operator keeps. */
export const CLUSTER_NAME = 'default';

/** Where the controller puts the ledger it keeps, for readers outside it (the HTTP API, the gauges): empty until it runs. */
export interface LedgerSlot {
  ledger?: AllocationLedger;
}

export interface DcosClusterControllerOptions {
  /** At most one status write per interval; figures in between are coalesced. */
  writeIntervalMs?: number;
  /** Receives the ledger once the controller is built (src/operator/ serves it over HTTP and as gauges). */
  slot?: LedgerSlot;
}

type Cluster = DcosCluster & KubeObjectLike;

/** What one DcosCluster reconcile reads and writes through. */
export interface DcosClusterReconciler {
  client: Pick<KubeClient, 'apply' | 'create' | 'get'>;
  clusters: CacheView<Cluster>;
  ledger: AllocationLedger;
  log: Logger;
  now?: () => number;
}

/**
 * 1. load the DcosCluster `default`, creating it when missing (the operator keeps exactly one);
 * 2. take its spec (the failure-rate window) into the ledger;
 * 3. compute status from the ledger (pure: src/accounting/cluster-status.ts);
 * 4. write it when a figure it shows changed.
 */
export async function reconcileDcosCluster(r: DcosClusterReconciler): Promise<StatusWrite> {
  // 1. Load, or create.
  let cluster = r.clusters.get(CLUSTER_NAME);
  if (!cluster) {
    try {
      cluster = await r.client.create<Cluster>({ apiVersion: API_VERSION, kind: 'DcosCluster', metadata: { name: CLUSTER_NAME }, spec: {} });
      r.log.info('created DcosCluster default');
    } catch (err) {
      if (!isConflict(err)) throw err;
      cluster = await r.client.get<Cluster>(API_VERSION, 'DcosCluster', CLUSTER_NAME);
    }
  }
  // 2. Spec.
  // A window taken out of the spec goes back to the default (DC/OS's hour), not the last one set.
  r.ledger.setFailureWindowSeconds(cluster.spec.taskFailureWindowSeconds ?? DEFAULT_FAILURE_WINDOW_SECONDS);
  // 3. Status.
  const status = toClusterStatus(r.ledger, r.now?.() ?? Date.now(), { previous: cluster.status, observedGeneration: cluster.metadata.generation });
  // 4. Write: only shown figures count as a change (a timestamp alone does not).
  return writeStatus(r.client, 'DcosCluster', cluster, status, { changed: (before, next) => clusterStatusChanged(before, next) });
}

/**
 * Nodes, pods and DcosServices -> one DcosCluster's status. Every watch event adjusts the ledger in
 * O(1); the status is written at most once per interval, and only when a shown figure changed.
 */
export function dcosClusterController(opts: DcosClusterControllerOptions = {}): ControllerFactory {
  // A dashboard figure, and the goal is that it shows a pod change within a second (p99): written at
  // most every 500 ms, a change waits up to that long plus the write. At one write a second the p99
  // was 995 ms at the envelope (bench/envelope.ts); during a bulk apply every pod event changes a
  // figure, so a shorter interval would spend apiserver writes that the bulk needs.
  const writeIntervalMs = opts.writeIntervalMs ?? 500;
  return (ctx) => {
    const log = ctx.log.child({ controller: DCOS_CLUSTER_CONTROLLER });
    const ledger = new AllocationLedger();
    if (opts.slot) opts.slot.ledger = ledger;
    ctx.provideLedger?.(ledger);
    const clusters = ctx.informers.informer<Cluster>({ apiVersion: API_VERSION, kind: 'DcosCluster' });
    const nodes = nodeInformer(ctx);
    const pods = podInformer(ctx);
    const services = dcosServiceInformer(ctx);
    const reconciler: DcosClusterReconciler = { client: ctx.client, clusters: clusters.store, ledger, log };

    let lastWrite = 0;
    const controller = new Controller(
      DCOS_CLUSTER_CONTROLLER,
      async () => {
        const started = Date.now();
        if ((await reconcileDcosCluster(reconciler)) === 'written') lastWrite = started;
      },
      ctx.log,
      { workers: 1, resyncMs: 30_000, keys: () => [CLUSTER_NAME] },
    );

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
    // The pod cache keeps no pod that no DcosService owns: the ledger finds those a relist missed itself.
    pods.on({ onRelisted: (listed) => fold('pods relisted', () => ledger.retainListedPods(listed)) });
    nodes.on(feed((type, n) => ledger.applyNode(type, n as unknown as NodeLike), name));
    services.on(feed((type, s) => ledger.applyService(type, s), name));
    // Our own status writes come back as updates: those wait for the interval like any other change;
    // a DcosCluster created or deleted (to be recreated) is looked at at once.
    clusters.on({ onAdd: () => controller.enqueue(CLUSTER_NAME), onUpdate: scheduleFlush, onDelete: () => controller.enqueue(CLUSTER_NAME) });
    return controller;
  };
}
