import type { KubeObjectLike } from '../kube/kube-client.ts';
import { SERVICE_LABEL, SERVICE_NAME_ANNOTATION } from '../marathon/operator-labels.ts';
import type { Pod } from '../marathon/kube-objects.ts';
import type { Compaction } from './runtime/object-store.ts';

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

/** What the pod cache holds: identity, and for a DcosService's pods what its status is computed from. */
export interface ProjectedPod extends KubeObjectLike {
  status?: Pod['status'];
}

const containerStatus = (s: ContainerStatus): ContainerStatus => ({
  name: s.name,
  ready: s.ready,
  started: s.started,
  restartCount: s.restartCount,
  state: s.state,
  lastState: s.lastState,
});

/**
 * A pod no DcosService owns is kept as its uid alone, the very string the accounting ledger keys it by:
 * the ledger folds each event's full pod, so the cache only has to know the pod exists, for a relist
 * to report its deletion (with the uid the ledger finds it by). At 130,000 such pods that is about
 * 16 MiB less than an object with its identity and resourceVersion.
 */
export const podCompaction: Compaction<ProjectedPod> = {
  of: (raw) => (raw.metadata.labels?.[SERVICE_LABEL] ? undefined : (raw.metadata.uid ?? '')),
  expand: (namespace, name, uid) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...(uid && { uid }) } }),
};

/**
 * A DcosService's pod as the cache keeps it (any other pod is compacted by podCompaction). Accounting
 * folds each event's full pod into its own compact ledger, so the cache needs only what DcosService
 * status reads. Per-pod memory is the operator's largest cost on a big cluster.
 */
export function projectPod(raw: KubeObjectLike): ProjectedPod {
  const m = raw.metadata;
  const identity = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
  const status = (raw.status ?? {}) as ProjectedPod['status'] & Record<string, unknown>;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...identity,
      labels: m.labels,
      ...(m.annotations?.[SERVICE_NAME_ANNOTATION] !== undefined && { annotations: { [SERVICE_NAME_ANNOTATION]: m.annotations[SERVICE_NAME_ANNOTATION] } }),
      creationTimestamp: m.creationTimestamp,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    },
    status: {
      phase: status?.phase,
      reason: status?.reason,
      message: status?.message,
      startTime: status?.startTime,
      // Why a condition is False (the scheduler's "0/4 nodes are available: 4 Insufficient cpu") is what
      // status tells the user; a True condition's words are never read, so they are not kept.
      conditions: status?.conditions?.map((c) => ({
        type: c.type,
        status: c.status,
        lastTransitionTime: c.lastTransitionTime,
        ...(c.status === 'False' && c.reason ? { reason: c.reason } : {}),
        ...(c.status === 'False' && c.message ? { message: c.message } : {}),
      })),
      containerStatuses: status?.containerStatuses?.map(containerStatus),
    },
  };
}
