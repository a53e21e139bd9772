import { describe, expect, it } from 'vitest';
import { runKwokStagesRounds } from '../../chaos/kwok-stages.ts';
import { eventually, kubeconfigPath, kubectl } from './support/cluster.ts';

// The short version of `npm run chaos -- kwok-stages`: kwok makes one DcosService's containers exit
// non-zero and crash-loop (chaos.dcos.dev/fail-after in its spec.labels) and one node report NotReady
// (chaos.dcos.dev/not-ready); what kubectl shows meanwhile, and that everything recovers once the
// labels go.
describe('tasks that crash-loop and a node that goes NotReady, played by kwok', () => {
  it('are shown as they happen and recover after the heal', async () => {
    const lines: string[] = [];
    const seen: Record<string, string> = {};
    const results = await runKwokStagesRounds({
      rounds: 1,
      count: 3,
      failing: 1,
      kubeconfig: kubeconfigPath(),
      say: (l) => lines.push(l),
      onFault: async ({ ns, failing, node }) => {
        const [name] = failing;
        // The task comes back for a moment between crashes, as under a kubelet: wait for a crashed moment.
        seen.row = await eventually(() => {
          const table = kubectl(['get', 'dsvc', name!, '-n', ns, '-o', 'wide']);
          const header = table.stdout.split('\n')[0]!.split(/\s{2,}/);
          const row = table.stdout.split('\n')[1]!.split(/\s{2,}/);
          const cell = (column: string) => row[header.indexOf(column)];
          expect(header).toContain('RESTARTS');
          expect({ health: cell('HEALTH'), ready: cell('READY'), reason: cell('REASON') }).toEqual({ health: 'Unhealthy', ready: 'False', reason: 'TasksFailing' });
          expect(Number(cell('RESTARTS'))).toBeGreaterThan(0);
          expect(cell('MESSAGE')).toMatch(/^\d of \d tasks failing: container \S+ exited with code 1, restarted \d+ times? \(CrashLoopBackOff\)$/);
          return table.stdout;
        }, 90_000, 500);
        const described = kubectl(['get', 'node', node]).stdout;
        expect(described).toMatch(new RegExp(`${node}\\s+NotReady`));
        const nodes = kubectl(['get', 'nodes', '--no-headers']).stdout.trim().split('\n').length;
        seen.cluster = await eventually(() => {
          const dcl = kubectl(['get', 'dcl', 'default', '-o', 'wide']).stdout;
          expect(dcl).toMatch(new RegExp(`\\s${nodes - 1}/${nodes}\\s`));
          return dcl;
        }, 60_000, 500);
      },
    });
    console.log([...lines, seen.row, seen.cluster].join('\n'));
    const [r] = results;
    expect(r!.problems).toEqual([]);
    expect(r!.converged).toBe(true);
    expect(r!.fault).toMatchObject({ nodeNotReady: true, nodeTainted: true, clusterCountedNode: true, healed: true, falselyFailing: [] });
    expect(r!.fault.restarts).toBeGreaterThan(0);
    expect(r!.fault.failedAfter - r!.fault.failedBefore).toBeGreaterThanOrEqual(r!.fault.restarts);
    expect({ lost: r!.lost, duplicated: r!.duplicated, orphaned: r!.orphaned, statusWrong: r!.statusWrong }).toEqual({ lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 });
  }, 600_000);
});
