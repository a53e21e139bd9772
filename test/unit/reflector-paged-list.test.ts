import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { clientFor } from './support/loopback-kube-client.ts';
import { Informer } from '../../src/controllers/runtime/informer.ts';
import { createLogger } from '../../src/operator/logger.ts';

/**
 * The initial list of a large cluster (150,000 pods) comes in bounded pages, and each page reaches
 * the cache before the next is asked for: the operator never holds the whole raw list at once.
 * A loopback server plays the apiserver's limit/continue protocol over a fixed set of objects.
 */
const cm = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });

function pagingServer(objects: () => object[], onList: (query: URLSearchParams) => boolean | void): Server {
  return createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.searchParams.get('watch')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.write(''); // a watch that stays open, quiet
    }
    if (onList(url.searchParams) === false) return; // this page never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    const limit = Number(url.searchParams.get('limit'));
    const from = Number(url.searchParams.get('continue') || 0);
    const all = objects();
    const items = all.slice(from, from + limit);
    const next = from + limit < all.length ? String(from + limit) : undefined;
    res.end(JSON.stringify({ metadata: { resourceVersion: '100', ...(next ? { continue: next } : {}) }, items }));
  });
}


describe('reflector paged list', () => {
  let server: Server | undefined;
  let informer: Informer<KubeObjectLike> | undefined;
  afterEach(() => {
    informer?.stop();
    server?.closeAllConnections();
    server?.close();
  });

  it('asks for pages of the bounded size and caches each page before asking for the next', async () => {
    const objects = Array.from({ length: 7 }, (_, i) => cm(`o${i}`, String(i + 1)));
    const lists: Array<{ limit: string | null; cached: number }> = [];
    server = pagingServer(() => objects, (q) => {
      lists.push({ limit: q.get('limit'), cached: informer?.store.size ?? -1 });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    informer = new Informer<KubeObjectLike>(clientFor(server), { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns' }, createLogger('silent'), undefined, { pageSize: 3 });
    const added: string[] = [];
    informer.on({ onAdd: (o) => added.push(`${o.kind} ${o.metadata.name}`) });
    informer.start();
    await informer.waitForSync();
    expect(lists).toEqual([
      { limit: '3', cached: 0 },
      { limit: '3', cached: 3 },
      { limit: '3', cached: 6 },
    ]);
    expect(informer.store.size).toBe(7);
    // A list leaves each item's kind out; the cache and its handlers see it set.
    expect(added[0]).toBe('ConfigMap o0');
  });

  it('gives up a page that never answers and lists again, so the cache still syncs', async () => {
    const objects = Array.from({ length: 4 }, (_, i) => cm(`o${i}`, String(i + 1)));
    let hung = false;
    server = pagingServer(() => objects, (q) => {
      if (q.get('continue') && !hung) return !(hung = true);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    informer = new Informer<KubeObjectLike>(clientFor(server), { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns' }, createLogger('silent'), undefined, { pageSize: 2, pageTimeoutMs: 300, backoffBaseMs: 10, backoffMaxMs: 50 });
    informer.start();
    await informer.waitForSync();
    expect(informer.store.size).toBe(4);
    expect(informer.reflector.stats.errors).toBe(1);
  });
});
