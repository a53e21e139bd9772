// `npm run chaos -- compaction [rounds] [services]`: the operator paused (SIGSTOP) while DcosServices
// change, etcd compacted at its current revision, kube-apiserver restarted, more changes, then the
// operator resumed. The restart is what makes the compaction reach the operator: a running
// apiserver serves watches from its watch cache, which keeps recent resource versions in memory
// whatever etcd compacted; a new one starts its cache from etcd, so the operator's stale resource
// versions get 410 Gone and it must relist. Afterwards the changes made after the compaction must be
// seen, and nothing lost.
import { clusterUp } from '../src/cluster/local-cluster.ts';
import { restoreControlPlane, stopControlPlaneComponent } from '../test/integration/support/control-plane.ts';
import { compactEtcd } from './etcd-compaction.ts';
import { awaitConverged, closeWorld, figures, logCount, openWorld, operate, roundLine, startOperatorReady, type RoundResult } from './harness.ts';

export type CompactionResult = RoundResult & { relists: number };

const goneLine = 'watch expired (410 Gone)';

export async function compactionRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runCompactionRounds({ rounds: Number(args[0] ?? 3), count: Number(args[1] ?? 20), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged || r.relists === 0)) process.exitCode = 1;
}

export async function runCompactionRounds(opts: { rounds: number; count: number; kubeconfig: string; say?: (line: string) => void }): Promise<CompactionResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('compaction', opts.kubeconfig, opts.count);
  const results: CompactionResult[] = [];
  say(`compaction: ${opts.rounds} rounds over ${opts.count} DcosService names in ${world.ns} (operator log: ${world.logPath})`);

  const operator = await startOperatorReady(world);
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const gone0 = logCount(world, goneLine);
      let ops = await operate(world, Date.now() + 2_000);
      operator.kill('SIGSTOP');
      ops += await operate(world, Date.now() + 3_000);
      const revision = await compactEtcd();
      await stopControlPlaneComponent('kube-apiserver');
      await restoreControlPlane(true);
      // Changes made after the compaction, which the resumed operator must see.
      ops += await operate(world, Date.now() + 2_000);
      operator.kill('SIGCONT');
      const { check, seconds } = await awaitConverged(world);
      const relists = logCount(world, goneLine) - gone0;
      results.push({ ...check, round, ops, convergeSeconds: seconds, relists });
      say(roundLine(results.at(-1)!, `etcd compacted at revision ${revision} and kube-apiserver restarted while the operator was paused, ${relists} watches relisted after 410 Gone,`));
    }
  } finally {
    await closeWorld(world, operator);
  }
  figures(world, results, say);
  return results;
}
