import { afterAll, describe, expect, it } from 'vitest';
import { runApiserverRounds } from '../../chaos/apiserver.ts';
import { kubeconfigPath } from './support/cluster.ts';
import { componentRunning, restoreControlPlane } from './support/control-plane.ts';

// The short version of `npm run chaos -- apiserver`: kube-apiserver stopped mid-burst and started
// again while the operator runs; afterwards the world must match what the apiserver holds.
describe('kube-apiserver restarted mid-burst', () => {
  // Whatever happened, the next test files get a whole control plane.
  afterAll(() => restoreControlPlane(!componentRunning('kube-apiserver')), 180_000);

  it('loses, duplicates and orphans nothing, and the world converges after the restart', async () => {
    const lines: string[] = [];
    const results = await runApiserverRounds({ rounds: 1, count: 6, kubeconfig: kubeconfigPath(), say: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    for (const r of results) {
      expect(r.converged, r.problems.join('\n')).toBe(true);
      expect({ lost: r.lost, duplicated: r.duplicated, orphaned: r.orphaned, statusWrong: r.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
    }
  }, 300_000);
});
