/**
 * What runs behind a stand-in apiserver (stand-in-store.ts): the cluster at Kubernetes' envelope
 * (kwok-like nodes, pods bound to them, DcosServices), the workload controllers and kubelets that turn
 * an applied Deployment into Running pods and a Deployment status, the churn of a busy cluster, and
 * the DcosCluster status latency after a pod change, timed where both ends happen.
 * Pods are shaped as the apiserver stores them (defaulted spec, managedFields, conditions): what the
 * operator parses per event is what it would parse from kube-apiserver. Their constant parts are one
 * shared object each, so 150,000 of them fit the stand-in's own process.
 */
import { performance } from 'node:perf_hooks';
import type { Obj, ResourceDef, StandInStore } from './stand-in-store.ts';
import { RESOURCES } from './stand-in-store.ts';

export interface EnvelopeSize {
  nodes: number;
  /** Every pod of the cluster, the DcosServices' own included (Kubernetes' envelope counts them all). */
  pods: number;
  services: number;
}

export const SERVICE_NAMESPACES = 20;
const POD_NAMESPACES = 50;
const T0 = '2026-12-01T00:00:00Z';
const def = (plural: string): ResourceDef => RESOURCES.find((r) => r.plural === plural)!;

export const instancesOf = (i: number): number => (i % 3) + 1;
export const serviceNamespace = (i: number): string => `team-${i % SERVICE_NAMESPACES}`;
export const nodeName = (i: number): string => `dcos-agent-${i + 1}`;

const fieldsEntry = (manager: string, operation: string, fields: object) => ({ manager, operation, apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: fields });
const POD_MANAGED_FIELDS = [
  fieldsEntry('kube-controller-manager', 'Update', {
    'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"x"}': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': { '.': {}, 'f:requests': { '.': {}, 'f:cpu': {}, 'f:memory': {} } }, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {} } }, 'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {} },
  }),
  fieldsEntry('kubelet', 'Update', {
    'f:status': { 'f:conditions': { 'k:{"type":"ContainersReady"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} }, 'k:{"type":"Initialized"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} }, 'k:{"type":"Ready"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:status': {}, 'f:type': {} } }, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': { '.': {}, 'k:{"ip":"10.0.0.1"}': { '.': {}, 'f:ip': {} } }, 'f:startTime': {} },
  }),
];
const POD_SPEC_DEFAULTS = {
  volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }], defaultMode: 420 } }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  serviceAccountName: 'default',
  serviceAccount: 'default',
  securityContext: {},
  schedulerName: 'default-scheduler',
  tolerations: [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ],
  priority: 0,
  enableServiceLinks: true,
  preemptionPolicy: 'PreemptLowerPriority',
};
const condition = (type: string, status: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: T0 });
const RUNNING_STATUS = {
  phase: 'Running',
  conditions: [condition('PodReadyToStartContainers', 'True'), condition('Initialized', 'True'), condition('Ready', 'True'), condition('ContainersReady', 'True'), condition('PodScheduled', 'True')],
  hostIP: '10.0.0.1',
  hostIPs: [{ ip: '10.0.0.1' }],
  podIP: '10.244.0.1',
  podIPs: [{ ip: '10.244.0.1' }],
  startTime: T0,
  containerStatuses: [{ name: 'c', state: { running: { startedAt: T0 } }, lastState: {}, ready: true, restartCount: 0, image: 'registry.k8s.io/pause:3.10', imageID: 'registry.k8s.io/pause@sha256:0', containerID: 'containerd://0', started: true }],
  qosClass: 'Burstable',
};
const PENDING_STATUS = { phase: 'Pending', conditions: [condition('PodScheduled', 'True')], qosClass: 'Burstable' };
const FAILED_STATUS = {
  ...RUNNING_STATUS,
  phase: 'Failed',
  conditions: [condition('Initialized', 'True'), condition('Ready', 'False'), condition('ContainersReady', 'False'), condition('PodScheduled', 'True')],
  containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1, reason: 'Error', startedAt: T0, finishedAt: T0 } }, lastState: {}, ready: false, restartCount: 0, image: 'registry.k8s.io/pause:3.10', imageID: 'registry.k8s.io/pause@sha256:0', containerID: 'containerd://0', started: false }],
};

/** One shared container per cpu request: pods that ask the same share it. */
const containers = new Map<number, unknown[]>();
function containersOf(cpuMilli: number): unknown[] {
  let c = containers.get(cpuMilli);
  if (!c) {
    c = [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: `${cpuMilli}m`, memory: '16Mi' } }, volumeMounts: [{ name: 'kube-api-access', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }], terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }];
    containers.set(cpuMilli, c);
  }
  return c;
}

