import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { dcosClusterController, type LedgerSlot } from '../../src/controllers/dcos-cluster-controller.ts';
import { serveClusterFigures } from '../../src/operator/operator-http.ts';
import { quantityToMilli, quantityToUnits, type NodeAllocation } from '../../src/accounting/index.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { DcosClusterStatus } from '../../src/resources/dcos-cluster.ts';

type Cluster = KubeObjectLike & { spec: { taskFailureWindowSeconds?: number }; status?: DcosClusterStatus };

/** What `kubectl describe node` prints under "Allocated resources": requests by resource. */
function describedRequests(node: string): Record<string, string> {
  const out = kubectl(['describe', 'node', node]).stdout;
  const section = out.slice(out.indexOf('Allocated resources:'));
  const rows: Record<string, string> = {};
  for (const line of section.split('\n').slice(1)) {
    const m = /^\s+(cpu|memory|ephemeral-storage|nvidia\.com\/gpu)\s+(\S+)/.exec(line);
    if (m) rows[m[1]!] = m[2]!;
    if (/^Events:/.test(line)) break;
  }
  return rows;
}

describe('DcosCluster controller', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  const slot: LedgerSlot = {};

  beforeAll(async () => {
    operator = await startOperator(client, [dcosClusterController({ slot })]);
    serveClusterFigures(operator.httpApp, slot);
    ns = await createTestNamespace(client, 'dcl');
    // Figures here are cluster-wide: wait until the namespaces earlier files deleted (and their pods) are gone.
    await eventually(async () => {
      const namespaces = await client.list<KubeObjectLike & { status?: { phase?: string } }>('v1', 'Namespace');
      const terminating = namespaces.items.filter((n) => n.status?.phase === 'Terminating').map((n) => n.metadata.name);
      if (terminating.length > 0) throw new Error(`namespaces still terminating: ${terminating.join(', ')}`);
    }, 180_000, 500);
  });
  afterAll(async () => {
    await operator?.stop();
    await deleteNamespace(client, ns);
  });

  const cluster = () => client.get<Cluster>('dcos.dev/v1alpha1', 'DcosCluster', 'default');
  const nodesEndpoint = async (): Promise<NodeAllocation[]> => {
    const res = await fetch(`http://127.0.0.1:${operator.ports.metrics}/api/v1/nodes`);
    return ((await res.json()) as { nodes: NodeAllocation[] }).nodes;
  };
  const deployment = (name: string, replicas: number, cpu: string, memory: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
          containers: [{ name: 'main', image: 'nginx', resources: { requests: { cpu, memory } } }],
        },
      },
    },
  });

  it('keeps a DcosCluster named default with the capacity of the Ready nodes', async () => {
    const status = await eventually(async () => {
      const s = (await cluster()).status;
      if (!s?.resources) throw new Error('no status yet');
      return s;
    });
    const nodes = await client.list<KubeObjectLike & { status: { allocatable: Record<string, string> } }>('v1', 'Node');
    const cores = nodes.items.reduce((sum, n) => sum + quantityToMilli(n.status.allocatable.cpu!), 0) / 1000;
    expect(status.resources!.cpu.total).toBe(cores);
    expect(status.resources!.cpu.summary).toMatch(new RegExp(`^\\d+(\\.\\d{1,2})? of ${cores} shares$`));
    expect(status.nodes).toMatchObject({ total: nodes.items.length, ready: nodes.items.length, notReady: 0 });
    const table = kubectl(['get', 'dcosclusters']);
    expect(table.stdout).toMatch(/NAME\s+CPU\s+CPU-ALLOCATED\s+MEMORY\s+MEMORY-ALLOCATED\s+DISK\s+GPU\s+NODES\s+SERVICES\s+UNHEALTHY\s+FAILURE-RATE\s+AGE/);
    // Percentages with their sign and the "of" figures, as the DC/OS dashboard showed them: never a bare number that reads like CPUs.
    expect(table.stdout).toMatch(new RegExp(`default\\s+\\d+%\\s+\\S+ of \\S+ shares\\s+\\d+%\\s+\\S+ \\S+ of \\S+ \\S+\\s+\\d+%\\s+\\d+%`));
  });

  it('moves allocation when a Deployment scales, counting init containers as kubectl does', async () => {
    // A baseline that holds still for two seconds: nothing else is coming or going.
    const before = await eventually(async () => {
      const first = (await cluster()).status!.resources!.cpu.allocated;
      await new Promise((r) => setTimeout(r, 2000));
      const second = (await cluster()).status!.resources!.cpu.allocated;
      if (first !== second) throw new Error(`allocation still moving: ${first} -> ${second}`);
      return second;
    }, 60_000);
    await client.create(deployment('alloc', 2, '500m', '128Mi') as unknown as KubeObjectLike);
    // Per pod: max(init 2 cores, main 0.5) = 2 cores.
    await eventually(async () => expect((await cluster()).status!.resources!.cpu.allocated).toBeCloseTo(before + 4, 5), 60_000);
    await client.patch('apps/v1', 'Deployment', 'alloc', ns, { spec: { replicas: 1 } });
    await eventually(async () => expect((await cluster()).status!.resources!.cpu.allocated).toBeCloseTo(before + 2, 5), 60_000);
  });

  it('gives the same per-node figures as `kubectl describe node`, on every node', async () => {
    await eventually(async () => {
      const rows = await nodesEndpoint();
      expect(rows.length).toBeGreaterThanOrEqual(4);
      for (const row of rows) {
        const described = describedRequests(row.host);
        expect(row.used.cpu, `${row.host} cpu`).toBe(quantityToMilli(described.cpu ?? '0'));
        expect(row.used.memory, `${row.host} memory`).toBe(quantityToUnits(described.memory ?? '0'));
        expect(row.used.disk, `${row.host} ephemeral-storage`).toBe(quantityToUnits(described['ephemeral-storage'] ?? '0'));
      }
    }, 30_000);
  });

  it('counts a node that stops heartbeating as not ready, and takes it out of the total', async () => {
    const node = 'dcos-agent-1';
    const totalBefore = (await cluster()).status!.resources!.cpu.total;
    // kwok manages only labelled nodes: without the label nobody renews its lease.
    await client.patch('v1', 'Node', node, undefined, { metadata: { labels: { 'kwok.x-k8s.io/node': null } } });
    try {
      const status = await eventually(async () => {
        const s = (await cluster()).status!;
        if (s.nodes!.notReady < 1) throw new Error('still ready');
        return s;
      }, 90_000, 500);
      expect(status.resources!.cpu.total).toBe(totalBefore - 8);
    } finally {
      await client.patch('v1', 'Node', node, undefined, { metadata: { labels: { 'kwok.x-k8s.io/node': 'fake' } } });
    }
    await eventually(async () => expect((await cluster()).status!.nodes!.notReady).toBe(0), 90_000, 500);
  });

  it('raises the task failure rate when tasks fail, and lets it decay out of the window', async () => {
    await client.patch('dcos.dev/v1alpha1', 'DcosCluster', 'default', undefined, { spec: { taskFailureWindowSeconds: 20 } });
    await eventually(async () => expect((await cluster()).status!.taskFailureRate!.windowSeconds).toBe(20));
    const pod = await client.create<KubeObjectLike>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher', namespace: ns }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } as KubeObjectLike);
    await eventually(async () => expect((await client.get<KubeObjectLike & { status: { phase: string } }>('v1', 'Pod', pod.metadata.name, ns)).status.phase).toBe('Running'));
    const now = new Date().toISOString();
    await client.patch('v1', 'Pod', 'crasher', ns, {
      status: { phase: 'Failed', containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error', startedAt: now, finishedAt: now } } }] },
    }, 'merge', 'status');
    const raised = await eventually(async () => {
      const r = (await cluster()).status!.taskFailureRate!;
      if (r.failed < 1) throw new Error('no failure counted yet');
      return r;
    });
    expect(raised.percent).toBeGreaterThan(0);
    await eventually(async () => expect((await cluster()).status!.taskFailureRate!.failed).toBe(0), 60_000, 1000);
  });

  it('serves the figures as Prometheus gauges', async () => {
    const text = await (await fetch(`http://127.0.0.1:${operator.ports.metrics}/metrics`)).text();
    expect(text).toMatch(/^dcos_cluster_capacity\{resource="cpu"\} \d+/m);
    expect(text).toMatch(/^dcos_cluster_nodes\{state="ready"\} \d+/m);
    expect(text).toMatch(/^dcos_operator_reconcile_total\{controller="dcoscluster",result="success"\} \d+/m);
  });

  it('recreates the DcosCluster when it is deleted', async () => {
    const old = await cluster();
    await client.delete('dcos.dev/v1alpha1', 'DcosCluster', 'default');
    await eventually(async () => {
      const again = await cluster();
      expect(again.metadata.uid).not.toBe(old.metadata.uid);
      expect(again.status?.resources).toBeDefined();
    });
  });
});
