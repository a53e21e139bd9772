import { afterAll, describe, expect, it } from 'vitest';
import { runCompactionRounds } from '../../chaos/compaction.ts';
import { kubeconfigPath } from './support/cluster.ts';
import { componentRunning, restoreControlPlane } from './support/control-plane.ts';

// The short version of `npm run chaos -- compaction`: while the operator is paused, etcd is compacted
// and kube-apiserver restarted; resumed, its watches get 410 Gone, it relists, and sees the changes
// made after the compaction.
describe('etcd compacted under a paused operator', () => {
  afterAll(() => restoreControlPlane(!componentRunning('kube-apiserver')), 180_000);

  it('relists after 410 Gone and converges on the changes made after the compaction', async () => {
    const lines: string[] = [];
    const results = await runCompactionRounds({ rounds: 1, count: 6, kubeconfig: kubeconfigPath(), say: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    for (const r of results) {
      expect(r.relists, 'the operator saw no 410 Gone: the scenario did not compact what it watches').toBeGreaterThan(0);
      expect(r.converged, r.problems.join('\n')).toBe(true);
      expect({ lost: r.lost, duplicated: r.duplicated, orphaned: r.orphaned, statusWrong: r.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
    }
  }, 300_000);
});
