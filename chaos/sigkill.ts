// `npm run chaos -- sigkill [rounds] [services]`: SIGKILL the operator at a random moment while
// DcosServices are created, updated, scaled and deleted; after each restart, measure the time until
// the world matches again, and count what was lost, duplicated or orphaned.
import { clusterUp } from '../src/cluster/local-cluster.ts';
import { awaitConverged, closeWorld, figures, openWorld, operate, roundLine, sleep, startOperator, type RoundResult } from './harness.ts';

export type { RoundResult } from './harness.ts';

export async function sigkillRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runSigkillRounds({ rounds: Number(args[0] ?? 5), count: Number(args[1] ?? 40), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

/** The rounds, against the cluster of `kubeconfig`; the short version of npm test calls this too. */
export async function runSigkillRounds(opts: { rounds: number; count: number; kubeconfig: string; say?: (line: string) => void }): Promise<RoundResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('sigkill', opts.kubeconfig, opts.count);
  const results: RoundResult[] = [];
  say(`sigkill: ${opts.rounds} rounds over ${opts.count} DcosService names in ${world.ns} (operator log: ${world.logPath})`);

  let operator = startOperator(world);
  for (let round = 1; round <= opts.rounds; round++) {
    const burstMs = 4_000;
    const killAfter = 500 + Math.random() * (burstMs - 1_000);
    const killer = sleep(killAfter).then(() => operator.kill('SIGKILL'));
    const ops = await operate(world, Date.now() + burstMs);
    await killer;
    operator = startOperator(world);
    const { check, seconds } = await awaitConverged(world);
    results.push({ ...check, round, ops, convergeSeconds: seconds });
    say(roundLine(results.at(-1)!, `killed ${(killAfter / 1000).toFixed(1)} s into a burst`));
  }
  await closeWorld(world, operator);
  figures(world, results, say);
  return results;
}