const workloadLabels = Array.from({ length: 500 }, (_, i) => ({ app: `workload-${i}`, 'pod-template-hash': '5d8f9c7b6' }));

function standalonePod(name: string, namespace: string, node: string, cpuMilli: number, group: number, status: object = RUNNING_STATUS): Obj {
  return {
    metadata: { name, generateName: name.slice(0, name.lastIndexOf('-') + 1), namespace, creationTimestamp: T0, labels: workloadLabels[group % workloadLabels.length], managedFields: POD_MANAGED_FIELDS },
    spec: { ...POD_SPEC_DEFAULTS, containers: containersOf(cpuMilli), nodeName: node },
    status,
  };
}

const NODE_LABELS = { 'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/role': 'agent', 'node-role.kubernetes.io/agent': '', type: 'kwok' };
const NODE_RESOURCES = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };
const NODE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].map((type) => ({ type, status: 'False', lastHeartbeatTime: T0, lastTransitionTime: T0, reason: `Kubelet${type.replace('Unavailable', 'Available')}`, message: 'kubelet is posting ready status' })).concat([{ type: 'Ready', status: 'True', lastHeartbeatTime: T0, lastTransitionTime: T0, reason: 'KubeletReady', message: 'kubelet is posting ready status' }]);
const NODE_INFO = { machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '', kubeletVersion: 'fake', kubeProxyVersion: 'fake', operatingSystem: 'linux', architecture: 'amd64' };

function node(i: number): Obj {
  const name = nodeName(i);
  return {
    metadata: {
      name,
      creationTimestamp: T0,
      labels: { ...NODE_LABELS, 'kubernetes.io/hostname': name, 'topology.kubernetes.io/region': `region-${i % 3}`, 'topology.kubernetes.io/zone': `zone-${i % 9}` },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: {},
    status: { capacity: NODE_RESOURCES, allocatable: NODE_RESOURCES, conditions: NODE_CONDITIONS, addresses: [{ type: 'InternalIP', address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, { type: 'Hostname', address: name }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: NODE_INFO, phase: 'Running' },
  };
}

const SERVICE_MANAGED_FIELDS = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'dcos.dev/v1alpha1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:cmd': {}, 'f:cpus': {}, 'f:instances': {}, 'f:mem': {}, 'f:portDefinitions': {} } } }];

function dcosService(i: number): Obj {
  return {
    metadata: { name: `app-${i}`, namespace: serviceNamespace(i), generation: 1, creationTimestamp: T0, managedFields: SERVICE_MANAGED_FIELDS },
    spec: { cmd: 'sleep 3600', instances: instancesOf(i), cpus: 0.01, mem: 16, portDefinitions: [{ port: 0, name: 'http' }] },
  };
}

interface DeploymentSpec {
  replicas?: number;
  template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: unknown[] } };
}

export interface ChurnCounts {
  created: number;
  failed: number;
  deleted: number;
  scaled: number;
  servicePodsDeleted: number;
}

export interface StandInOptions {
  /** How long a pod of an applied Deployment stays Pending before it runs (0: created Running). */
  podStartMs?: number;
}

export class StandInCluster {
  private readonly store: StandInStore;
  private readonly podStartMs: number;
  private nodes = 0;
  private nextNode = 0;
  private standalone = 0;
  private services = 0;
  /** Pods of each Deployment (namespace/name), by pod name. */
  private readonly podsOf = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private syncTimer?: NodeJS.Timeout;
  private podSerial = 0;
  private readonly clusterWaiters = new Set<(allocatedCpu: number) => void>();

  constructor(store: StandInStore, opts: StandInOptions = {}) {
    this.store = store;
    this.podStartMs = opts.podStartMs ?? 0;
    store.onChange((d, type, obj, old) => this.changed(d, type, obj, old));
  }

  /** The cluster before the operator starts: nodes, pods bound to them, DcosServices without children. */
  seed(size: EnvelopeSize): void {
    this.nodes = size.nodes;
    this.services = size.services;
    for (let i = 0; i < POD_NAMESPACES; i++) this.store.seed(def('namespaces'), { metadata: { name: `workload-${i}` } });
    for (let i = 0; i < SERVICE_NAMESPACES; i++) this.store.seed(def('namespaces'), { metadata: { name: `team-${i}` } });
    for (let i = 0; i < size.nodes; i++) this.store.seed(def('nodes'), node(i));
    let serviceInstances = 0;
    for (let i = 0; i < size.services; i++) serviceInstances += instancesOf(i);
    this.standalone = Math.max(0, size.pods - serviceInstances);
    for (let i = 0; i < this.standalone; i++) {
      this.store.seed(def('pods'), standalonePod(`pod-${i}-x7k2p`, `workload-${i % POD_NAMESPACES}`, nodeName(i % size.nodes), 10, i));
    }
    for (let i = 0; i < size.services; i++) this.store.seed(def('dcosservices'), dcosService(i));
  }

