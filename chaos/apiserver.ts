// `npm run chaos -- apiserver [rounds] [services]`: kube-apiserver stopped at a random moment of a
// burst of DcosService changes and started again (with the local clients that do not recover from
// an apiserver restart on their own, see restoreControlPlane) while the operator keeps running; the
// world must converge from what the apiserver holds afterwards.
import { clusterUp } from '../src/cluster/local-cluster.ts';
import { restoreControlPlane, stopControlPlaneComponent } from '../test/integration/support/control-plane.ts';
import { awaitConverged, closeWorld, figures, openWorld, operate, roundLine, sleep, startOperatorReady, type RoundResult } from './harness.ts';

export async function apiserverRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runApiserverRounds({ rounds: Number(args[0] ?? 3), count: Number(args[1] ?? 20), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

export async function runApiserverRounds(opts: { rounds: number; count: number; kubeconfig: string; say?: (line: string) => void }): Promise<RoundResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('apiserver', opts.kubeconfig, opts.count);
  const results: RoundResult[] = [];
  say(`apiserver: ${opts.rounds} rounds over ${opts.count} DcosService names in ${world.ns} (operator log: ${world.logPath})`);

  const operator = await startOperatorReady(world);
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const stopAfter = 500 + Math.random() * 2_500;
      let back = 0;
      let downSeconds = 0;
      const fault = (async () => {
        await sleep(stopAfter);
        const t = Date.now();
        await stopControlPlaneComponent('kube-apiserver');
        await sleep(1_000 + Math.random() * 2_000);
        await restoreControlPlane(true);
        back = Date.now();
        downSeconds = (back - t) / 1000;
      })();
      // The user goes on through the outage (every call fails) and for 2 s after the restart.
      const ops = await operate(world, () => back > 0 && Date.now() > back + 2_000);
      await fault;
      const { check, seconds } = await awaitConverged(world, back);
      results.push({ ...check, round, ops, convergeSeconds: seconds });
      say(roundLine(results.at(-1)!, `kube-apiserver stopped ${(stopAfter / 1000).toFixed(1)} s into a burst, back (with kcm, scheduler, kwok) ${downSeconds.toFixed(1)} s later,`));
    }
  } finally {
    await closeWorld(world, operator);
  }
  figures(world, results, say);
  return results;
}
