import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { KubeClient } from '../../src/kube/kube-client.ts';
import { readText } from '../../src/kube/transport.ts';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/certificates.ts';

const kubeconfigFor = (server: string, user: object, cluster: object = {}) => {
  const path = join(mkdtempSync(join(tmpdir(), 'kube-transport-')), 'kubeconfig');
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', 'current-context': 'c', contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }], clusters: [{ name: 'c', cluster: { server, ...cluster } }], users: [{ name: 'u', user }] }));
  return path;
};

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});
/** A test's own fake apiserver, plain HTTP on loopback: its URL. */
const serve = async (handler: Parameters<typeof createServer>[1]) => {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
};

/** The two ways a KubeClient's requests leave: node:http(s) for what kube-connection.ts reads, client-node's undici dispatcher for the rest. */
describe('KubeClient transports', () => {
  it('over TLS: checks the server against the kubeconfig\'s CA and tls-server-name, shows its client certificate, and keeps the connection for the next request', async () => {
    const ca = await createCertificateAuthority('test-ca', 1);
    const serving = await issueCertificate(ca, { commonName: 'apiserver', dnsNames: ['apiserver.test'], usage: 'server', validDays: 1 });
    const user = await issueCertificate(ca, { commonName: 'operator', usage: 'client', validDays: 1 });
    const tls = createTlsServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      res.end(JSON.stringify({ user: (req.socket as TLSSocket).getPeerCertificate().subject.CN }));
    });
    let connections = 0;
    tls.on('secureConnection', () => connections++);
    server = tls;
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const connection = { server: `https://127.0.0.1:${(tls.address() as { port: number }).port}`, ca: ca.certPem, cert: user.certPem, key: user.keyPem };
    const client = new KubeClient({ ...connection, tlsServerName: 'apiserver.test' });
    expect(await client.request('GET', '/version')).toEqual({ user: 'operator' });
    expect(await client.request('GET', '/version')).toEqual({ user: 'operator' });
    expect(connections).toBe(1);
    // The certificate names apiserver.test, not 127.0.0.1: without tls-server-name the server is not trusted.
    await expect(new KubeClient(connection).request('GET', '/version')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('an exec credential plugin\'s token goes through client-node, for requests and watches alike', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(`${req.method} ${req.headers.authorization}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url!.includes('watch=true')) return void res.end(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
      res.end(JSON.stringify({ metadata: { name: 'a' } }));
    });
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec' } });
    const client = KubeClient.fromFile(kubeconfigFor(url, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: ['-e', `console.log(${JSON.stringify(credential)})`], interactiveMode: 'Never' } }, { 'insecure-skip-tls-verify': true }));
    expect(await client.get('v1', 'Namespace', 'a')).toMatchObject({ metadata: { name: 'a' } });
    const events: string[] = [];
    await client.watch('/api/v1/namespaces', {}, (type) => events.push(type));
    expect(events).toEqual(['ADDED']);
    expect(seen).toEqual(['GET Bearer from-exec', 'GET Bearer from-exec']);
  });

  it('a kubeconfig the client reads itself loads no undici, neither npm\'s nor Node\'s bundled one (its WebAssembly parser costs ~8 MiB)', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url!.includes('watch=true') ? '{"type":"ADDED","object":{}}\n' : '{"items":[]}');
    });
    const kubeconfig = kubeconfigFor(url, { token: 't' });
    const script = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
      const { KubeClient } = await import(${JSON.stringify(new URL('../../src/kube/kube-client.ts', import.meta.url).href)});
      const client = KubeClient.fromFile(${JSON.stringify(kubeconfig)});
      await client.list('v1', 'Pod');
      await client.watch('/api/v1/pods', {}, () => undefined);
      console.log(JSON.stringify([...loaded.filter((u) => u.includes('undici')), ...process.moduleLoadList.filter((m) => m.includes('deps/undici'))]));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe('KubeClient.watch', () => {
  it('delivers each event once its whole line arrived, however the stream is cut', async () => {
    const url = await serve((req, res) => {
      expect(new URL(req.url!, 'http://x').searchParams.get('watch')).toBe('true');
      res.writeHead(200, { 'content-type': 'application/json' });
      const lines = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', labels: { big: 'x'.repeat(70_000) } } } }) + '\n' + JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'b' } } }) + '\n';
      res.write(lines.slice(0, 10));
      setTimeout(() => res.end(lines.slice(10)), 20);
    });
    const client = new KubeClient({ server: url });
    const events: string[] = [];
    await client.watch('/api/v1/pods', {}, (type, obj) => events.push(`${type} ${(obj as { metadata: { name: string } }).metadata.name}`));
    expect(events).toEqual(['ADDED a', 'DELETED b']);
  });

  it('cuts a watch that stays silent with a TimeoutError, and a refused one with the status', async () => {
    let refuse = false;
    const url = await serve((_req, res) => {
      if (refuse) {
        res.writeHead(403, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ kind: 'Status', reason: 'Forbidden', message: 'pods is forbidden' }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('');
    });
    const client = new KubeClient({ server: url });
    await expect(client.watch('/api/v1/pods', {}, () => undefined, { inactivityMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    refuse = true;
    await expect(client.watch('/api/v1/pods', {}, () => undefined)).rejects.toMatchObject({ status: 403, reason: 'Forbidden' });
  });
});

describe('KubeClient writes whose answer nobody reads', () => {
  it('a status write with discardAnswer resolves without the object, keeps its connection, and a refusal still says why', async () => {
    let connections = 0;
    const url = await serve((req, res) => {
      const refused = req.url!.includes('/refused/');
      res.writeHead(refused ? 422 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(refused ? { kind: 'Status', reason: 'Invalid', message: 'status.tasksRunning: Invalid value' } : { kind: 'DcosService', metadata: { name: 'web', managedFields: [{ manager: 'x'.repeat(50_000) }] } }));
    });
    server!.on('connection', () => connections++);
    const client = KubeClient.fromFile(kubeconfigFor(url, { token: 't' }));
    const status = (name: string) => ({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name, namespace: 'prod' }, status: { tasksRunning: 1 } });
    expect(await client.apply(status('web'), { subresource: 'status', discardAnswer: true })).toBeUndefined();
    expect(await client.apply(status('web'), { subresource: 'status' })).toMatchObject({ metadata: { name: 'web' } });
    await expect(client.apply(status('refused'), { subresource: 'status', discardAnswer: true })).rejects.toMatchObject({ status: 422, message: expect.stringContaining('status.tasksRunning: Invalid value') });
    expect(connections).toBe(1);
  });
});

describe('readText', () => {
  it('holds nothing of a body once read (node:https keeps each connection\'s first response reachable), and a late socket error is no crash', async () => {
    const body = new PassThrough();
    const read = readText(body);
    body.write(Buffer.from('{"kind":"PodList","items":[{"na'));
    body.end(Buffer.from('me":"é"}]}'));
    expect(JSON.parse(await read)).toEqual({ kind: 'PodList', items: [{ name: 'é' }] });
    // Listeners left on the response were what kept its chunks and its text alive.
    expect(['data', 'end', 'close'].map((e) => body.listenerCount(e))).toEqual([0, 0, 0]);
    expect(() => body.emit('error', new Error('ECONNRESET'))).not.toThrow();
  });

  it('refuses a body cut short', async () => {
    const body = new PassThrough();
    const read = readText(body);
    body.write('{"kind":');
    body.destroy();
    await expect(read).rejects.toThrow('the connection closed before the response ended');
  });
});