  /** The workload controllers' side: an applied Deployment gets its pods; a lost pod is replaced. */
  private changed(d: ResourceDef, type: string, obj: Obj, old: Obj | undefined): void {
    if (d.plural === 'deployments') {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (type === 'DELETED') {
        for (const pod of this.podsOf.get(key) ?? []) this.deletePod(obj.metadata.namespace!, pod);
        this.podsOf.delete(key);
      } else if (!old || (old.spec as DeploymentSpec).replicas !== (obj.spec as DeploymentSpec).replicas || old.metadata.generation !== obj.metadata.generation) {
        this.markDirty(key);
      }
    } else if (d.plural === 'pods' && type === 'DELETED') {
      const owner = obj.metadata.ownerReferences?.[0];
      if (owner?.kind !== 'ReplicaSet') return;
      const key = `${obj.metadata.namespace}/${owner.name.slice(0, owner.name.lastIndexOf('-'))}`;
      if (this.podsOf.get(key)?.delete(obj.metadata.name)) this.markDirty(key);
    } else if (d.plural === 'dcosclusters' && type === 'MODIFIED') {
      const cpu = (obj.status as { resources?: { cpu?: { allocated?: number } } } | undefined)?.resources?.cpu?.allocated;
      if (cpu !== undefined) for (const w of [...this.clusterWaiters]) w(cpu);
    }
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    // The controllers act a moment later, on everything that changed meanwhile.
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      const keys = [...this.dirty];
      this.dirty.clear();
      for (const k of keys) this.syncDeployment(k);
    }, 20);
  }

  private deletePod(namespace: string, name: string): void {
    if (this.store.find('v1', 'pods', namespace, name)) this.store.delete('v1', 'pods', namespace, name);
  }

  private syncDeployment(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const deployment = this.store.find('apps/v1', 'deployments', namespace, name);
    if (!deployment) return;
    const spec = deployment.spec as DeploymentSpec;
    const want = spec.replicas ?? 1;
    let pods = this.podsOf.get(key);
    if (!pods) this.podsOf.set(key, (pods = new Set()));
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-5d8f9c7b6`, uid: deployment.metadata.uid!, controller: true, blockOwnerDeletion: true }];
    for (const pod of [...pods].slice(want)) {
      pods.delete(pod);
      this.deletePod(namespace, pod);
    }
    while (pods.size < want) {
      const podName = `${name}-5d8f9c7b6-${(this.podSerial++).toString(36).padStart(5, '0')}`;
      const template = spec.template;
      this.store.create('v1', 'pods', namespace, {
        metadata: { name: podName, generateName: `${name}-5d8f9c7b6-`, namespace, labels: template.metadata?.labels, ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}), ownerReferences: owner, managedFields: POD_MANAGED_FIELDS },
        spec: { ...POD_SPEC_DEFAULTS, containers: template.spec.containers, nodeName: nodeName(this.nextNode++ % this.nodes) },
        status: this.podStartMs > 0 ? PENDING_STATUS : RUNNING_STATUS,
      });
      pods.add(podName);
      if (this.podStartMs > 0) {
        setTimeout(() => {
          if (this.store.find('v1', 'pods', namespace, podName) === undefined) return;
          this.store.patch('v1', 'pods', namespace, podName, { status: RUNNING_STATUS }, 'status');
          this.writeDeploymentStatus(key);
        }, this.podStartMs);
      }
    }
    this.writeDeploymentStatus(key);
  }

  private writeDeploymentStatus(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const deployment = this.store.find('apps/v1', 'deployments', namespace, name);
    if (!deployment) return;
    const pods = [...(this.podsOf.get(key) ?? [])];
    const running = pods.filter((p) => (this.store.find('v1', 'pods', namespace, p)?.status as { phase?: string } | undefined)?.phase === 'Running').length;
    const replicas = (deployment.spec as DeploymentSpec).replicas ?? 1;
    const status = {
      observedGeneration: deployment.metadata.generation,
      replicas: pods.length,
      updatedReplicas: pods.length,
      readyReplicas: running,
      availableReplicas: running,
      ...(running < pods.length ? { unavailableReplicas: pods.length - running } : {}),
      conditions: [
        { type: 'Available', status: running >= replicas ? 'True' : 'False', lastUpdateTime: T0, lastTransitionTime: T0, reason: running >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T0, lastTransitionTime: T0, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-5d8f9c7b6" has successfully progressed.` },
      ],
    };
    this.store.apply('apps/v1', 'deployments', namespace, name, { ...deployment, status }, 'status');
  }

  /** DcosServices whose status shows their current generation acted on and every instance running. */
  correctServices(): number {
    let correct = 0;
    for (const s of this.store.values('dcos.dev/v1alpha1', 'dcosservices')) {
      const status = s.status as { observedGeneration?: number; tasksRunning?: number } | undefined;
      if (status?.observedGeneration === s.metadata.generation && status?.tasksRunning === ((s.spec as { instances?: number }).instances ?? 1)) correct++;
    }
    return correct;
  }

  clusterAllocatedCpu(): number | undefined {
    const cluster = this.store.find('dcos.dev/v1alpha1', 'dcosclusters', undefined, 'default');
    return (cluster?.status as { resources?: { cpu?: { allocated?: number } } } | undefined)?.resources?.cpu?.allocated;
  }

  /**
   * A pod of 7 milli-cores bound and Running, then the time until a DcosCluster status write shows it
   * (both ends timed here: no client's polling in the figure). Rejects after `timeoutMs`.
   */
  sampleStatusLatency(n: number, timeoutMs = 30_000): Promise<number> {
    const before = this.clusterAllocatedCpu() ?? 0;
    return new Promise((resolve, reject) => {
      let t0 = 0;
      const timer = setTimeout(() => {
        this.clusterWaiters.delete(waiter);
        reject(new Error(`DcosCluster status did not show a new pod within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (cpu: number) => {
        if (cpu < before + 0.0065) return;
        clearTimeout(timer);
        this.clusterWaiters.delete(waiter);
        resolve(performance.now() - t0);
      };
      this.clusterWaiters.add(waiter);
      t0 = performance.now();
      this.store.create('v1', 'pods', 'workload-0', standalonePod(`sample-${n}-x7k2p`, 'workload-0', nodeName(n % this.nodes), 7, n));
    });
  }

  /**
   * A busy cluster's hour in `seconds`: at `perSecond` operations a second, in turn, a pod created
   * (Running), a pod failed, a pod deleted, a DcosService scaled, a DcosService's pod deleted (its
   * Deployment replaces it).
   */
  async churn(seconds: number, perSecond: number): Promise<ChurnCounts> {
    const counts: ChurnCounts = { created: 0, failed: 0, deleted: 0, scaled: 0, servicePodsDeleted: 0 };
    const started = performance.now();
    let op = 0;
    let failNext = 0;
    let deleteNext = Math.floor(this.standalone / 2);
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
      for (; op < due; op++) {
        const k = op;
        switch (k % 5) {
          case 0:
            this.store.create('v1', 'pods', `workload-${k % POD_NAMESPACES}`, standalonePod(`churn-${k}-x7k2p`, `workload-${k % POD_NAMESPACES}`, nodeName(k % this.nodes), 5, k));
            counts.created++;
            break;
          case 1: {
            const i = failNext++ % this.standalone;
            const ns = `workload-${i % POD_NAMESPACES}`;
            if (this.store.find('v1', 'pods', ns, `pod-${i}-x7k2p`)) this.store.patch('v1', 'pods', ns, `pod-${i}-x7k2p`, { status: FAILED_STATUS }, 'status');
            counts.failed++;
            break;
          }
          case 2: {
            const i = deleteNext++ % this.standalone;
            this.deletePod(`workload-${i % POD_NAMESPACES}`, `pod-${i}-x7k2p`);
            counts.deleted++;
            break;
          }
          case 3: {
            const i = (k * 7919) % this.services;
            const svc = this.store.find('dcos.dev/v1alpha1', 'dcosservices', serviceNamespace(i), `app-${i}`);
            const instances = (svc?.spec as { instances?: number } | undefined)?.instances ?? 1;
            this.store.patch('dcos.dev/v1alpha1', 'dcosservices', serviceNamespace(i), `app-${i}`, { spec: { instances: (instances % 3) + 1 } });
            counts.scaled++;
            break;
          }
          default: {
            const i = (k * 104729) % this.services;
            const pods = this.podsOf.get(`${serviceNamespace(i)}/app-${i}`);
            const first = pods?.values().next().value;
            if (first) {
              this.deletePod(serviceNamespace(i), first);
              counts.servicePodsDeleted++;
            }
          }
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return counts;
  }
}
