import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, eventually, kubeClient } from './support/cluster.ts';
import { Informer } from '../../src/controllers/runtime/informer.ts';
import { createLogger } from '../../src/operator/logger.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

const configMap = (namespace: string, name: string, data: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }) as KubeObjectLike;

describe('the reflector on a real apiserver', () => {
  const client = kubeClient();
  const log = createLogger('silent');
  let ns: string;
  const informers: Informer<KubeObjectLike>[] = [];

  beforeAll(async () => {
    ns = await createTestNamespace(client, 'reflector');
  });
  afterAll(() => informers.forEach((i) => i.stop()));

  it('lists, then follows creates, updates and deletes through the watch', async () => {
    await client.create(configMap(ns, 'before'));
    const informer = new Informer<KubeObjectLike>(client, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, log);
    informers.push(informer);
    const events: string[] = [];
    informer.on({
      onAdd: (o) => events.push(`add ${o.metadata.name}`),
      onUpdate: (_, o) => events.push(`update ${o.metadata.name}`),
      onDelete: (o) => events.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await informer.waitForSync();
    expect(informer.store.get(`${ns}/before`)).toBeDefined();

    await client.create(configMap(ns, 'after'));
    await client.apply(configMap(ns, 'after', { changed: 'yes' }));
    await client.delete('v1', 'ConfigMap', 'before', ns);
    await eventually(() => expect(events).toEqual(expect.arrayContaining(['add before', 'add after', 'update after', 'delete before'])));
    expect(informer.store.get(`${ns}/after`)?.data).toEqual({ changed: 'yes' });
    expect(informer.store.get(`${ns}/after`)?.metadata).not.toHaveProperty('managedFields');
    expect(informer.reflector.stats.lists).toBe(1);
  });
});
