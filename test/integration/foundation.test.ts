import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, ensureCrds, eventually, kubeClient, kubectl } from './support/cluster.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

type Pod = KubeObjectLike & { spec: { nodeName?: string }; status?: { phase?: string } };

describe('the local control plane with the CRDs installed', () => {
  const client = kubeClient();
  let ns: string;

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'foundation');
  });
  afterAll(() => deleteNamespace(client, ns));

  it('answers `kubectl get dcos` for every kind of the dcos category', () => {
    const res = kubectl(['get', 'dcos', '-A']);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.status).toBe(0);
    const resources = kubectl(['api-resources', '--categories=dcos', '-o', 'name']);
    expect(resources.stdout.trim().split('\n').sort()).toEqual([
      'dcosclusters.dcos.dev',
      'dcospackagerepositories.dcos.dev',
      'dcospackages.dcos.dev',
      'dcosservices.dcos.dev',
    ]);
  });

  it('documents DcosService fields in `kubectl explain`', async () => {
    const res = await eventually(() => {
      const r = kubectl(['explain', 'dcosservice.spec']);
      if (r.status !== 0) throw new Error(r.stderr);
      return r;
    });
    expect(res.stdout).toMatch(/Marathon/);
    expect(res.stdout).toMatch(/cmd\s+<string>/);
    // A number or, as Marathon 0.x read it, a string holding one: kubectl shows the type as an object, the description says which.
    expect(res.stdout).toMatch(/instances\s+<\w+>\s+How many tasks \(pods\) to run/);
  });

  it('lets `kubectl scale` set a DcosService\'s spec.instances through the scale subresource', async () => {
    const svc = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'scaled', namespace: ns }, spec: { cmd: 'sleep 1000', instances: 1 } };
    await client.create(svc as KubeObjectLike);
    const res = kubectl(['scale', '-n', ns, 'dcosservice/scaled', '--replicas=3']);
    expect(res.stderr).toBe('');
    const after = await client.get<KubeObjectLike & { spec: { instances: number } }>('dcos.dev/v1alpha1', 'DcosService', 'scaled', ns);
    expect(after.spec.instances).toBe(3);
  });

  it('runs a Deployment\'s pods on kwok nodes and removes them with it', async () => {
    expect(kubectl(['create', 'deployment', 'web', '-n', ns, '--image=nginx', '--replicas=2']).status).toBe(0);
    const pods = await eventually(async () => {
      const list = await client.list<Pod>('v1', 'Pod', { namespace: ns, labelSelector: 'app=web' });
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      if (running.length !== 2) throw new Error(`${running.length} of 2 pods Running`);
      return running;
    });
    for (const pod of pods) expect(pod.spec.nodeName).toMatch(/^dcos-agent-\d+$/);
    expect(kubectl(['delete', 'deployment', 'web', '-n', ns]).status).toBe(0);
    await eventually(async () => {
      const list = await client.list<Pod>('v1', 'Pod', { namespace: ns, labelSelector: 'app=web' });
      if (list.items.length !== 0) throw new Error(`${list.items.length} pods left`);
    });
  });

  it('has nodes that report their capacity, GPUs on some, and placement labels', async () => {
    const nodes = await client.list<KubeObjectLike & { status: { allocatable: Record<string, string> } }>('v1', 'Node', { labelSelector: 'kwok.x-k8s.io/node=fake' });
    expect(nodes.items.length).toBeGreaterThanOrEqual(4);
    for (const node of nodes.items) {
      expect(node.status.allocatable).toMatchObject({ cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi' });
      expect(node.metadata.labels).toHaveProperty(['topology.kubernetes.io/zone']);
    }
    expect(nodes.items.filter((n) => n.status.allocatable['nvidia.com/gpu'] === '2').length).toBeGreaterThan(0);
  });
});
