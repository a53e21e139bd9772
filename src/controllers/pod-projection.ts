import type { KubeObjectLike } from '../kube/kube-client.ts';
import { SERVICE_LABEL, SERVICE_NAME_ANNOTATION } from '../marathon/operator-labels.ts';
import type { Pod } from '../marathon/kube-objects.ts';
import type { Untracked } from './runtime/object-store.ts';

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

/** What the pod cache holds: identity, and for a DcosService's pods what its status is computed from. */
export interface ProjectedPod extends KubeObjectLike {
  status?: Pod['status'];
}

type ContainerState = NonNullable<ContainerStatus['state']>;
type Condition = NonNullable<NonNullable<Pod['status']>['conditions']>[number];

/**
 * Condition types as one copy each: JSON.parse gives every pod its own copy of a string longer than
 * ten characters ("ContainersReady", "PodReadyToStartContainers").
 */
const CONDITION_TYPES = new Map(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget'].map((t) => [t, t]));

/** A running container's start time is read by nobody (status reads that it runs, the UI the pod's startTime). */
const RUNNING: ContainerState = Object.freeze({ running: Object.freeze({}) });
const state = (s: ContainerState | undefined): ContainerState | undefined => (s?.running && !s.waiting && !s.terminated ? RUNNING : s);

const containerStatus = (s: ContainerStatus): ContainerStatus => ({
  name: s.name,
  ready: s.ready,
  started: s.started,
  restartCount: s.restartCount,
  state: state(s.state),
  lastState: state(s.lastState),
});

/**
 * A condition whose words and time are not kept is one of a few values: one frozen copy of each
 * (at 20,000 pods, 100,000 objects of two fields, about 4 MiB). Nobody writes to a cached pod.
 */
const bare = new Map<string, Condition>();
function bareCondition(type: string, status: string): Condition {
  const key = `${type}=${status}`;
  let c = bare.get(key);
  if (c === undefined) {
    c = Object.freeze({ type, status }) as Condition;
    // Bounded: condition types are few, but a pod's may be any string.
    if (bare.size < 256) bare.set(key, c);
  }
  return c;
}

/**
 * Why a condition is False (the scheduler's "0/4 nodes are available: 4 Insufficient cpu") is what
 * status tells the user; a True condition's words are never read. Its time is read only for a Failed
 * pod with no terminated container (when the task failed), so only a Failed pod's conditions keep it.
 */
function condition(c: Condition, failed: boolean): Condition {
  const type = CONDITION_TYPES.get(c.type) ?? c.type;
  const words = c.status === 'False' && (c.reason || c.message);
  if (!words && !(failed && c.lastTransitionTime)) return bareCondition(type, c.status);
  const kept: Condition = { type, status: c.status };
  if (failed && c.lastTransitionTime) kept.lastTransitionTime = c.lastTransitionTime;
  if (c.status === 'False' && c.reason) kept.reason = c.reason;
  if (c.status === 'False' && c.message) kept.message = c.message;
  return kept;
}

/**
 * A pod no DcosService owns is not kept: the ledger folds each event's full pod and finds it again by
 * namespace and name, and learns of the pods a relist did not find from the names it listed. At
 * 130,000 such pods their entries under their names were 6.5 MiB of map beside the ledger's own.
 */
export const podUntracked: Untracked<ProjectedPod> = {
  is: (raw) => !raw.metadata.labels?.[SERVICE_LABEL],
  bare: (raw) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: raw.metadata.name, namespace: raw.metadata.namespace } }),
};

/**
 * A DcosService's pod as the cache keeps it (any other pod is not kept: podUntracked). Accounting
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
      // Of the labels only the one that names the service is read (serviceNameOf).
      labels: { [SERVICE_LABEL]: m.labels![SERVICE_LABEL]! },
      ...(m.annotations?.[SERVICE_NAME_ANNOTATION] !== undefined && { annotations: { [SERVICE_NAME_ANNOTATION]: m.annotations[SERVICE_NAME_ANNOTATION] } }),
      creationTimestamp: m.creationTimestamp,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    },
    status: {
      phase: status?.phase,
      ...(status?.reason !== undefined && { reason: status.reason }),
      ...(status?.message !== undefined && { message: status.message }),
      startTime: status?.startTime,
      conditions: status?.conditions?.map((c) => condition(c, status.phase === 'Failed')),
      containerStatuses: status?.containerStatuses?.map(containerStatus),
    },
  };
}
