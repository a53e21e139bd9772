import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FencedWriteError, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import { LeaderElector } from '../../src/operator/leader-election.ts';
import { leaseTimingProblem } from '../../src/operator/operator-config.ts';
import { createLogger } from '../../src/operator/logger.ts';
import { clientFor } from './support/loopback-kube-client.ts';

/** A loopback apiserver holding one Lease (optimistic concurrency on resourceVersion), logging every request. */
function leaseServer(): { server: Server; requests: string[]; lease: () => KubeObjectLike | undefined; holdReads: (until: Promise<void>) => void } {
  const requests: string[] = [];
  let held: Promise<void> | undefined;
  let lease: KubeObjectLike | undefined;
  let rv = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const path = new URL(req.url!, 'http://x').pathname;
      requests.push(`${req.method} ${path}`);
      if (req.method === 'GET' && held) await held;
      const answer = (status: number, obj: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(obj));
      if (!path.includes('/leases')) return answer(201, JSON.parse(body || '{}'));
      if (req.method === 'GET') return lease ? answer(200, lease) : answer(404, { reason: 'NotFound', message: 'not found' });
      const sent = JSON.parse(body) as KubeObjectLike;
      if (req.method === 'PUT' && sent.metadata.resourceVersion !== lease?.metadata.resourceVersion) return answer(409, { reason: 'Conflict', message: 'the object has been modified' });
      lease = { ...sent, metadata: { ...sent.metadata, resourceVersion: String(++rv) } };
      answer(req.method === 'POST' ? 201 : 200, lease);
    });
  });
  return { server, requests, lease: () => lease, holdReads: (until) => (held = until) };
}

const listening = (server: Server) => new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'work', namespace: 'ns' } };

describe('the leader fence: a paused leader does not write once its lease may have run out', () => {
  let server: Server | undefined;
  let elector: LeaderElector | undefined;
  afterEach(async () => {
    await elector?.release();
    server?.closeAllConnections();
    server?.close();
  });

  // The process's clocks, jumped forward the way a SIGSTOP/SIGCONT jumps both of them.
  const clock = { wallMs: 1_700_000_000_000, monotonicMs: 1_000, wall: () => clock.wallMs, monotonic: () => clock.monotonicMs };
  const jump = (ms: number, which: 'both' | 'wall' | 'monotonic' = 'both') => {
    if (which !== 'monotonic') clock.wallMs += ms;
    if (which !== 'wall') clock.monotonicMs += ms;
  };

  // By default a renew loop slow enough (retry 1 h) that only the jumps decide; renew deadline 10 s, lease 15 s.
  async function leadingElector(fake: ReturnType<typeof leaseServer>, retryPeriodMs = 3_600_000) {
    server = fake.server;
    await listening(server);
    const client = clientFor(server);
    elector = new LeaderElector(client, createLogger('silent'), { namespace: 'ns', name: 'lead', identity: 'me', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs, clock });
    let lost = 0;
    await elector.acquire(() => lost++);
    const e = elector;
    const fenced = client.withWriteFence(() => (e.isLeaderNow() ? undefined : 'lease not renewed in time'));
    return { client, fenced, lostCount: () => lost };
  }

  it('lets writes through while the last renewal is within the renew deadline, and refuses them without sending once it is not', async () => {
    const fake = leaseServer();
    const { fenced } = await leadingElector(fake);
    expect(elector!.isLeaderNow()).toBe(true);
    await fenced.create(configMap);
    jump(9_000);
    await fenced.create(configMap);
    expect(fake.requests.filter((r) => r.includes('configmaps'))).toHaveLength(2);

    jump(2_000); // 11 s after the last renewal: the others may take over 4 s from now
    expect(elector!.isLeaderNow()).toBe(false);
    expect(elector!.isLeader).toBe(true); // the renew loop has not run yet: the fence is what stops the write
    await expect(fenced.create(configMap)).rejects.toThrow(FencedWriteError);
    await expect(fenced.apply(configMap)).rejects.toThrow(/not sent, lease not renewed in time/);
    await expect(fenced.delete('v1', 'ConfigMap', 'work', 'ns')).rejects.toThrow(FencedWriteError);
    expect(fake.requests.filter((r) => r.includes('configmaps'))).toHaveLength(2);
    // Reads are not fenced: a resumed process still finds out who holds the Lease.
    await expect(fenced.get('coordination.k8s.io/v1', 'Lease', 'lead', 'ns')).resolves.toBeDefined();
  });

  it('shuts the fence when either clock alone has moved past the deadline', async () => {
    const fake = leaseServer();
    await leadingElector(fake);
    jump(11_000, 'wall');
    expect(elector!.isLeaderNow()).toBe(false);
    jump(-11_000, 'wall');
    expect(elector!.isLeaderNow()).toBe(true);
    jump(11_000, 'monotonic');
    expect(elector!.isLeaderNow()).toBe(false);
  });

  it('gives the lease up without writing it when the renew loop wakes after the deadline', async () => {
    const fake = leaseServer();
    const { lostCount } = await leadingElector(fake, 1_000);
    const renewedBefore = Number(fake.lease()!.metadata.resourceVersion);
    // Renewals go on while the clocks stand still; right after one was answered, none is on its way.
    await vi.waitFor(() => expect(Number(fake.lease()!.metadata.resourceVersion)).toBeGreaterThan(renewedBefore), { timeout: 10_000, interval: 5 });
    jump(12_000);
    const writesBefore = fake.requests.filter((r) => !r.startsWith('GET')).length;
    await vi.waitFor(() => expect(lostCount()).toBe(1), { timeout: 10_000 });
    expect(elector!.isLeader).toBe(false);
    expect(fake.requests.filter((r) => !r.startsWith('GET')).length).toBe(writesBefore);
  });
});

