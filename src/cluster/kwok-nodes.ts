/** The fake nodes of the local cluster: real capacity and the labels placement rules act on. */
export interface KwokNodeOptions {
  count: number;
  /** Every gpuEvery-th node carries nvidia.com/gpu (0: none). */
  gpuEvery: number;
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  pods: string;
  gpus: string;
}

export const DEFAULT_NODE_OPTIONS: KwokNodeOptions = {
  count: 4,
  gpuEvery: 2,
  cpu: '8',
  memory: '32Gi',
  ephemeralStorage: '100Gi',
  pods: '110',
  gpus: '2',
};

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

export function nodeName(index: number): string {
  return `dcos-agent-${index + 1}`;
}

export function kwokNodeManifest(index: number, opts: KwokNodeOptions = DEFAULT_NODE_OPTIONS): Record<string, unknown> {
  const name = nodeName(index);
  const hasGpu = opts.gpuEvery > 0 && (index + 1) % opts.gpuEvery === 0;
  const resources: Record<string, string> = {
    cpu: opts.cpu,
    memory: opts.memory,
    'ephemeral-storage': opts.ephemeralStorage,
    pods: opts.pods,
    ...(hasGpu ? { 'nvidia.com/gpu': opts.gpus } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': ZONES[index % ZONES.length]!,
        'topology.kubernetes.io/region': 'region-1',
        'node.kubernetes.io/instance-type': hasGpu ? 'kwok-gpu' : 'kwok-standard',
        'kwok.x-k8s.io/node': 'fake',
        'type': 'kwok',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: {},
    status: { capacity: resources, allocatable: resources },
  };
}

export function nodeOptionsFromEnv(env = process.env): KwokNodeOptions {
  const count = Number(env.DCOS_CLUSTER_NODES ?? DEFAULT_NODE_OPTIONS.count);
  if (!Number.isInteger(count) || count < 0) throw new Error(`DCOS_CLUSTER_NODES: expected a whole number >= 0, got ${env.DCOS_CLUSTER_NODES}`);
  return { ...DEFAULT_NODE_OPTIONS, count };
}
