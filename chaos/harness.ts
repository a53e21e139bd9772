// What every fault scenario shares: a namespace of DcosServices, the operator as a child process,
// bursts of user operations, the wait for the world to match again, and the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isConflict, KubeClient, type KubeObjectLike } from '../src/kube/kube-client.ts';
import { installCrds } from '../src/operator/install-crds.ts';
import { createLogger } from '../src/operator/logger.ts';
import { comparePackages } from './package-world-check.ts';
import { closePackageWorld, openPackageWorld, operatePackage, settlePackages, type PackageWorld } from './package-world.ts';
import { compareServices, readWorld, type WorldCheck } from './world-check.ts';

const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Wanted = Map<string, { instances: number; version: number }>;

export interface ChaosWorld {
  scenario: string;
  client: KubeClient;
  kubeconfig: string;
  ns: string;
  /** The operator's JSON log (every restart appends). */
  logPath: string;
  names: string[];
  /** What the user last asked for, per DcosService name. */
  live: Wanted;
  /** Names whose last operation failed without an answer: it may or may not have been written. */
  uncertain: Set<string>;
  /** Operations that got no answer (each settled from what the apiserver holds afterwards). */
  unanswered: number;
  /** DcosPackages changed alongside the DcosServices (scenarios given a package count). */
  packages?: PackageWorld;
}

export function serviceManifest(ns: string, name: string, instances: number, version: number): KubeObjectLike {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace: ns },
    spec: { id: `/chaos/${name}`, cmd: 'sleep 3600', instances, cpus: 0.01, mem: 16, container: { type: 'DOCKER', docker: { image: 'busybox:1.36' }, portMappings: [{ containerPort: 8080, name: 'http' }] }, env: { VERSION: String(version) } },
  };
}

/** `packages`: how many DcosPackage names to change besides the `count` DcosService names (0: none, no repositories). */
export async function openWorld(scenario: string, kubeconfig: string, count: number, packages = 0, say: (line: string) => void = () => undefined): Promise<ChaosWorld> {
  const client = KubeClient.fromFile(kubeconfig);
  await installCrds(client, createLogger('warn'));
  const ns = `chaos-${scenario}-${Date.now().toString(36)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const names = Array.from({ length: count }, (_, i) => `svc-${i}`);
  const world: ChaosWorld = { scenario, client, kubeconfig, ns, logPath: `/tmp/dcos-chaos-${ns}.log`, names, live: new Map(), uncertain: new Set(), unanswered: 0 };
  if (packages > 0) world.packages = await openPackageWorld(client, ns, packages, say);
  return world;
}

export async function closeWorld(world: ChaosWorld, operator?: ChildProcess): Promise<void> {
  if (operator) await stopOperator(operator);
  await world.client.delete('v1', 'Namespace', world.ns);
  if (world.packages) await closePackageWorld(world.client, world.packages);
}

/** Leader election timing for replicas that take part in it (the operator's --leader-elect-* flags, seconds). */
export interface LeaseTiming {
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

/**
 * The operator as its own process, watching only the world's namespace; `kubeconfig` may lead
 * through a proxy. Alone by default; with `leaderElect`, one of the replicas electing on the Lease in
 * the world's namespace, with that timing.
 */
export function startOperator(world: ChaosWorld, kubeconfig = world.kubeconfig, leaderElect?: LeaseTiming): ChildProcess {
  const out = openSync(world.logPath, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_FORMAT: 'json' };
  delete env.KUBECONFIG;
  // The identity is then <hostname>-<pid>, which operatorIdentity() derives.
  delete env.POD_NAME;
  const election = leaderElect
    ? ['--leader-elect-lease-duration', String(leaderElect.leaseDurationSeconds), '--leader-elect-renew-deadline', String(leaderElect.renewDeadlineSeconds), '--leader-elect-retry-period', String(leaderElect.retryPeriodSeconds)]
    : ['--no-leader-elect'];
  const args = ['--kubeconfig', kubeconfig, '--namespace', world.ns, '--watch-namespace', world.ns, '--webhooks', 'off', ...election, '--no-install-crds', '--metrics-port', '0'];
  return spawn(process.execPath, [mainScript, ...args], { stdio: ['ignore', out, out], env });
}

const readyLines = (logPath: string) => (existsSync(logPath) ? readFileSync(logPath, 'utf8').split('"msg":"dcos-operator ready"').length - 1 : 0);

/** Starts the operator and waits until it says it is ready (caches synced), so that a fault hits a running operator, not its start. */
export async function startOperatorReady(world: ChaosWorld, kubeconfig = world.kubeconfig, timeoutMs = 120_000, leaderElect?: LeaseTiming): Promise<ChildProcess> {
  const before = readyLines(world.logPath);
  const operator = startOperator(world, kubeconfig, leaderElect);
  const t0 = Date.now();
  while (readyLines(world.logPath) === before) {
    if (operator.exitCode !== null) throw new Error(`the operator exited with ${operator.exitCode}; see ${world.logPath}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`the operator was not ready after ${timeoutMs / 1000} s; see ${world.logPath}`);
    await sleep(200);
  }
  return operator;
}

