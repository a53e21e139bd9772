import { describe, expect, it } from 'vitest';
import { AllocationLedger } from '../../src/accounting/allocation-ledger.ts';
import type { NodeLike, PodLike } from '../../src/accounting/kube-shapes.ts';
import { podResources } from '../../src/accounting/pod-requests.ts';
import { QuantityError } from '../../src/accounting/quantity.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const Gi = 2 ** 30;

interface PodOptions {
  node?: string;
  phase?: string;
  cpu?: string;
  memory?: string;
  gpu?: string;
  restarts?: number;
}

function pod(uid: string, options: PodOptions = {}): PodLike {
  const requests: Record<string, string> = { cpu: options.cpu ?? '500m', memory: options.memory ?? '1Gi' };
  if (options.gpu) requests['nvidia.com/gpu'] = options.gpu;
  return {
    metadata: { uid, name: uid, namespace: 'default' },
    spec: { ...(options.node ? { nodeName: options.node } : {}), containers: [{ name: 'main', resources: { requests } }] },
    status: { phase: options.phase ?? 'Running', containerStatuses: [{ name: 'main', restartCount: options.restarts ?? 0 }] },
  };
}

interface NodeOptions {
  ready?: 'True' | 'False' | 'Unknown';
  unschedulable?: boolean;
  cpu?: string;
  memory?: string;
  gpu?: string;
}

function node(name: string, options: NodeOptions = {}): NodeLike {
  const allocatable: Record<string, string> = { cpu: options.cpu ?? '4', memory: options.memory ?? '16Gi', 'ephemeral-storage': '100Gi', pods: '110' };
  if (options.gpu) allocatable['nvidia.com/gpu'] = options.gpu;
  return {
    metadata: { name },
    spec: options.unschedulable ? { unschedulable: true } : {},
    status: {
      allocatable,
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: options.ready ?? 'True' },
      ],
      addresses: [
        { type: 'Hostname', address: name },
        { type: 'InternalIP', address: `10.0.0.${name.length}` },
      ],
    },
  };
}

function ledgerWith(nodes: NodeLike[], pods: PodLike[] = []): AllocationLedger {
  const ledger = new AllocationLedger();
  for (const n of nodes) ledger.applyNode('ADDED', n);
  for (const p of pods) ledger.applyPod('ADDED', p, NOW);
  return ledger;
}

