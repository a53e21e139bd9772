import type { KubeObjectLike } from '../kube/kube-client.ts';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
type ContainerStatus = { name: string; ready: boolean; started?: boolean; restartCount: number; state?: Record<string, unknown>; lastState?: Record<string, unknown>; resources?: Resources };
type RawContainer = { name: string; resources?: Resources; restartPolicy?: string; [k: string]: unknown };

export interface ProjectedPod extends KubeObjectLike {
  spec: {
    nodeName?: string;
    containers: Array<{ name: string; resources?: Resources }>;
    initContainers?: Array<{ name: string; resources?: Resources; restartPolicy?: string }>;
    overhead?: Record<string, string>;
    /** Pod-level resources override the containers' cpu and memory where set. */
    resources?: Resources;
    restartPolicy?: string;
  };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    startTime?: string;
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
    resize?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

const containerStatus = (s: ContainerStatus): ContainerStatus => ({
  name: s.name,
  ready: s.ready,
  started: s.started,
  restartCount: s.restartCount,
  state: s.state,
  lastState: s.lastState,
  ...(s.resources ? { resources: s.resources } : {}),
});

const container = (c: RawContainer) => ({ name: c.name, ...(c.resources ? { resources: c.resources } : {}) });

/**
 * A pod as the controllers read it: who it belongs to, where it runs, what it requests and how it
 * is doing. Everything else (env, volumes, probes, images, ...) is dropped from the cache.
 */
export function projectPod(raw: KubeObjectLike): ProjectedPod {
  const spec = (raw.spec ?? {}) as { nodeName?: string; containers?: RawContainer[]; initContainers?: RawContainer[]; overhead?: Record<string, string>; resources?: Resources; restartPolicy?: string };
  const status = (raw.status ?? {}) as ProjectedPod['status'] & Record<string, unknown>;
  const m = raw.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      labels: m.labels,
      creationTimestamp: m.creationTimestamp,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    },
    spec: {
      nodeName: spec.nodeName,
      containers: (spec.containers ?? []).map(container),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map((c) => ({ ...container(c), ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}) })) } : {}),
      ...(spec.overhead ? { overhead: spec.overhead } : {}),
      ...(spec.resources ? { resources: spec.resources } : {}),
      restartPolicy: spec.restartPolicy,
    },
    status: {
      phase: status?.phase,
      reason: status?.reason,
      message: status?.message,
      startTime: status?.startTime,
      conditions: status?.conditions?.map((c) => ({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime })),
      ...(status?.resize ? { resize: status.resize } : {}),
      containerStatuses: status?.containerStatuses?.map(containerStatus),
      ...(status?.initContainerStatuses ? { initContainerStatuses: status.initContainerStatuses.map(containerStatus) } : {}),
    },
  };
}
