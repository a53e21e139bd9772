import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dump, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/webhooks/webhook-configurations.ts';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectlAsync } from './support/cluster.ts';
import { OperatorProcess } from './support/operator-process.ts';

/*
 * `npm start`, the README's tour (kubectl apply -f examples/), then SIGTERM: in every mode the real
 * operator process finishes, releases its Lease, removes the webhooks it registered and exits 0 within
 * seconds, even with connections left open to its servers (an idle keep-alive one, and a TCP
 * connection that never finishes its TLS handshake: the kind that held `stopped` back for minutes).
 */

type Lease = KubeObjectLike & { spec: { holderIdentity?: string } };

const examplesDir = new URL('../../examples/', import.meta.url);

/** examples/*.yaml with the namespaced objects moved into `ns`, the cluster-scoped repository renamed per run. */
function examplesIn(ns: string, suffix: string): string {
  const docs = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(new URL(f, examplesDir), 'utf8')) as Array<KubeObjectLike & { kind: string }>);
  return docs
    .map((doc) => {
      if (doc.kind === 'DcosPackageRepository') doc.metadata.name = `${doc.metadata.name}-${suffix}`;
      else doc.metadata.namespace = ns;
      return dump(doc);
    })
    .join('---\n');
}

/** Connections a stopping server must not wait for: idle HTTP keep-alive, and TLS never started. */
function holdConnections(metricsPort: number, webhookPort: number | undefined): () => void {
  const sockets = [connect(metricsPort, '127.0.0.1', function (this: ReturnType<typeof connect>) {
    this.write('GET /healthz HTTP/1.1\r\nHost: operator\r\nConnection: keep-alive\r\n\r\n');
  })];
  if (webhookPort !== undefined) {
    sockets.push(connect(webhookPort, '127.0.0.1'));
    sockets.push(tlsConnect({ port: webhookPort, host: '127.0.0.1', rejectUnauthorized: false }));
  }
  for (const s of sockets) s.on('error', () => undefined);
  return () => sockets.forEach((s) => s.destroy());
}

interface Mode {
  name: string;
  webhooks: 'url' | 'service' | 'off';
  leaderElect: boolean;
}

const modes: Mode[] = [
  { name: 'webhooks url, leader election (npm start)', webhooks: 'url', leaderElect: true },
  { name: 'webhooks url, no leader election', webhooks: 'url', leaderElect: false },
  { name: 'webhooks service, leader election (as in a pod)', webhooks: 'service', leaderElect: true },
  { name: 'webhooks off, no leader election', webhooks: 'off', leaderElect: false },
];

describe('stopping the operator process', () => {
  const client = kubeClient();
  const processes: OperatorProcess[] = [];
  const namespaces: string[] = [];
  const figures: string[] = [];

  const startOperator = async (mode: Mode, ns: string) => {
    const args = ['--webhooks', mode.webhooks, '--webhook-port', '0', ...(mode.leaderElect ? [] : ['--no-leader-elect'])];
    const p = new OperatorProcess(ns, args);
    processes.push(p);
    await p.waitFor('dcos-operator ready', 90_000);
    await p.waitFor('caches synced; controllers running', 60_000);
    return p;
  };

  beforeAll(async () => {
    // A webhook configuration left by another test would point at a process that is gone.
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) await client.delete('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME);
  });

  afterAll(async () => {
    for (const p of processes) if (p.alive) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    for (const ns of namespaces) await deleteNamespace(client, ns);
    for (const name of modes.map((_, i) => `my-universe-stop${i}`)) await client.delete('dcos.dev/v1alpha1', 'DcosPackageRepository', name);
    console.log(`[operator-shutdown] SIGTERM -> exit after the tour:\n${figures.join('\n')}`);
  });

  it.each(modes.map((m, i) => [m.name, m, i] as const))('%s: after the tour, SIGTERM exits 0 within seconds and leaves nothing registered', async (_name, mode, i) => {
    const ns = await createTestNamespace(client, 'stop');
    namespaces.push(ns);
    const p = await startOperator(mode, ns);
    const applied = await kubectlAsync(['apply', '-f', '-'], examplesIn(ns, `stop${i}`));
    expect(applied.status, applied.stderr).toBe(0);
    // The tour's objects are being worked on: the DcosService has its Deployment.
    await eventually(() => client.get('apps/v1', 'Deployment', 'web', ns), 60_000);
    const metricsPort = p.logged('serving /metrics, /healthz and /readyz')!.port as number;
    const webhookPort = p.logged('admission webhooks serving')?.port as number | undefined;
    const release = holdConnections(metricsPort, webhookPort);
    await new Promise((r) => setTimeout(r, 500));

    const termAt = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    const seconds = (Date.now() - termAt) / 1000;
    release();
    figures.push(`  ${mode.name}: ${seconds.toFixed(2)} s to exit (stop() itself ${String(p.logged('stopped')?.seconds)} s)`);
    expect(exit, p.tail()).toEqual({ code: 0, signal: null });
    expect(p.logged('stopped'), p.tail()).toBeDefined();
    if (mode.leaderElect) {
      expect(p.logged('released the lease')).toBeDefined();
      const lease = await client.get<Lease>('coordination.k8s.io/v1', 'Lease', 'dcos-operator-leader', ns);
      expect(lease.spec.holderIdentity ?? '').toBe('');
    }
    if (mode.webhooks === 'url') {
      // Left behind, they would point the apiserver at a process that is gone and refuse every dcos.dev write.
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
        expect(await client.getOrUndefined('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME), kind).toBeUndefined();
      }
    }
  }, 180_000);

  it('a second Ctrl-C exits at once, while the first is still waiting on a request in flight', async () => {
    const ns = await createTestNamespace(client, 'stop');
    namespaces.push(ns);
    const p = await startOperator({ name: 'second signal', webhooks: 'off', leaderElect: false }, ns);
    const metricsPort = p.logged('serving /metrics, /healthz and /readyz')!.port as number;
    // A request whose body never arrives stays in flight: the first stop waits its grace period on it.
    const stuck = connect(metricsPort, '127.0.0.1', () => stuck.write('POST /metrics HTTP/1.1\r\nHost: operator\r\nContent-Length: 100\r\n\r\n{'));
    stuck.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGINT');
    await p.waitFor('stopping: finishing in-flight work', 10_000);
    p.child.kill('SIGINT');
    const exit = await p.exited;
    stuck.destroy();
    expect(exit, p.tail()).toEqual({ code: 130, signal: null });
    expect(p.logged('second signal: exiting now, without finishing the stop')).toBeDefined();
    expect(p.logged('stopped')).toBeUndefined();
  }, 120_000);
});
