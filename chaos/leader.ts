// `npm run chaos -- leader [rounds] [services]`: two operator replicas electing a leader on a short
// lease while DcosServices change. Odd rounds SIGKILL the leader; even rounds SIGSTOP it until the
// other has taken over and the paused one's lease has run out, then SIGCONT it. The other must take
// over, the world converge, and the paused leader must not write once its lease had run out: the local
// apiserver's audit log (src/cluster/audit-policy.ts) holds every write with the replica's identity
// in its User-Agent. The replica that was killed or that exited after resuming is started again.
import type { ChildProcess } from 'node:child_process';
import { clusterUp } from '../src/cluster/local-cluster.ts';
import type { KubeObjectLike } from '../src/kube/kube-client.ts';
import { defaultOperatorConfig, operatorUserAgent } from '../src/operator/operator-config.ts';
import { auditedWrites, auditLogPath, type AuditedWrite } from './audit-log.ts';
import { awaitConverged, closeWorld, figures, logCount, openWorld, operate, operatorIdentity, roundLine, sleep, startOperatorReady, stopOperator, type ChaosWorld, type LeaseTiming, type RoundResult } from './harness.ts';

/** Short, so that a round takes seconds; the renew deadline leaves 2 s between a leader's last write and a takeover. */
export const CHAOS_LEASE: LeaseTiming = { leaseDurationSeconds: 8, renewDeadlineSeconds: 6, retryPeriodSeconds: 1 };

/** How long the paused leader stays paused after the other replica has taken over: time for the new leader to act on the same objects. */
const PAUSED_AFTER_TAKEOVER_MS = 3_000;
const FENCED = 'not sent, the Lease was not renewed';
const leaseName = defaultOperatorConfig({}).leaseName;

type Lease = KubeObjectLike & { spec: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } };

export type LeaderRoundResult = RoundResult & {
  fault: 'SIGKILL' | 'SIGSTOP';
  /** From the fault to the other replica holding the Lease. */
  takeoverSeconds: number;
  /** Writes the apiserver audited from the leader before the fault (Lease renewals at least: proof the counting sees it). */
  writesBeforeFault: number;
  /** SIGSTOP rounds: how long it was paused, whether it exited by itself after resuming. */
  pausedSeconds?: number;
  exitedAfterResume?: boolean;
  /** SIGSTOP rounds: its writes that reached the apiserver after its lease had run out (renewTime + duration, as it last wrote them). */
  writesAfterLeaseLost?: AuditedWrite[];
  /** SIGSTOP rounds: writes the resumed replica's fence refused (from its log). */
  fencedWrites?: number;
};

export async function leaderRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runLeaderRounds({ rounds: Number(args[0] ?? 3), count: Number(args[1] ?? 10), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged || (r.writesAfterLeaseLost?.length ?? 0) > 0 || r.exitedAfterResume === false || r.writesBeforeFault === 0)) process.exitCode = 1;
}

