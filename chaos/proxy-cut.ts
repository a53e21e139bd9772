// `npm run chaos -- proxy-cut [rounds] [services] [seconds]`: the operator reaches the apiserver only
// through a loopback TCP proxy, which stops forwarding for `seconds` (30 by default) in the middle of
// a burst of DcosService changes the user makes directly: odd rounds hold every connection (a dead
// link TCP recovers from), even rounds drop them (connections reset, new ones refused). Afterwards
// the world must converge and nothing the user did in the meantime may be lost.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { clusterUp } from '../src/cluster/local-cluster.ts';
import { awaitConverged, closeWorld, figures, openWorld, operate, roundLine, sleep, startOperatorReady, type RoundResult } from './harness.ts';
import { startTcpProxy, type CutMode } from './tcp-proxy.ts';

export async function proxyCutRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runProxyCutRounds({ rounds: Number(args[0] ?? 2), count: Number(args[1] ?? 20), cutSeconds: Number(args[2] ?? 30), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

function apiserverOf(kubeconfig: string): { host: string; port: number } {
  const match = /server: https:\/\/([\d.]+):(\d+)/.exec(readFileSync(kubeconfig, 'utf8'));
  if (!match) throw new Error(`no https server in ${kubeconfig}`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** A copy of `kubeconfig` whose server is the proxy's port (the apiserver's certificate is for 127.0.0.1, whatever the port). */
function kubeconfigThrough(kubeconfig: string, proxyPort: number, path: string): void {
  writeFileSync(path, readFileSync(kubeconfig, 'utf8').replace(/server: https:\/\/[\d.]+:\d+/, `server: https://127.0.0.1:${proxyPort}`), { mode: 0o600 });
}

export async function runProxyCutRounds(opts: { rounds: number; count: number; cutSeconds: number; kubeconfig: string; say?: (line: string) => void }): Promise<RoundResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('proxy-cut', opts.kubeconfig, opts.count);
  const proxied = `/tmp/dcos-chaos-${world.ns}.kubeconfig`;
  const proxy = await startTcpProxy(apiserverOf(opts.kubeconfig));
  kubeconfigThrough(opts.kubeconfig, proxy.port, proxied);
  const results: RoundResult[] = [];
  say(`proxy-cut: ${opts.rounds} rounds of ${opts.cutSeconds} s cuts over ${opts.count} DcosService names in ${world.ns} (operator log: ${world.logPath})`);

  const operator = await startOperatorReady(world, proxied);
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const mode: CutMode = round % 2 === 1 ? 'hold' : 'drop';
      const cutAfter = 500 + Math.random() * 1_500;
      let back = 0;
      const fault = (async () => {
        await sleep(cutAfter);
        proxy.cut(mode);
        await sleep(opts.cutSeconds * 1000);
        proxy.restore();
        back = Date.now();
      })();
      // The user's own connection is not cut: changes go on through the cut and 1 s after it.
      const ops = await operate(world, () => back > 0 && Date.now() > back + 1_000);
      await fault;
      const { check, seconds } = await awaitConverged(world, back);
      results.push({ ...check, round, ops, convergeSeconds: seconds });
      say(roundLine(results.at(-1)!, `the operator's link ${mode === 'hold' ? 'held' : 'dropped'} for ${opts.cutSeconds} s from ${(cutAfter / 1000).toFixed(1)} s into a burst`));
    }
  } finally {
    await closeWorld(world, operator);
    await proxy.close();
    // It holds the cluster's client key.
    rmSync(proxied, { force: true });
  }
  say(`  proxy: ${proxy.stats.connections} connections, ${proxy.stats.held} held, ${proxy.stats.dropped} dropped`);
  figures(world, results, say);
  return results;
}