/**
 * A leader on `fake` whose next renewal has sent its GET and waits for `release()`: the moment a
 * pause or a SIGTERM can land in. `lost` counts the leaderships it reported lost.
 */
async function renewalOnItsWay(fake: ReturnType<typeof leaseServer>, timing: Partial<ConstructorParameters<typeof LeaderElector>[2]>) {
  await listening(fake.server);
  const elector = new LeaderElector(clientFor(fake.server), createLogger('silent'), { namespace: 'ns', name: 'lead', identity: 'me', retryPeriodMs: 50, ...timing });
  const state = { elector, lost: 0, release: () => undefined as void };
  await elector.acquire(() => state.lost++);
  fake.holdReads(new Promise<void>((r) => (state.release = r)));
  const reads = fake.requests.length;
  while (fake.requests.length === reads) await sleep(10);
  return state;
}

describe('a renewal interrupted by a pause', () => {
  let server: Server | undefined;
  let elector: LeaderElector | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('does not write the Lease when the deadline passed while it read it', async () => {
    const fake = leaseServer();
    server = fake.server;
    const clock = { wallMs: 0, monotonicMs: 0, wall: () => clock.wallMs, monotonic: () => clock.monotonicMs };
    const paused = await renewalOnItsWay(fake, { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, clock });
    elector = paused.elector;
    const { release } = paused;
    const lost = () => paused.lost;
    clock.wallMs += 12_000;
    clock.monotonicMs += 12_000;
    const writes = fake.requests.filter((r) => !r.startsWith('GET')).length;
    release();
    await vi.waitFor(() => expect(lost()).toBe(1), { timeout: 10_000 });
    expect(fake.requests.filter((r) => !r.startsWith('GET')).length).toBe(writes);
  });
});

describe('a release while a renewal is on its way (a SIGTERM)', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('is a stop, not a lost lease, and the renewal does not take the Lease back', async () => {
    const fake = leaseServer();
    server = fake.server;
    const paused = await renewalOnItsWay(fake, {});
    const released = paused.elector.release();
    paused.release();
    await released;
    await sleep(200);
    expect(paused.lost).toBe(0);
    expect((fake.lease() as { spec?: { holderIdentity?: string } }).spec?.holderIdentity).toBe('');
  });
});

describe('leader election timing flags', () => {
  const ok = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };
  it('accepts the defaults and names the flag that is wrong', () => {
    expect(leaseTimingProblem(ok)).toBeUndefined();
    expect(leaseTimingProblem({ ...ok, renewDeadlineSeconds: 15 })).toMatch(/^--leader-elect-renew-deadline \(15 s\) must be shorter than --leader-elect-lease-duration \(15 s\)/);
    expect(leaseTimingProblem({ ...ok, retryPeriodSeconds: 10 })).toMatch(/^--leader-elect-retry-period/);
    expect(leaseTimingProblem({ ...ok, leaseDurationSeconds: Number('x') })).toMatch(/^--leader-elect-lease-duration must be a number of seconds above 0, got NaN/);
  });
});
