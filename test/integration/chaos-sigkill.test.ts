import { describe, expect, it } from 'vitest';
import { runSigkillRounds } from '../../chaos/sigkill.ts';
import { kubeconfigPath } from './support/cluster.ts';

// The short version of `npm run chaos -- sigkill`: the operator process SIGKILLed at a random moment
// of a burst of creates, updates, scales and deletes of DcosServices and of installs, option, version
// and app id changes and uninstalls of DcosPackages, twice; after each restart the world must match.
describe('the operator SIGKILLed mid-burst', () => {
  it('loses, duplicates and orphans nothing, and converges again after each restart', async () => {
    const lines: string[] = [];
    const results = await runSigkillRounds({ rounds: 2, count: 8, packages: 3, kubeconfig: kubeconfigPath(), say: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    for (const r of results) {
      expect(r.packages, 'the DcosPackages were checked').toBeDefined();
      expect(r.converged, r.problems.join('\n')).toBe(true);
      expect({ lost: r.lost, duplicated: r.duplicated, orphaned: r.orphaned, statusWrong: r.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
    }
  }, 600_000);
});