describe('allocation', () => {
  it('counts the requests of bound pods over the allocatable of Ready, schedulable nodes', () => {
    const ledger = ledgerWith([node('a'), node('b', { gpu: '2' })], [pod('p1', { node: 'a' }), pod('p2', { node: 'b', gpu: '1', cpu: '1' })]);
    const { allocated, total } = ledger.figures(NOW);
    expect(allocated).toEqual({ cpu: 1500, memory: 2 * Gi, disk: 0, gpu: 1 });
    expect(total).toEqual({ cpu: 8000, memory: 32 * Gi, disk: 200 * Gi, gpu: 2 });
  });

  it.each([
    ['unscheduled (staging)', 0, { phase: 'Pending' }],
    ['bound and still Pending', 500, { phase: 'Pending', node: 'a' }],
    ['Running', 500, { node: 'a' }],
    ['Succeeded', 0, { phase: 'Succeeded', node: 'a' }],
    ['Failed', 0, { phase: 'Failed', node: 'a' }],
    ['Unknown (node lost contact)', 500, { phase: 'Unknown', node: 'a' }],
  ] as const)('a pod %s holds %i milli-cores', (_name, cpu, options) => {
    const ledger = ledgerWith([node('a')], [pod('p', options)]);
    expect(ledger.figures(NOW).allocated.cpu).toBe(cpu);
    expect(ledger.nodeAllocation('a')?.used.cpu).toBe(cpu);
  });

  it('releases a pod\'s requests when it finishes, and when it is deleted', () => {
    const ledger = ledgerWith([node('a')], [pod('p1', { node: 'a' }), pod('p2', { node: 'a' })]);
    ledger.applyPod('MODIFIED', pod('p1', { node: 'a', phase: 'Succeeded' }), NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
    ledger.applyPod('DELETED', pod('p2', { node: 'a' }), NOW);
    ledger.applyPod('DELETED', pod('p1', { node: 'a', phase: 'Succeeded' }), NOW);
    expect(ledger.figures(NOW).allocated).toEqual({ cpu: 0, memory: 0, disk: 0, gpu: 0 });
    expect(ledger.nodeAllocation('a')?.tasks).toBe(0);
  });

  it('forgets the pods a relist did not name (deleted while the watch was away), keeping the others', () => {
    const ledger = ledgerWith([node('a')], [pod('p1', { node: 'a' }), pod('p2', { node: 'a' }), pod('p3', { node: 'a' })]);
    ledger.retainListedPods({ has: (namespace, name) => namespace === 'default' && name !== 'p2' });
    expect(ledger.podCount).toBe(2);
    expect(ledger.figures(NOW).allocated.cpu).toBe(1000);
    expect(ledger.nodeAllocation('a')?.tasks).toBe(2);
    // Gone for good: its late DELETED changes nothing.
    ledger.applyPod('DELETED', pod('p2', { node: 'a' }), NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(1000);
  });

  it('counts a pod once however often it is added (a relist replays ADDED)', () => {
    const ledger = ledgerWith([node('a')]);
    for (let i = 0; i < 3; i++) ledger.applyPod('ADDED', pod('p', { node: 'a' }), NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
    expect(ledger.figures(NOW).tasks.running).toBe(1);
  });

  it('rejects a pod with a malformed quantity without disturbing what it already counts', () => {
    const ledger = ledgerWith([node('a')], [pod('p', { node: 'a' })]);
    expect(() => ledger.applyPod('MODIFIED', pod('p', { node: 'a', cpu: 'lots' }), NOW)).toThrow(QuantityError);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
    expect(ledger.nodeAllocation('a')?.tasks).toBe(1);
  });

  it('tells a pod recreated under the same name (a StatefulSet\'s) from the one it replaced, by uid', () => {
    const ledger = ledgerWith([node('a'), node('b')], [pod('web-0', { node: 'a' })]);
    // Deleted and recreated while the watch was away: the relist shows the new pod under the old name.
    const recreated = { ...pod('web-0', { node: 'b', cpu: '2' }), metadata: { uid: 'web-0-second', name: 'web-0', namespace: 'default' } };
    ledger.applyPod('MODIFIED', recreated, NOW);
    expect(ledger.nodeAllocation('a')?.tasks ?? 0).toBe(0);
    expect(ledger.nodeAllocation('b')?.used.cpu).toBe(2000);
    expect(ledger.podCount).toBe(1);
    // A late DELETED of the first pod leaves the second one alone.
    ledger.applyPod('DELETED', pod('web-0', { node: 'a' }), NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(2000);
    // A relist's deletion carries no uid (the cache keeps none for pods no DcosService owns): the name is enough.
    ledger.applyPod('DELETED', { metadata: { name: 'web-0', namespace: 'default' } }, NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(0);
    expect(ledger.podCount).toBe(0);
  });

  it('rejects a malformed quantity of a recreated pod before forgetting the one it replaced', () => {
    const ledger = ledgerWith([node('a')], [pod('web-0', { node: 'a' })]);
    const recreated = { ...pod('web-0', { node: 'a', cpu: 'lots' }), metadata: { uid: 'web-0-second', name: 'web-0', namespace: 'default' } };
    expect(() => ledger.applyPod('MODIFIED', recreated, NOW)).toThrow(QuantityError);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
    expect(ledger.podCount).toBe(1);
  });

  it('ignores the deletion of a pod it never saw', () => {
    const ledger = ledgerWith([node('a')], [pod('p', { node: 'a' })]);
    ledger.applyPod('DELETED', pod('other', { node: 'a' }), NOW);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
  });

  it('moves a pod\'s requests when it is bound, and when its node changes', () => {
    const ledger = ledgerWith([node('a'), node('b')], [pod('p', { phase: 'Pending' })]);
    ledger.applyPod('MODIFIED', pod('p', { node: 'a' }), NOW);
    expect(ledger.nodeAllocation('a')?.used.cpu).toBe(500);
    ledger.applyPod('MODIFIED', pod('p', { node: 'b', cpu: '2' }), NOW);
    expect(ledger.nodeAllocation('a')?.used.cpu).toBe(0);
    expect(ledger.nodeAllocation('b')?.used.cpu).toBe(2000);
    expect(ledger.figures(NOW).allocated.cpu).toBe(2000);
  });

  it('takes a NotReady node, with its pods, out of allocated and total, and puts it back when Ready', () => {
    const ledger = ledgerWith([node('a'), node('b')], [pod('p1', { node: 'a' }), pod('p2', { node: 'b' })]);
    ledger.applyNode('MODIFIED', node('b', { ready: 'Unknown' }));
    let figures = ledger.figures(NOW);
    expect(figures.allocated.cpu).toBe(500);
    expect(figures.total.cpu).toBe(4000);
    expect(figures.nodes).toEqual({ total: 2, ready: 1, notReady: 1, unschedulable: 0 });
    expect(ledger.nodeAllocation('b')).toMatchObject({ status: 'NotReady', counted: false, tasks: 1, used: { cpu: 500 } });
    ledger.applyNode('MODIFIED', node('b'));
    figures = ledger.figures(NOW);
    expect(figures.allocated.cpu).toBe(1000);
    expect(figures.total.cpu).toBe(8000);
  });

  it('counts a node that reports no Ready condition as not ready', () => {
    const ledger = ledgerWith([{ metadata: { name: 'new' }, status: { allocatable: { cpu: '4' } } }]);
    expect(ledger.figures(NOW).nodes).toEqual({ total: 1, ready: 0, notReady: 1, unschedulable: 0 });
    expect(ledger.figures(NOW).total.cpu).toBe(0);
  });

  it('takes a cordoned node out of the cluster figures and counts it unschedulable', () => {
    const ledger = ledgerWith([node('a'), node('b', { unschedulable: true })], [pod('p1', { node: 'b' })]);
    const figures = ledger.figures(NOW);
    expect(figures.total.cpu).toBe(4000);
    expect(figures.allocated.cpu).toBe(0);
    expect(figures.nodes).toEqual({ total: 2, ready: 2, notReady: 0, unschedulable: 1 });
  });

  it('follows a node whose allocatable changes', () => {
    const ledger = ledgerWith([node('a')]);
    ledger.applyNode('MODIFIED', node('a', { cpu: '8', memory: '32Gi' }));
    expect(ledger.figures(NOW).total).toMatchObject({ cpu: 8000, memory: 32 * Gi });
  });

  it('takes a node that leaves out of every figure, pods included, and never goes negative after', () => {
    const ledger = ledgerWith([node('a'), node('b')], [pod('p1', { node: 'a' }), pod('p2', { node: 'b' }), pod('p3', { node: 'b' })]);
    ledger.applyNode('DELETED', node('b'));
    let figures = ledger.figures(NOW);
    expect(figures.allocated.cpu).toBe(500);
    expect(figures.total.cpu).toBe(4000);
    expect(figures.nodes).toEqual({ total: 1, ready: 1, notReady: 0, unschedulable: 0 });
    expect(ledger.nodeAllocation('b')).toBeUndefined();
    expect(ledger.nodeAllocations().map((row) => row.host)).toEqual(['a']);
    // The pod garbage collector deletes the orphans afterwards.
    ledger.applyPod('DELETED', pod('p2', { node: 'b' }), NOW);
    ledger.applyPod('DELETED', pod('p3', { node: 'b' }), NOW);
    figures = ledger.figures(NOW);
    expect(figures.allocated.cpu).toBe(500);
    // A node of the same name joining later starts clean.
    ledger.applyNode('ADDED', node('b'));
    expect(ledger.nodeAllocation('b')?.used.cpu).toBe(0);
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
  });

  it('counts pods seen before their node once the node arrives', () => {
    const ledger = ledgerWith([], [pod('p1', { node: 'late' })]);
    expect(ledger.figures(NOW).allocated.cpu).toBe(0);
    ledger.applyNode('ADDED', node('late'));
    expect(ledger.figures(NOW).allocated.cpu).toBe(500);
    expect(ledger.nodeAllocation('late')?.tasks).toBe(1);
  });

  it('tallies tasks by phase', () => {
    const ledger = ledgerWith(
      [node('a')],
      [pod('r1', { node: 'a' }), pod('r2', { node: 'a' }), pod('s1', { phase: 'Pending' }), pod('f1', { node: 'a', phase: 'Failed' }), pod('d1', { node: 'a', phase: 'Succeeded' })],
    );
    expect(ledger.figures(NOW).tasks).toEqual({ running: 2, staging: 1, failed: 1, finished: 1 });
  });

  it('serves a per-node view like the DC/OS Nodes page', () => {
    const ledger = ledgerWith([node('b'), node('a', { gpu: '4' })], [pod('p1', { node: 'a', gpu: '1' })]);
    const rows = ledger.nodeAllocations();
    expect(rows.map((row) => row.host)).toEqual(['a', 'b']);
    expect(rows[0]).toEqual({
      host: 'a',
      address: '10.0.0.1',
      status: 'Ready',
      unschedulable: false,
      counted: true,
      tasks: 1,
      used: { cpu: 500, memory: Gi, disk: 0, gpu: 1 },
      allocatable: { cpu: 4000, memory: 16 * Gi, disk: 100 * Gi, gpu: 4 },
      limits: { cpu: 0, memory: 0 },
    });
  });
});

describe('incremental sums match a recount', () => {
  // A deterministic random walk of pod and node events; after it, every figure the ledger kept
  // incrementally must equal one recounted from the surviving objects.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it.each([1, 2, 3])('seed %i', (seed) => {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const ledger = new AllocationLedger();
    const pods = new Map<string, PodLike>();
    const nodes = new Map<string, NodeLike>();
    const nodeNames = ['n0', 'n1', 'n2', 'n3', 'n4'];
    const phases = ['Pending', 'Running', 'Running', 'Succeeded', 'Failed'];
    const cpus = ['100m', '0.1', '250m', '1', '1500m', '333m'];
    for (let step = 0; step < 3000; step++) {
      const roll = next();
      if (roll < 0.1) {
        const name = pick(nodeNames);
        if (nodes.has(name) && next() < 0.3) {
          ledger.applyNode('DELETED', nodes.get(name) as NodeLike);
          nodes.delete(name);
        } else {
          const n = node(name, { ready: pick(['True', 'True', 'False'] as const), unschedulable: next() < 0.2, cpu: pick(['2', '4', '8']) });
          ledger.applyNode(nodes.has(name) ? 'MODIFIED' : 'ADDED', n);
          nodes.set(name, n);
        }
      } else {
        const uid = `p${Math.floor(next() * 200)}`;
        if (pods.has(uid) && next() < 0.3) {
          ledger.applyPod('DELETED', pods.get(uid) as PodLike, NOW);
          pods.delete(uid);
        } else {
          const previous = pods.get(uid);
          const bound = previous?.spec?.nodeName ?? (next() < 0.8 ? pick(nodeNames) : undefined);
          const p = pod(uid, { ...(bound ? { node: bound } : {}), phase: pick(phases), cpu: pick(cpus), memory: pick(['1Gi', '500M', '129e6']) });
          ledger.applyPod(previous ? 'MODIFIED' : 'ADDED', p, NOW);
          pods.set(uid, p);
        }
      }
    }

    const counted = new Set([...nodes.values()].filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !n.spec?.unschedulable).map((n) => n.metadata?.name));
    let cpu = 0;
    let memory = 0;
    let totalCpu = 0;
    for (const n of nodes.values()) if (counted.has(n.metadata?.name)) totalCpu += Number(n.status?.allocatable?.cpu) * 1000;
    for (const p of pods.values()) {
      const phase = p.status?.phase;
      if (!counted.has(p.spec?.nodeName) || phase === 'Succeeded' || phase === 'Failed') continue;
      const { requests } = podResources(p);
      cpu += requests.cpu;
      memory += requests.memory;
    }
    const figures = ledger.figures(NOW);
    expect(figures.allocated.cpu).toBe(cpu);
    expect(figures.allocated.memory).toBe(memory);
    expect(figures.total.cpu).toBe(totalCpu);
    expect(figures.nodes.total).toBe(nodes.size);
    expect(figures.tasks.running).toBe([...pods.values()].filter((p) => p.status?.phase === 'Running').length);
    const perNodeTasks = Object.fromEntries(ledger.nodeAllocations().map((row) => [row.host, row.tasks]));
    for (const name of nodes.keys()) {
      const expected = [...pods.values()].filter((p) => p.spec?.nodeName === name && !['Succeeded', 'Failed'].includes(p.status?.phase ?? '')).length;
      expect(perNodeTasks[name]).toBe(expected);
    }
  });
});
