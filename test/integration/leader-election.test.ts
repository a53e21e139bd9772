import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import { createTestNamespace, eventually, kubeClient } from './support/cluster.ts';
import { OperatorProcess } from './support/operator-process.ts';

type Lease = KubeObjectLike & { spec: { holderIdentity?: string; leaseDurationSeconds?: number; leaseTransitions?: number } };

const leaseName = defaultOperatorConfig({}).leaseName;

// Two real operator processes against the local control plane: the Lease decides which runs the controllers.
describe('leader election between two operator processes', () => {
  const client = kubeClient();
  const processes: OperatorProcess[] = [];
  let ns: string;
  let leader: OperatorProcess;
  let follower: OperatorProcess;

  const lease = () => client.getOrUndefined<Lease>('coordination.k8s.io/v1', 'Lease', leaseName, ns);
  const start = () => {
    const p = new OperatorProcess(ns);
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    ns = await createTestNamespace(client, 'leader');
  });

  afterAll(async () => {
    for (const p of processes) if (p.alive) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('lets exactly one of two processes hold the Lease, while both serve /metrics and /healthz', async () => {
    const a = start();
    const b = start();
    const ports = await Promise.all([a, b].map(async (p) => (await p.waitFor('serving /metrics, /healthz and /readyz')).port as number));
    const holder = await eventually(async () => {
      const l = await lease();
      const id = l?.spec.holderIdentity;
      if (!id) throw new Error('no holder yet');
      return id;
    }, 60_000);
    expect([a.identity, b.identity]).toContain(holder);
    [leader, follower] = holder === a.identity ? [a, b] : [b, a];
    await leader.waitFor('caches synced; controllers running');
    expect(leader.logged('became leader')).toBeDefined();
    expect(follower.logged('became leader')).toBeUndefined();
    expect(follower.logged('caches synced; controllers running')).toBeUndefined();
    for (const port of ports) {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# HELP /m);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    }
  });

  it('hands the Lease to the other process when the leader dies without releasing it, once the lease has run out', async () => {
    const before = (await lease())!;
    const duration = before.spec.leaseDurationSeconds!;
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    const after = await eventually(async () => {
      const l = await lease();
      if (l?.spec.holderIdentity !== follower.identity) throw new Error(`holder is still ${l?.spec.holderIdentity}; follower output:\n${follower.tail()}`);
      return l;
    }, 120_000, 100);
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    console.log(`[leader-election] SIGKILL of the leader -> the other process held the Lease after ${takeoverSeconds.toFixed(1)} s (lease duration ${duration} s)`);
    // Taking over while the dead leader's lease could still be valid would risk two leaders. The
    // candidate counts a full lease duration from the last renewal it saw (renewals come every 2 s).
    expect(takeoverSeconds).toBeGreaterThan(duration - 3);
    expect(after.spec.leaseTransitions).toBe((before.spec.leaseTransitions ?? 0) + 1);
    await follower.waitFor('caches synced; controllers running');
    leader = follower;
  });

  it('on SIGTERM finishes, releases the Lease and exits 0, so a new replica takes over at once', async () => {
    const termAt = Date.now();
    leader.child.kill('SIGTERM');
    const exit = await leader.exited;
    const stopSeconds = (Date.now() - termAt) / 1000;
    expect(exit, leader.tail()).toEqual({ code: 0, signal: null });
    expect(leader.logged('released the lease')).toBeDefined();
    const released = (await lease())!;
    expect(released.spec.holderIdentity ?? '').toBe('');

    const next = start();
    const startedAt = Date.now();
    await eventually(async () => {
      const l = await lease();
      if (l?.spec.holderIdentity !== next.identity) throw new Error(`holder is ${l?.spec.holderIdentity}; new process output:\n${next.tail()}`);
    }, 60_000, 100);
    const acquireSeconds = (Date.now() - startedAt) / 1000;
    console.log(`[leader-election] SIGTERM -> exit 0 with the Lease released in ${stopSeconds.toFixed(1)} s; a fresh process (start-up included) held it ${acquireSeconds.toFixed(1)} s after starting`);
    // No wait for expiry: the new process found the Lease free on its first look. Its log line may
    // reach this process through the pipe after the Lease itself was read back from the apiserver.
    await next.waitFor('became leader', 10_000);
  });
});
