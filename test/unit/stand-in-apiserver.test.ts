import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import { Informer } from '../../src/controllers/runtime/informer.ts';
import { createLogger } from '../../src/operator/logger.ts';
import { startStandIn, type StandIn } from '../../bench/support/stand-in-apiserver.ts';
import { StandInStore } from '../../bench/support/stand-in-store.ts';

/**
 * The envelope bench's figures hold only if the stand-in behaves like kube-apiserver for what the
 * operator does: the operator's own client and reflector against it, on a small cluster.
 */
describe('stand-in apiserver', () => {
  let standIn: StandIn | undefined;
  let informer: Informer<KubeObjectLike> | undefined;
  afterEach(async () => {
    informer?.stop();
    await standIn?.close();
  });

  it('lists in pages, and a watch from the list follows creates, changes and deletes', async () => {
    standIn = await startStandIn('/tmp/dcos-stand-in-test', { nodes: 3, pods: 25, services: 4, insecure: true, bookmarkMs: 50 });
    const client = KubeClient.fromFile(standIn.kubeconfig);
    const page = await client.list('v1', 'Pod', { limit: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.metadata.continue).toBeTruthy();
    const podsBefore = standIn.store.size('v1', 'pods');
    // A pod created between pages is not in the snapshot the pages read...
    standIn.store.create('v1', 'pods', 'workload-0', { metadata: { name: 'between' } });
    const rest = await client.list('v1', 'Pod', { limit: 100, continue: page.metadata.continue });
    expect(rest.items.map((p) => p.metadata.name)).not.toContain('between');
    expect(new Set([...page.items, ...rest.items].map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size).toBe(podsBefore);
    expect(page.items.length + rest.items.length).toBe(podsBefore);

    // ...and the reflector (paged list, then watch from its resourceVersion) still ends with it.
    informer = new Informer<KubeObjectLike>(client, { apiVersion: 'v1', kind: 'Pod' }, createLogger('silent'), undefined, { pageSize: 5 });
    informer.start();
    await informer.waitForSync();
    expect(informer.store.size).toBe(podsBefore + 1);
    standIn.store.patch('v1', 'pods', 'workload-0', 'between', { metadata: { labels: { x: 'y' } } });
    standIn.store.delete('v1', 'pods', 'workload-1', 'pod-1-x7k2p');
    await expect.poll(() => informer!.store.get('workload-0/between')?.metadata.labels?.x, { timeout: 10_000 }).toBe('y');
    await expect.poll(() => informer!.store.get('workload-1/pod-1-x7k2p'), { timeout: 10_000 }).toBeUndefined();
  });

  it('an applied Deployment gets Running pods and a status; an unchanged apply writes nothing', async () => {
    standIn = await startStandIn('/tmp/dcos-stand-in-test', { nodes: 2, pods: 0, services: 0, insecure: true });
    const client = KubeClient.fromFile(standIn.kubeconfig);
    const deployment: KubeObjectLike = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-0', labels: { a: 'b' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    await client.apply(deployment);
    const stored = () => standIn!.store.find('apps/v1', 'deployments', 'team-0', 'web');
    await expect.poll(() => (stored()?.status as { availableReplicas?: number } | undefined)?.availableReplicas, { timeout: 10_000 }).toBe(2);
    // Once the stand-in's controllers are done with it (their status write is a write too):
    const settled = stored()!.metadata.resourceVersion;
    const again = await client.apply(deployment);
    expect(again.metadata.resourceVersion).toBe(settled);
    const pods = [...standIn.store.values('v1', 'pods')];
    expect(pods.map((p) => (p.status as { phase: string }).phase)).toEqual(['Running', 'Running']);
    expect(pods[0]!.metadata.labels).toEqual({ app: 'web' });
    const scaled = await client.apply({ ...deployment, spec: { ...(deployment.spec as object), replicas: 1 } });
    expect(scaled.metadata.generation).toBe(2);
    await expect.poll(() => standIn!.store.size('v1', 'pods'), { timeout: 10_000 }).toBe(1);
  });

  it('a watch from a resourceVersion older than the events kept is told 410 Gone', () => {
    const store = new StandInStore({ eventsKept: 2 });
    for (let i = 0; i < 5; i++) store.create('v1', 'configmaps', 'ns', { metadata: { name: `c${i}` } });
    expect(() => store.watch('v1', 'configmaps', {}, 1, () => undefined)).toThrow(/too old resource version/);
    const lines: string[] = [];
    store.watch('v1', 'configmaps', { namespace: 'ns' }, store.resourceVersion - 1, (l) => lines.push(l));
    expect(lines.map((l) => (JSON.parse(l) as { object: KubeObjectLike }).object.metadata.name)).toEqual(['c4']);
  });
});