/** Counts lines of the operator's log that contain `text` (e.g. the reflector's 410 relists). */
export function logCount(world: ChaosWorld, text: string): number {
  return existsSync(world.logPath) ? readFileSync(world.logPath, 'utf8').split(text).length - 1 : 0;
}

/** The leader election identity of an operator startOperator started: `<hostname>-<pid>`, as the Lease and its User-Agent show it. */
export function operatorIdentity(operator: ChildProcess): string {
  return `${hostname()}-${operator.pid}`;
}

export async function stopOperator(operator: ChildProcess): Promise<void> {
  if (operator.exitCode !== null || operator.signalCode !== null) return;
  const exited = new Promise((r) => operator.once('exit', r));
  operator.kill('SIGCONT');
  operator.kill('SIGTERM');
  await exited;
}

/** One burst of user operations: creates, updates, scales and deletes, as fast as the apiserver takes them. */
export async function operate(world: ChaosWorld, until: number | (() => boolean)): Promise<number> {
  const { client, ns, names, live, packages } = world;
  const goOn = typeof until === 'number' ? () => Date.now() < until : () => !until();
  // Each name, a DcosService's or a DcosPackage's, is as likely to be the next one changed.
  const packageShare = packages ? packages.names.length / (packages.names.length + names.length) : 0;
  let ops = 0;
  while (goOn()) {
    if (packages && Math.random() < packageShare) {
      const name = packages.names[Math.floor(Math.random() * packages.names.length)]!;
      if (await answered(world, packages.uncertain, name, () => operatePackage(client, ns, packages, name))) ops++;
      continue;
    }
    const name = names[Math.floor(Math.random() * names.length)]!;
    const current = live.get(name);
    const done = await answered(world, world.uncertain, name, async () => {
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
    });
    if (done) ops++;
  }
  return ops;
}

/**
 * Runs one user operation on `name`; false when it failed. A conflict with the operator's own write
 * changed nothing. Anything else (the apiserver gone mid-request) may have been written or not: the
 * name goes to `uncertain`, and the apiserver says which once it is back.
 */
async function answered(world: ChaosWorld, uncertain: Set<string>, name: string, operation: () => Promise<unknown>): Promise<boolean> {
  try {
    await operation();
    return true;
  } catch (err) {
    if (!isConflict(err)) {
      uncertain.add(name);
      world.unanswered++;
      await sleep(200);
    }
    return false;
  }
}

/** Takes what the apiserver holds as the user's last word for each name whose last operation got no answer. */
export async function settle(world: ChaosWorld): Promise<void> {
  for (const name of world.uncertain) {
    const svc = await world.client.getOrUndefined<KubeObjectLike & { spec: { instances?: number; env?: Record<string, string> } }>('dcos.dev/v1alpha1', 'DcosService', name, world.ns);
    if (!svc || svc.metadata.deletionTimestamp) world.live.delete(name);
    else world.live.set(name, { instances: svc.spec.instances ?? 1, version: Number(svc.spec.env?.VERSION ?? 1) });
  }
  world.uncertain.clear();
  if (world.packages) await settlePackages(world.client, world.ns, world.packages);
}

