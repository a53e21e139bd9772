import { podResources, resourceListAmounts, type ResourceAmounts } from '../accounting/pod-requests.ts';
import { formatBytes, formatPercent, formatShares } from '../accounting/cluster-status.ts';
import type { PodLike } from '../accounting/kube-shapes.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import type { Cell } from './table.ts';

export type NodeObject = KubeObjectLike & {
  spec?: { unschedulable?: boolean };
  status?: {
    addresses?: Array<{ type: string; address: string }>;
    allocatable?: Record<string, string>;
    conditions?: Array<{ type: string; status: string }>;
  };
};

export const NODE_HEADERS = ['HOSTNAME', 'IP', 'ID', 'TYPE', 'STATUS', 'REGION', 'ZONE', 'CPU', 'MEM', 'DISK', 'GPU'] as const;

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

/** DC/OS's node types: a control-plane node is a master, any other an agent (public when labelled so, as DC/OS public agents). */
export function nodeType(node: NodeObject): string {
  const labels = node.metadata.labels ?? {};
  if (CONTROL_PLANE_LABELS.some((l) => l in labels)) return 'master';
  if (labels['dcos.dev/public'] === 'true') return 'agent (public)';
  return 'agent';
}

/** STATUS: ACTIVE when Ready and schedulable, DEACTIVATED when cordoned, else INACTIVE. */
export function nodeStatus(node: NodeObject): string {
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  if (!ready) return 'INACTIVE';
  return node.spec?.unschedulable ? 'DEACTIVATED' : 'ACTIVE';
}

export function nodeIp(node: NodeObject): string | undefined {
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'ExternalIP'))?.address;
}

function zeros(): ResourceAmounts {
  return { cpu: 0, memory: 0, disk: 0, gpu: 0 };
}

/** Requests of the pods bound to each node, leaving out Succeeded and Failed pods, as the DcosCluster counts them. */
export function allocatedByNode(pods: readonly PodLike[]): Map<string, ResourceAmounts> {
  const out = new Map<string, ResourceAmounts>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!node || phase === 'Succeeded' || phase === 'Failed') continue;
    const r = podResources(pod).requests;
    const sum = out.get(node) ?? zeros();
    sum.cpu += r.cpu;
    sum.memory += r.memory;
    sum.disk += r.disk;
    sum.gpu += r.gpu;
    out.set(node, sum);
  }
  return out;
}

function percent(used: number, total: number): number {
  return total > 0 ? (used / total) * 100 : 0;
}

/** "1.5 of 8 (19%)": used of total with the share, as the DC/OS Nodes page showed each resource. */
export function allocationCells(used: ResourceAmounts, total: ResourceAmounts): { cpu: string; mem: string; disk: string; gpu: string } {
  return {
    cpu: `${formatShares(used.cpu)} of ${formatShares(total.cpu)} (${formatPercent(percent(used.cpu, total.cpu))})`,
    mem: `${formatBytes(used.memory)} of ${formatBytes(total.memory)} (${formatPercent(percent(used.memory, total.memory))})`,
    disk: `${formatBytes(used.disk)} of ${formatBytes(total.disk)} (${formatPercent(percent(used.disk, total.disk))})`,
    gpu: `${used.gpu} of ${total.gpu} (${formatPercent(percent(used.gpu, total.gpu))})`,
  };
}

export function nodeRow(node: NodeObject, used: ResourceAmounts | undefined): Cell[] {
  const total = resourceListAmounts(node.status?.allocatable);
  const cells = allocationCells(used ?? zeros(), total);
  const labels = node.metadata.labels ?? {};
  return [
    node.metadata.name,
    nodeIp(node),
    node.metadata.uid,
    nodeType(node),
    nodeStatus(node),
    labels['topology.kubernetes.io/region'],
    labels['topology.kubernetes.io/zone'],
    cells.cpu,
    cells.mem,
    cells.disk,
    total.gpu > 0 ? cells.gpu : undefined,
  ];
}

/** The stable `--json` shape of a node (docs/cli.md); CPU in shares, memory and disk in bytes. */
export function nodeJson(node: NodeObject, used: ResourceAmounts | undefined) {
  const total = resourceListAmounts(node.status?.allocatable);
  const u = used ?? zeros();
  const labels = node.metadata.labels ?? {};
  return {
    hostname: node.metadata.name,
    ip: nodeIp(node) ?? null,
    id: node.metadata.uid ?? null,
    type: nodeType(node),
    status: nodeStatus(node),
    region: labels['topology.kubernetes.io/region'] ?? null,
    zone: labels['topology.kubernetes.io/zone'] ?? null,
    used: { cpus: u.cpu / 1000, mem: u.memory, disk: u.disk, gpus: u.gpu },
    total: { cpus: total.cpu / 1000, mem: total.memory, disk: total.disk, gpus: total.gpu },
  };
}
