import { describe, expect, it } from 'vitest';
import { runLeaderRounds } from '../../chaos/leader.ts';
import { kubeconfigPath } from './support/cluster.ts';

// The short version of `npm run chaos -- leader`: two replicas on a short lease; the leader SIGKILLed
// in round 1 and SIGSTOPped past its lease in round 2, during a burst of DcosService changes. The
// other takes over each time, nothing is lost, and the paused leader, resumed, writes nothing once
// its lease had run out (the apiserver's audit log, by the replica's User-Agent) and exits.
describe('two operator replicas, the leader SIGKILLed and SIGSTOPped', () => {
  it('hands over, converges, and the paused leader does not write after its lease ran out', async () => {
    const lines: string[] = [];
    // Throws when the other replica has not taken the Lease over within 120 s of a fault.
    const results = await runLeaderRounds({ rounds: 2, count: 6, kubeconfig: kubeconfigPath(), say: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    expect(results.map((r) => r.fault)).toEqual(['SIGKILL', 'SIGSTOP']);
    for (const r of results) {
      expect(r.converged, r.problems.join('\n')).toBe(true);
      expect({ lost: r.lost, duplicated: r.duplicated, orphaned: r.orphaned, statusWrong: r.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
      // The counting sees the leader's writes (its Lease renewals at least), so a 0 below means something.
      expect(r.writesBeforeFault).toBeGreaterThan(0);
    }
    const paused = results[1]!;
    expect(paused.writesAfterLeaseLost).toEqual([]);
    expect(paused.exitedAfterResume).toBe(true);
  }, 600_000);
});
