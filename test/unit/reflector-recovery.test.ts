import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { clientFor } from './support/loopback-kube-client.ts';
import { Informer } from '../../src/controllers/runtime/informer.ts';
import type { Untracked } from '../../src/controllers/runtime/object-store.ts';
import { createLogger } from '../../src/operator/logger.ts';

/**
 * Failures a real apiserver gives only under load or after hours (410 Gone after compaction, 500s,
 * a watch that drops), played by a loopback server speaking the list/watch protocol.
 */
function apiserverScript(steps: Array<(url: URL) => { status: number; body: string; keepOpen?: boolean }>): { server: Server; requests: string[] } {
  const requests: string[] = [];
  let i = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${url.searchParams.get('watch') ? 'watch' : 'list'} rv=${url.searchParams.get('resourceVersion') ?? ''}`);
    const step = steps[Math.min(i++, steps.length - 1)]!(url);
    res.writeHead(step.status, { 'content-type': 'application/json' });
    if (step.keepOpen) res.write(step.body);
    else res.end(step.body);
  });
  return { server, requests };
}

const cm = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });
const list = (rv: string, ...items: object[]) => ({ status: 200, body: JSON.stringify({ metadata: { resourceVersion: rv }, items }) });
const watchEvents = (...events: object[]) => ({ status: 200, body: events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
const hang = () => ({ status: 200, body: '', keepOpen: true });


describe('reflector recovery', () => {
  let server: Server | undefined;
  let informer: Informer<KubeObjectLike> | undefined;
  afterEach(() => {
    informer?.stop();
    server?.closeAllConnections();
    server?.close();
  });

  async function run(steps: Parameters<typeof apiserverScript>[0], untracked?: Untracked<KubeObjectLike>) {
    const script = apiserverScript(steps);
    server = script.server;
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    informer = new Informer<KubeObjectLike>(clientFor(server), { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns' }, createLogger('silent'), undefined, { backoffBaseMs: 10, backoffMaxMs: 50 }, untracked);
    informer.start();
    return script.requests;
  }

  it('relists after 410 Gone and reports what vanished meanwhile as deleted', async () => {
    const deleted: string[] = [];
    const requests = await run([
      () => list('10', cm('a', '5'), cm('b', '6')),
      () => watchEvents({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }),
      () => list('20', cm('b', '6'), cm('c', '15')),
      hang,
    ]);
    informer!.on({ onDelete: (o) => deleted.push(o.metadata.name) });
    await expect.poll(() => informer!.store.keys().sort(), { timeout: 5000 }).toEqual(['ns/b', 'ns/c']);
    expect(deleted).toEqual(['a']);
    await expect.poll(() => requests.length, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    expect(requests.slice(0, 4)).toEqual(['list rv=', 'watch rv=10', 'list rv=', 'watch rv=20']);
  });

  it('after a relist, tells handlers which objects it named, so they find the untracked ones gone (not after the first list)', async () => {
    const untracked: Untracked<KubeObjectLike> = { is: (o) => o.metadata.name !== 'b', bare: (o) => ({ metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }) };
    const relists: string[] = [];
    const added: string[] = [];
    const requests = await run([
      () => list('10', cm('a', '5'), cm('b', '6')),
      () => watchEvents({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } }),
      () => list('20', cm('b', '6'), cm('c', '15')),
      hang,
    ], untracked);
    informer!.on({ onAdd: (o) => added.push(o.metadata.name), onRelisted: (listed) => relists.push(['a', 'b', 'c'].filter((n) => listed.has('ns', n)).join(',')) });
    await expect.poll(() => relists, { timeout: 5000 }).toEqual(['b,c']);
    expect(informer!.store.keys()).toEqual(['ns/b']);
    expect(added).toEqual(['a', 'b', 'c']);
    expect(requests.slice(0, 3)).toEqual(['list rv=', 'watch rv=10', 'list rv=']);
  });

  it('resumes the watch from the last bookmark when the server closes it, without relisting', async () => {
    const requests = await run([
      () => list('10'),
      () => watchEvents({ type: 'ADDED', object: cm('a', '11') }, { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '30' } } }),
      hang,
    ]);
    await expect.poll(() => requests.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(requests.slice(0, 3)).toEqual(['list rv=', 'watch rv=10', 'watch rv=30']);
    expect(informer!.store.keys()).toEqual(['ns/a']);
  });

  it('backs off and retries when the apiserver fails, then syncs', async () => {
    const requests = await run([
      () => ({ status: 500, body: JSON.stringify({ kind: 'Status', message: 'etcdserver: leader changed' }) }),
      () => ({ status: 500, body: JSON.stringify({ kind: 'Status', message: 'etcdserver: leader changed' }) }),
      () => list('10', cm('a', '5')),
      hang,
    ]);
    await informer!.waitForSync();
    expect(informer!.store.keys()).toEqual(['ns/a']);
    expect(requests.slice(0, 3)).toEqual(['list rv=', 'list rv=', 'list rv=']);
    expect(informer!.reflector.stats.errors).toBe(2);
  });
});
