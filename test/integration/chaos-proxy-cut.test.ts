import { describe, expect, it } from 'vitest';
import { runProxyCutRounds } from '../../chaos/proxy-cut.ts';
import { kubeconfigPath } from './support/cluster.ts';

// The short version of `npm run chaos -- proxy-cut`: the operator's link to the apiserver held for
// 10 s, then dropped for 10 s, while the user changes DcosServices; afterwards nothing is lost.
describe('the network between the operator and the apiserver cut', () => {
  it('loses, duplicates and orphans nothing, and the world converges after each cut', async () => {
    const lines: string[] = [];
    const results = await runProxyCutRounds({ rounds: 2, count: 6, cutSeconds: 10, kubeconfig: kubeconfigPath(), say: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    for (const r of results) {
      expect(r.converged, r.problems.join('\n')).toBe(true);
      expect({ lost: r.lost, duplicated: r.duplicated, orphaned: r.orphaned, statusWrong: r.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
    }
  }, 300_000);
});
