// `npm run chaos -- sigkill [rounds] [services] [packages]`: SIGKILL the operator at a random moment
// while DcosServices (and, given a package count, DcosPackages from two repositories served on
// loopback) are created, updated, scaled and deleted; after each restart, measure the time until the
// world matches again, and count what was lost, duplicated or orphaned.
import { clusterUp, ensureKwokNodes } from '../src/cluster/local-cluster.ts';
import { nodeOptionsFromEnv } from '../src/cluster/kwok-nodes.ts';
import { awaitConverged, closeWorld, figures, openWorld, operate, roundLine, sleep, startOperator, type RoundResult } from './harness.ts';

export type { RoundResult } from './harness.ts';

const wholeNumber = (arg: string | undefined, fallback: number, what: string) => {
  const n = Number(arg ?? fallback);
  if (!Number.isInteger(n) || n < 0) throw new Error(`sigkill ${what}: expected a whole number >= 0, got ${arg}`);
  return n;
};

export async function sigkillRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const opts = { rounds: wholeNumber(args[0], 5, 'rounds'), count: wholeNumber(args[1], 40, 'services'), packages: wholeNumber(args[2], 0, 'packages') };
  const results = await runSigkillRounds({ ...opts, kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

/**
 * Kwok nodes enough for the most pods the world can ask for at once (2 instances a DcosService, one
 * pod a package, a quarter more while Deployments roll) at 100 of a node's 110 pods.
 */
export function nodesNeeded(services: number, packages: number, started = nodeOptionsFromEnv().count): number {
  return Math.max(started, Math.ceil(((2 * services + packages) * 1.25) / 100));
}

/** The rounds, against the cluster of `kubeconfig`; the short version of npm test calls this too. */
export async function runSigkillRounds(opts: { rounds: number; count: number; packages?: number; kubeconfig: string; say?: (line: string) => void }): Promise<RoundResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('sigkill', opts.kubeconfig, opts.count, opts.packages ?? 0, say);
  const nodes = await ensureKwokNodes(world.client, nodesNeeded(opts.count, opts.packages ?? 0));
  const results: RoundResult[] = [];
  const packages = world.packages ? ` and ${world.packages.names.length} DcosPackage names (${world.packages.choices.slice(0, world.packages.names.length).map((c) => c.packageName).join(', ')}; repositories ${Object.values(world.packages.repositories).join(', ')})` : '';
  say(`sigkill: ${opts.rounds} rounds over ${opts.count} DcosService names${packages} in ${world.ns}, ${nodes.ready} kwok nodes${nodes.created.length > 0 ? ` (${nodes.created.length} added for the run)` : ''} (operator log: ${world.logPath})`);

  let operator = startOperator(world);
  try {
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
  } finally {
    await closeWorld(world, operator);
    for (const name of nodes.created) await world.client.delete('v1', 'Node', name);
  }
  figures(world, results, say);
  return results;
}
