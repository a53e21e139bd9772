/**
 * The parts of Pod, Node and DcosService objects that accounting reads, as structural types.
 * Both raw watch JSON (timestamps as strings) and @kubernetes/client-node models (timestamps as
 * Date) fit them, so the core depends on no client library.
 */

export interface ResourceList {
  readonly [name: string]: string | number | undefined;
}

export interface ResourceRequirementsLike {
  readonly requests?: ResourceList;
  readonly limits?: ResourceList;
}

export interface ContainerLike {
  readonly name?: string;
  /** Only init containers set it; "Always" makes a sidecar (restartable init container). */
  readonly restartPolicy?: string;
  readonly resources?: ResourceRequirementsLike;
}

export type Timestamp = string | Date;

export interface ContainerStateLike {
  readonly running?: { readonly startedAt?: Timestamp };
  readonly terminated?: { readonly exitCode?: number; readonly finishedAt?: Timestamp; readonly startedAt?: Timestamp };
  readonly waiting?: { readonly reason?: string };
}

export interface ContainerStatusLike {
  readonly name?: string;
  /** What the kubelet has actuated; differs from the spec while an in-place resize is under way. */
  readonly resources?: ResourceRequirementsLike;
  readonly restartCount?: number;
  readonly state?: ContainerStateLike;
  readonly lastState?: ContainerStateLike;
}

export interface PodLike {
  readonly metadata?: { readonly uid?: string; readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly nodeName?: string;
    readonly restartPolicy?: string;
    readonly containers?: readonly ContainerLike[];
    readonly initContainers?: readonly ContainerLike[];
    readonly overhead?: ResourceList;
    /** Pod-level resources (PodLevelResources feature): override the containers' cpu and memory. */
    readonly resources?: ResourceRequirementsLike;
  };
  readonly status?: {
    readonly phase?: string;
    /** In-place resize state; "Infeasible" means the spec's new figures will not be applied. */
    readonly resize?: string;
    readonly startTime?: Timestamp;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly lastTransitionTime?: Timestamp }[];
    readonly containerStatuses?: readonly ContainerStatusLike[];
    readonly initContainerStatuses?: readonly ContainerStatusLike[];
  };
}

export interface NodeLike {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly unschedulable?: boolean };
  readonly status?: {
    readonly allocatable?: ResourceList;
    readonly capacity?: ResourceList;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
    readonly addresses?: readonly { readonly type?: string; readonly address?: string }[];
  };
}

export interface DcosServiceLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly uid?: string };
  readonly status?: { readonly health?: string };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
