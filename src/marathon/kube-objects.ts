/*
 * The plain Kubernetes shapes the translation produces and the status reads: only the fields used,
 * as JSON (server-side apply takes them as they are; client-node's classes carry Dates and methods).
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  generation?: number;
  uid?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path: string; port: number; scheme: 'HTTP' | 'HTTPS' };
  tcpSocket?: { port: number };
  exec?: { command: string[] };
  initialDelaySeconds?: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold?: number;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol: 'TCP' | 'UDP';
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  securityContext?: ContainerSecurityContext;
  tty?: boolean;
  stdin?: boolean;
}

export interface ContainerSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  privileged?: boolean;
  seccompProfile?: SeccompProfile;
  capabilities?: { add?: string[]; drop?: string[] };
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  appArmorProfile?: { type: 'Unconfined' | 'RuntimeDefault' | 'Localhost'; localhostProfile?: string };
}

export interface SeccompProfile {
  type: 'Unconfined' | 'Localhost' | 'RuntimeDefault';
  localhostProfile?: string;
}

export interface Volume {
  name: string;
  hostPath?: { path: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  emptyDir?: { medium?: 'Memory'; sizeLimit?: string };
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface PodAffinityTerm {
  labelSelector: { matchLabels: Record<string, string> };
  topologyKey: string;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: Array<{ matchExpressions: LabelSelectorRequirement[] }> };
  };
  podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution: PodAffinityTerm[] };
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution: PodAffinityTerm[] };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector: { matchLabels: Record<string, string> };
  minDomains?: number;
}

export interface Toleration {
  key: string;
  operator: 'Exists';
  effect: 'NoExecute';
  tolerationSeconds?: number;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  tolerations?: Toleration[];
  terminationGracePeriodSeconds?: number;
  imagePullSecrets?: Array<{ name: string }>;
  hostIPC?: boolean;
  hostPID?: boolean;
  hostname?: string;
  hostAliases?: Array<{ ip: string; hostnames: string[] }>;
  shareProcessNamespace?: boolean;
  dnsPolicy?: 'ClusterFirst' | 'None' | 'Default' | 'ClusterFirstWithHostNet';
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: Array<{ name: string; value?: string }> };
  securityContext?: { seccompProfile?: SeccompProfile; sysctls?: Array<{ name: string; value: string }> };
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { type: 'Recreate' } | { type: 'RollingUpdate'; rollingUpdate: { maxUnavailable: number | string; maxSurge: number | string } };
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  };
  status?: DeploymentStatus;
}

/**
 * What a DcosService runs as when each instance needs its own persistent volume (Marathon's
 * resident tasks): one PersistentVolumeClaim per instance from volumeClaimTemplates.
 */
export interface StatefulSet {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    serviceName: string;
    selector: { matchLabels: Record<string, string> };
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type: 'RollingUpdate'; rollingUpdate?: { maxUnavailable?: number | string; partition?: number } } | { type: 'OnDelete' };
    persistentVolumeClaimRetentionPolicy?: { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete' };
    template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: PersistentVolumeClaim[];
  };
  status?: StatefulSetStatus;
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

/** The workload of a DcosService: a Deployment, or a StatefulSet when each instance has its own volume. */
export type Workload = Deployment | StatefulSet;

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP' | 'UDP';
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { type: 'ClusterIP'; selector: Record<string, string>; ports: ServicePort[] };
}

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

export interface PersistentVolumeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: ObjectMeta;
  spec: {
    accessModes: AccessMode[];
    resources: { requests: { storage: string } };
    storageClassName?: string;
  };
}

/** The parts of a pod the status reads. */
export interface Pod {
  metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string>; creationTimestamp?: string };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    startTime?: string;
    /** reason and message: the scheduler's word on a pod it cannot place (PodScheduled False, Unschedulable). */
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatus[];
  };
}

export interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; finishedAt?: string; startedAt?: string };
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
