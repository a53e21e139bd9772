// `npm run chaos -- sigkill [rounds] [services]`: SIGKILL the operator at a random moment while
// DcosServices are created, updated, scaled and deleted; after each restart, measure the time until
// the world matches again, and count what was lost, duplicated or orphaned.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clusterUp } from '../src/cluster/local-cluster.ts';
import { KubeClient, type KubeObjectLike } from '../src/kube/kube-client.ts';
import { installCrds } from '../src/operator/install-crds.ts';
import { createLogger } from '../src/operator/logger.ts';
import { checkWorld, type WorldCheck } from './world-check.ts';

const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function startOperator(kubeconfig: string, ns: string, logPath: string): ChildProcess {
  const out = openSync(logPath, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_FORMAT: 'json' };
  delete env.KUBECONFIG;
  return spawn(process.execPath, [mainScript, '--kubeconfig', kubeconfig, '--namespace', ns, '--watch-namespace', ns, '--webhooks', 'off', '--no-leader-elect', '--no-install-crds', '--metrics-port', '0'], { stdio: ['ignore', out, out], env });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function serviceManifest(ns: string, name: string, instances: number, version: number): KubeObjectLike {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace: ns },
    spec: { id: `/chaos/${name}`, cmd: 'sleep 3600', instances, cpus: 0.01, mem: 16, container: { type: 'DOCKER', docker: { image: 'busybox:1.36' }, portMappings: [{ containerPort: 8080, name: 'http' }] }, env: { VERSION: String(version) } },
  };
}

/** One burst of user operations: creates, updates, scales and deletes, as fast as the apiserver takes them. */
async function operate(client: KubeClient, ns: string, names: string[], live: Map<string, { instances: number; version: number }>, until: number): Promise<number> {
  let ops = 0;
  while (Date.now() < until) {
    const name = names[Math.floor(Math.random() * names.length)]!;
    const current = live.get(name);
    try {
      if (!current) {
        const want = { instances: 1 + Math.floor(Math.random() * 2), version: 1 };
        await client.apply(serviceManifest(ns, name, want.instances, want.version));
        live.set(name, want);
      } else {
        const roll = Math.random();
        if (roll < 0.15) {
          await client.delete('dcos.dev/v1alpha1', 'DcosService', name, ns);
          live.delete(name);
        } else {
          const want = roll < 0.6 ? { ...current, instances: Math.floor(Math.random() * 3) } : { ...current, version: current.version + 1 };
          await client.apply(serviceManifest(ns, name, want.instances, want.version));
          live.set(name, want);
        }
      }
      ops++;
    } catch {
      // A conflict with the operator's own write: the next operation goes on.
    }
  }
  return ops;
}

export type RoundResult = WorldCheck & { round: number; ops: number; convergeSeconds: number };

export async function sigkillRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runSigkillRounds({ rounds: Number(args[0] ?? 5), count: Number(args[1] ?? 40), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

/** The rounds, against the cluster of `kubeconfig`; the short version of npm test calls this too. */
export async function runSigkillRounds(opts: { rounds: number; count: number; kubeconfig: string; say?: (line: string) => void }): Promise<RoundResult[]> {
  const { rounds, count } = opts;
  const say = opts.say ?? (() => undefined);
  const report = { kubeconfig: opts.kubeconfig };
  const client = KubeClient.fromFile(report.kubeconfig);
  await installCrds(client, createLogger('warn'));
  const ns = `chaos-${Date.now().toString(36)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const logPath = `/tmp/dcos-chaos-${ns}.log`;
  const names = Array.from({ length: count }, (_, i) => `svc-${i}`);
  const live = new Map<string, { instances: number; version: number }>();
  const results: RoundResult[] = [];
  say(`sigkill: ${rounds} rounds over ${count} DcosService names in ${ns} (operator log: ${logPath})`);

  let operator = startOperator(report.kubeconfig, ns, logPath);
  for (let round = 1; round <= rounds; round++) {
    const burstMs = 4_000;
    const killAfter = 500 + Math.random() * (burstMs - 1_000);
    const killer = sleep(killAfter).then(() => operator.kill('SIGKILL'));
    const ops = await operate(client, ns, names, live, Date.now() + burstMs);
    await killer;
    operator = startOperator(report.kubeconfig, ns, logPath);
    const t0 = Date.now();
    let check = await checkWorld(client, ns, live);
    while (!check.converged && Date.now() - t0 < 180_000) {
      await sleep(500);
      check = await checkWorld(client, ns, live);
    }
    const convergeSeconds = (Date.now() - t0) / 1000;
    results.push({ ...check, round, ops, convergeSeconds });
    say(`  round ${round}: killed ${(killAfter / 1000).toFixed(1)} s into ${ops} operations; ${check.converged ? `converged ${convergeSeconds.toFixed(1)} s after restart` : `NOT converged after ${convergeSeconds.toFixed(0)} s: ${check.problems.slice(0, 5).join('; ')}`}; ${check.services} DcosServices, ${check.objects} owned objects, lost ${check.lost}, duplicated ${check.duplicated}, orphaned ${check.orphaned}, status wrong ${check.statusWrong}`);
  }
  operator.kill('SIGTERM');
  await new Promise((r) => operator.once('exit', r));
  await client.delete('v1', 'Namespace', ns);

  const sum = (k: 'lost' | 'duplicated' | 'orphaned' | 'statusWrong') => results.reduce((a, r) => a + r[k], 0);
  const worst = Math.max(...results.map((r) => r.convergeSeconds));
  say('\n| rounds | DcosServices (names) | operations | owned objects checked | lost | duplicated | orphaned | status wrong | worst time to converge |');
  say('|---|---|---|---|---|---|---|---|---|');
  say(`| ${rounds} | ${count} | ${results.reduce((a, r) => a + r.ops, 0)} | ${results.reduce((a, r) => a + r.objects, 0)} | ${sum('lost')} | ${sum('duplicated')} | ${sum('orphaned')} | ${sum('statusWrong')} | ${worst.toFixed(1)} s |`);
  return results;
}