/** One read of the world, compared with what the user asked of its DcosServices and DcosPackages. */
export async function checkWorld(world: ChaosWorld): Promise<WorldCheck> {
  const snapshot = await readWorld(world.client, world.ns);
  const services = compareServices(snapshot, world.live);
  if (!world.packages) return services;
  const packages = comparePackages(snapshot, world.packages.live);
  const sum = (k: 'objects' | 'lost' | 'duplicated' | 'orphaned' | 'statusWrong') => services[k] + packages[k];
  return {
    converged: services.converged && packages.converged,
    services: services.services + packages.services,
    packages: packages.packages,
    objects: sum('objects'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    orphaned: sum('orphaned'),
    statusWrong: sum('statusWrong'),
    problems: [...services.problems, ...packages.problems],
  };
}

/** Polls the world until it matches what the user asked for (or `timeoutMs`); seconds from `since` (the end of the fault). */
export async function awaitConverged(world: ChaosWorld, since = Date.now(), timeoutMs = 180_000): Promise<{ check: WorldCheck & { lastToSettle?: string; problemsFile?: string }; seconds: number }> {
  const t0 = since;
  await settle(world);
  let check = await checkWorld(world);
  let lastToSettle: string | undefined;
  while (!check.converged && Date.now() - t0 < timeoutMs) {
    lastToSettle = check.problems[0];
    await sleep(500);
    check = await checkWorld(world);
  }
  const seconds = (Date.now() - t0) / 1000;
  return { check: { ...check, lastToSettle, ...(!check.converged && { problemsFile: dumpProblems(world, check) }) }, seconds };
}

/** Every problem of a world that did not converge, one a line, in a file beside the operator's log; returns its path. */
function dumpProblems(world: ChaosWorld, check: WorldCheck): string {
  const path = world.logPath.replace(/\.log$/, `-problems-${Date.now().toString(36)}.txt`);
  writeFileSync(path, check.problems.join('\n') + '\n');
  return path;
}

/** `lastToSettle`: the first difference the last check before convergence still saw (what took longest). */
export type RoundResult = WorldCheck & { round: number; ops: number; convergeSeconds: number; lastToSettle?: string; problemsFile?: string };

export function roundLine(r: RoundResult, fault: string): string {
  const outcome = r.converged
    ? `converged ${r.convergeSeconds.toFixed(1)} s after the fault ended${r.lastToSettle ? ` (last to settle: ${r.lastToSettle})` : ''}`
    : `NOT converged after ${r.convergeSeconds.toFixed(0)} s: ${r.problems.slice(0, 5).join('; ')} (all ${r.problems.length} problems in ${r.problemsFile})`;
  const packages = r.packages !== undefined ? `${r.packages} DcosPackages, ` : '';
  return `  round ${r.round}: ${fault} during ${r.ops} operations; ${outcome}; ${packages}${r.services} DcosServices, ${r.objects} owned objects, lost ${r.lost}, duplicated ${r.duplicated}, orphaned ${r.orphaned}, status wrong ${r.statusWrong}`;
}

export interface Figures {
  scenario: string;
  rounds: number;
  names: number;
  packageNames: number;
  ops: number;
  objects: number;
  lost: number;
  duplicated: number;
  orphaned: number;
  statusWrong: number;
  worstConvergeSeconds: number;
}

/** The figures of a run: one line to grep, and the README table's row. */
export function figures(world: ChaosWorld, results: RoundResult[], say: (line: string) => void): Figures {
  const sum = (k: 'lost' | 'duplicated' | 'orphaned' | 'statusWrong' | 'ops' | 'objects') => results.reduce((a, r) => a + r[k], 0);
  const f: Figures = {
    scenario: world.scenario,
    rounds: results.length,
    names: world.names.length,
    packageNames: world.packages?.names.length ?? 0,
    ops: sum('ops'),
    objects: sum('objects'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    orphaned: sum('orphaned'),
    statusWrong: sum('statusWrong'),
    worstConvergeSeconds: Math.max(...results.map((r) => r.convergeSeconds)),
  };
  say(`figures ${f.scenario}: rounds ${f.rounds}, objects ${f.objects}, lost ${f.lost}, duplicated ${f.duplicated}, orphaned ${f.orphaned}, status wrong ${f.statusWrong}, worst time to converge ${f.worstConvergeSeconds.toFixed(1)} s, mean ${(results.reduce((a, r) => a + r.convergeSeconds, 0) / results.length).toFixed(1)} s`);
  say(`operations without an answer (settled from what the apiserver held): ${world.unanswered}`);
  if (world.packages) say(`DcosPackage operations: ${Object.entries(world.packages.done).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  say('\n| scenario | rounds | DcosServices (names) | operations | owned objects checked | lost | duplicated | orphaned | status wrong | worst time to converge |');
  say('|---|---|---|---|---|---|---|---|---|---|');
  const names = f.packageNames > 0 ? `${f.names} (+ ${f.packageNames} DcosPackages)` : String(f.names);
  say(`| ${f.scenario} | ${f.rounds} | ${names} | ${f.ops} | ${f.objects} | ${f.lost} | ${f.duplicated} | ${f.orphaned} | ${f.statusWrong} | ${f.worstConvergeSeconds.toFixed(1)} s |`);
  return f;
}