export async function runLeaderRounds(opts: { rounds: number; count: number; kubeconfig: string; say?: (line: string) => void }): Promise<LeaderRoundResult[]> {
  const say = opts.say ?? (() => undefined);
  const audit = auditLogPath();
  const world = await openWorld('leader', opts.kubeconfig, opts.count);
  const results: LeaderRoundResult[] = [];
  say(`leader: ${opts.rounds} rounds over ${opts.count} DcosService names in ${world.ns}, two replicas, lease ${CHAOS_LEASE.leaseDurationSeconds} s / renew deadline ${CHAOS_LEASE.renewDeadlineSeconds} s / retry ${CHAOS_LEASE.retryPeriodSeconds} s (operator log: ${world.logPath}, audit log: ${audit})`);

  const startedAt = new Map<ChildProcess, number>();
  const start = async () => {
    const t = Date.now();
    const replica = await startOperatorReady(world, world.kubeconfig, 120_000, CHAOS_LEASE);
    startedAt.set(replica, t);
    return replica;
  };
  const replicas = [await start(), await start()];
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const leader = await leaseHolder(world, replicas);
      const other = replicas.find((r) => r !== leader)!;
      const fault = round % 2 === 1 ? 'SIGKILL' : 'SIGSTOP';
      let burstOver = false;
      const burst = operate(world, () => burstOver);
      await sleep(500 + Math.random() * 2_000);
      const fenced0 = logCount(world, FENCED);
      const faultAt = Date.now();
      leader.kill(fault);
      let leaseEnd = 0;
      if (fault === 'SIGSTOP') {
        // A renewal in flight at the SIGSTOP lands within this; after it the Lease shows its last one.
        await sleep(2_000);
        const seen = await readLease(world);
        // Not its Lease any more (or unreadable): count every write from the fault on.
        leaseEnd = seen?.spec.holderIdentity === operatorIdentity(leader) ? Date.parse(seen.spec.renewTime!) + seen.spec.leaseDurationSeconds! * 1000 : faultAt;
      }
      const takeoverAt = await awaitHolder(world, operatorIdentity(other));
      let resumedAt = 0;
      let exitedAfterResume: boolean | undefined;
      if (fault === 'SIGSTOP') {
        await sleep(Math.max(PAUSED_AFTER_TAKEOVER_MS, leaseEnd + 1_000 - Date.now()));
        resumedAt = Date.now();
        leader.kill('SIGCONT');
        exitedAfterResume = await exitWithin(leader, 30_000);
        if (!exitedAfterResume) leader.kill('SIGKILL');
      }
      await exitWithin(leader, 30_000);
      burstOver = true;
      const ops = await burst;
      const { check, seconds } = await awaitConverged(world);
      // The audit log is written as requests complete; the leader's last ones are in by now.
      const writes = auditedWrites(operatorUserAgent(operatorIdentity(leader)), audit).filter((w) => w.receivedAt >= startedAt.get(leader)!);
      const result: LeaderRoundResult = {
        ...check,
        round,
        ops,
        convergeSeconds: seconds,
        fault,
        takeoverSeconds: (takeoverAt - faultAt) / 1000,
        writesBeforeFault: writes.filter((w) => w.receivedAt < faultAt).length,
        ...(fault === 'SIGSTOP' && {
          pausedSeconds: (resumedAt - faultAt) / 1000,
          exitedAfterResume,
          writesAfterLeaseLost: writes.filter((w) => w.receivedAt > leaseEnd),
          fencedWrites: logCount(world, FENCED) - fenced0,
        }),
      };
      results.push(result);
      say(`${roundLine(result, describeFault(result))}`);
      for (const w of result.writesAfterLeaseLost ?? []) say(`    WRITE AFTER LEASE LOST: ${w.verb} ${w.object} -> ${w.code} at ${new Date(w.receivedAt).toISOString()}`);
      replicas[replicas.indexOf(leader)] = await start();
    }
  } finally {
    for (const r of replicas) await stopOperator(r);
    await closeWorld(world);
  }
  figures(world, results, say);
  const paused = results.filter((r) => r.fault === 'SIGSTOP');
  say(
    `figures leader: ${results.length - paused.length} SIGKILL and ${paused.length} SIGSTOP rounds; takeover ${Math.min(...results.map((r) => r.takeoverSeconds)).toFixed(1)}-${Math.max(...results.map((r) => r.takeoverSeconds)).toFixed(1)} s; ` +
      `writes by a paused leader after its lease ran out: ${paused.reduce((a, r) => a + r.writesAfterLeaseLost!.length, 0)}; writes its fence refused: ${paused.reduce((a, r) => a + r.fencedWrites!, 0)}; ` +
      `paused leaders that exited by themselves after resuming: ${paused.filter((r) => r.exitedAfterResume).length} of ${paused.length}`,
  );
  return results;
}

function describeFault(r: LeaderRoundResult): string {
  const takeover = `the other replica held the Lease ${r.takeoverSeconds.toFixed(1)} s later`;
  if (r.fault === 'SIGKILL') return `leader SIGKILLed (${r.writesBeforeFault} writes audited before), ${takeover},`;
  return (
    `leader SIGSTOPped for ${r.pausedSeconds!.toFixed(1)} s (${r.writesBeforeFault} writes audited before), ${takeover}; after SIGCONT ` +
    `${r.writesAfterLeaseLost!.length} writes after its lease ran out, ${r.fencedWrites} refused by its fence, ${r.exitedAfterResume ? 'it exited' : 'it did NOT exit'};`
  );
}

async function readLease(world: ChaosWorld): Promise<Lease | undefined> {
  try {
    return await world.client.getOrUndefined<Lease>('coordination.k8s.io/v1', 'Lease', leaseName, world.ns);
  } catch {
    // A slow or refused read on a loaded machine: the next poll asks again.
    return undefined;
  }
}

/** The replica the Lease names, once it names one of `replicas`. */
async function leaseHolder(world: ChaosWorld, replicas: ChildProcess[], timeoutMs = 120_000): Promise<ChildProcess> {
  const t0 = Date.now();
  for (;;) {
    const holder = (await readLease(world))?.spec.holderIdentity;
    const found = replicas.find((r) => operatorIdentity(r) === holder);
    if (found) return found;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no replica held the Lease after ${timeoutMs / 1000} s (holder: ${holder}); see ${world.logPath}`);
    await sleep(200);
  }
}

/** When the Lease first named `identity` (polled every 200 ms). */
async function awaitHolder(world: ChaosWorld, identity: string, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  while ((await readLease(world))?.spec.holderIdentity !== identity) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${identity} did not take the Lease over within ${timeoutMs / 1000} s; see ${world.logPath}`);
    await sleep(200);
  }
  return Date.now();
}

function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
