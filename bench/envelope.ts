// npm run bench -- envelope (or alone: node bench/envelope.ts): the operator at Kubernetes' whole
// envelope (issue 17), against a stand-in apiserver (bench/support/stand-in-apiserver.ts) because the
// local control plane of a bench machine cannot hold it (it creates about 28 pods a second here; 150,000
// would take hours). What the stand-in cannot show is left to `npm run bench -- scale` on the real one:
// the apiserver's own cost, its latency under load, kwok's kubelets. Sized by the environment:
//   ENVELOPE_NODES (5000), ENVELOPE_PODS (150000, every pod, the DcosServices' own included),
//   ENVELOPE_SERVICES (10000 DcosServices of 1 to 3 instances), ENVELOPE_CHURN_SECONDS (60) at
//   ENVELOPE_CHURN_RATE (100 operations a second: pods created, failed, deleted; services scaled;
//   services' pods deleted and replaced), ENVELOPE_SAMPLES (50) status-latency samples,
//   ENVELOPE_POD_START_MS (0: a Deployment's pods are created Running; else Pending that long first),
//   ENVELOPE_ROUNDS (3): each round a fresh stand-in and operator; the table shows every round and the
//   median (this machine is shared: one round's times and RSS move with its load).
// The DcosServices exist before the operator starts, without children; the operator runs as its own
// process (src/main.ts, the image's Node flags, webhooks off, no leader election, no CRD install), and
// the bench prints:
//   - its RSS and heap when its caches synced, after every status was correct, after the churn, and its
//     peak RSS, against half of deploy/'s 512 MiB limit;
//   - time from its start to caches synced (DcosCluster default created) and to every status correct;
//   - DcosCluster status after a pod change, p50 / p99, timed inside the stand-in from the pod's
//     creation to the status write that shows it (goal p99 <= 1 s);
//   - the operator's /api/v1/nodes at full size: time to first byte, size, its RSS before and after;
//   - requests per converged DcosService by verb and resource, against the floor (one apply each of
//     Deployment and Service and one status write), and CPU-seconds per 1,000 services.
// The operator's heap is limited as deploy/'s 512 MiB memory limit limits it: Node gives V8 the cgroup's
// limit, and V8 takes a quarter of it, times two on 64-bit, for its old generation: 256 MiB
// (--max-old-space-size=256; ENVELOPE_HEAP_LIMIT_MB changes it, 0 leaves V8's default for this machine,
// which is 4 GiB here and lets the heap grow lazily far past what the pod would hold).
// ENVELOPE_NODE_ARGS adds Node flags to the operator (e.g. "--heapsnapshot-signal=SIGUSR2 --cpu-prof"),
// whose files land in ENVELOPE_DIR (/tmp/dcos-envelope) with its log; ENVELOPE_HEAP_SNAPSHOT=1 sends
// SIGUSR2 after the churn. ENVELOPE_OPERATOR_FLAGS replaces the operator's Node flags (to compare them),
// ENVELOPE_OPERATOR_ENV ("NAME=value ...", '' for none) the environment the image adds (OPERATOR_ENV).
// The operator runs as the image runs it: src/ emitted as JavaScript (scripts/emit-runtime-js.ts) into
// ENVELOPE_DIR/runtime; ENVELOPE_RUN=ts runs src/main.ts through Node's type stripper instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { emitImageLayout } from '../scripts/emit-runtime-js.ts';
import { operatorMemory, type OperatorMemory } from './operator-memory.ts';
import { cpuSecondsOf } from './phase-load.ts';
import { spawnStandIn, type StandInProcess } from './support/stand-in-apiserver.ts';
import { instancesOf } from './support/stand-in-cluster.ts';

const NODES = Number(process.env.ENVELOPE_NODES ?? 5000);
const PODS = Number(process.env.ENVELOPE_PODS ?? 150_000);
const SERVICES = Number(process.env.ENVELOPE_SERVICES ?? 10_000);
const CHURN_SECONDS = Number(process.env.ENVELOPE_CHURN_SECONDS ?? 60);
const CHURN_RATE = Number(process.env.ENVELOPE_CHURN_RATE ?? 100);
const SAMPLES = Number(process.env.ENVELOPE_SAMPLES ?? 50);
const POD_START_MS = Number(process.env.ENVELOPE_POD_START_MS ?? 0);
const DIR = process.env.ENVELOPE_DIR ?? '/tmp/dcos-envelope';
const NODE_ARGS = (process.env.ENVELOPE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const METRICS_PORT = Number(process.env.ENVELOPE_METRICS_PORT ?? 30790);
const TIMEOUT_MS = Number(process.env.ENVELOPE_TIMEOUT_S ?? 1800) * 1000;
const LIMIT_BYTES = 512 * 2 ** 20;
const HEAP_LIMIT_MB = Number(process.env.ENVELOPE_HEAP_LIMIT_MB ?? 256);
const ROUNDS = Number(process.env.ENVELOPE_ROUNDS ?? 3);

/** The resources the operator writes: every write to them counts against the floor (events apart). */
const FLOOR_RESOURCES = ['deployments', 'statefulsets', 'services', 'dcosservices', 'dcosservices/status'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface State {
  clusterExists: boolean;
  services: number;
  correct: number;
  pods: number;
  counters: Record<string, number>;
}

function procStatus(pid: number, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

const cpuSeconds = (pid: number): number => cpuSecondsOf(pid) ?? NaN;

/** Five samples a second apart: the smallest heap (closest to live after a GC), the largest RSS, and where that RSS is. */
async function settledMemory(pid: number): Promise<OperatorMemory> {
  let settled: OperatorMemory | undefined;
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(1000);
    const m = await operatorMemory(METRICS_PORT, pid);
    settled = settled === undefined ? m : { ...(m.rss > settled.rss ? m : settled), heap: Math.min(settled.heap, m.heap) };
  }
  return settled!;
}

/** Where the resident set is: V8's heap as committed, what it knows outside it, the rest of anonymous memory (malloc: TLS, HTTP parsers, code), mapped files. */
const whereRss = (m: OperatorMemory) => `heap committed ${mib(m.heapTotal)}, external ${mib(m.external)}, other anonymous ${mib(m.rssAnon - m.heapTotal - m.external)}, files ${mib(m.rssFile)}`;

async function control<T>(standIn: StandInProcess, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${standIn.controlUrl}${path}`, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`stand-in ${path}: ${body.error ?? res.status}`);
  return body;
}

async function until(standIn: StandInProcess, operator: ChildProcess, done: (s: State) => boolean, deadline: number, pollMs = 250): Promise<State> {
  for (;;) {
    const state = await control<State>(standIn, '/state');
    if (done(state)) return state;
    if (operator.exitCode !== null) throw new Error(`the operator exited (${operator.exitCode}); its log: ${join(DIR, 'operator.log')}`);
    if (performance.now() > deadline) throw new Error(`not in time: ${state.correct} of ${state.services} services correct`);
    await sleep(pollMs);
  }
}

function delta(after: Record<string, number>, before: Record<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) d.set(k, v - (before[k] ?? 0));
  return d;
}

function requestRows(requests: Map<string, number>, services: number): string[] {
  const rows: string[] = [];
  let floorWrites = 0;
  for (const [key, n] of [...requests].sort()) {
    const resource = key.slice(key.indexOf(' ') + 1);
    const write = !/^(LIST|WATCH|GET) /.test(key);
    if (write && FLOOR_RESOURCES.includes(resource)) floorWrites += n;
    rows.push(`| ${key} | ${n} | ${(n / services).toFixed(3)} |`);
  }
  rows.push(`| writes to DcosServices and their children, per service (events and DcosCluster apart) | ${floorWrites} | ${(floorWrites / services).toFixed(2)} (floor 3: apply Deployment, apply Service, one status write) |`);
  return rows;
}

/** src/ as JavaScript, laid out as the image holds it (a fresh copy each run); its main. */
function imageEntry(): string {
  const runtime = join(DIR, 'runtime');
  rmSync(runtime, { recursive: true, force: true });
  return emitImageLayout(runtime);
}

/** What a figure is held to: at most `limit`. */
interface Goal {
  text: string;
  limit: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (v: number) => `${v.toFixed(0)} ms`;
const sec = (v: number) => `${v.toFixed(1)} s`;
const cpu = (v: number) => `${v.toFixed(2)} s`;

/** The figures of one round, by name, in the order the table shows them. */
type RoundFigures = Map<string, { value: number; show: (v: number) => string; goal?: Goal }>;

interface Round {
  figures: RoundFigures;
  /** Lines that are not one number (where the RSS is, the churn done, the nodes response size). */
  notes: string[];
  requests: Map<string, number>;
}

async function oneRound(flags: string[], operatorEnv: Record<string, string>, entry: string, round: number): Promise<Round> {
  let standIn: StandInProcess | undefined;
  let operator: ChildProcess | undefined;
  const figures: RoundFigures = new Map();
  const notes: string[] = [];
  const half = LIMIT_BYTES / 2;
  const memGoal = { text: '<= 256 MiB RSS', limit: half };
  const put = (name: string, value: number, show: (v: number) => string, goal?: Goal) => figures.set(name, { value, show, ...(goal && { goal }) });
  try {
    standIn = await spawnStandIn(DIR, { nodes: NODES, pods: PODS, services: SERVICES, podStartMs: POD_START_MS });
    console.log(`round ${round}: stand-in seeded in ${standIn.seedSeconds.toFixed(1)} s (pid ${standIn.child.pid})`);
    const before = await control<State>(standIn, '/state');

    const t0 = performance.now();
    operator = spawn(process.execPath, [...flags, ...NODE_ARGS, entry, '--kubeconfig', standIn.kubeconfig, '--webhooks', 'off', '--no-leader-elect', '--no-install-crds', '--metrics-port', String(METRICS_PORT), '--default-repository', '', '--log-level', 'info'], {
      cwd: DIR,
      env: { ...process.env, ...operatorEnv },
      stdio: ['ignore', openSync(join(DIR, `operator-${round}.log`), 'w'), 'inherit'],
    });
    const pid = operator.pid!;
    // DcosCluster default is created by the first reconcile, which runs once every cache has synced.
    await until(standIn, operator, (st) => st.clusterExists, t0 + TIMEOUT_MS, 50);
    const syncedMs = performance.now() - t0;
    const cpuAtSync = cpuSeconds(pid);
    const memAtSync = await operatorMemory(METRICS_PORT, pid);
    const peakAtSync = procStatus(pid, 'VmHWM');
    console.log(`round ${round}: caches synced ${s(syncedMs)} after the operator started (CPU ${cpuAtSync.toFixed(1)} s, RSS ${mib(memAtSync.rss)}, heap ${mib(memAtSync.heap)}; ${whereRss(memAtSync)}); load ${loadavg()[0]!.toFixed(1)}`);

    const converged = await until(standIn, operator, (st) => st.correct >= SERVICES, t0 + TIMEOUT_MS, 500);
    const convergedMs = performance.now() - t0;
    const cpuConverged = cpuSeconds(pid);
    console.log(`round ${round}: every status correct ${s(convergedMs)} after the operator started (CPU ${cpuConverged.toFixed(1)} s); load ${loadavg()[0]!.toFixed(1)}`);
    const requests = delta(converged.counters, before.counters);
    await sleep(3000);
    const memConverged = await settledMemory(pid);
    const peakConverged = procStatus(pid, 'VmHWM');

    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Spread over the status write interval, not in step with it.
      await sleep(Math.random() * 1000);
      latencies.push((await control<{ ms: number }>(standIn, `/sample?n=${i}`, 'POST')).ms);
    }
    latencies.sort((a, b) => a - b);

    const rssBeforeApi = procStatus(pid, 'VmRSS');
    const tApi = performance.now();
    const res = await fetch(`http://127.0.0.1:${METRICS_PORT}/api/v1/nodes`);
    const ttfb = performance.now() - tApi;
    const body = await res.arrayBuffer();
    const apiMs = performance.now() - tApi;
    const rssAfterApi = procStatus(pid, 'VmRSS');

    const cpuBeforeChurn = cpuSeconds(pid);
    const churn = await control<Record<string, number>>(standIn, `/churn?seconds=${CHURN_SECONDS}&rate=${CHURN_RATE}`, 'POST');
    const tr = performance.now();
    await until(standIn, operator, (st) => st.correct >= SERVICES, tr + TIMEOUT_MS, 500);
    const reconvergedMs = performance.now() - tr;
    const cpuChurn = cpuSeconds(pid) - cpuBeforeChurn;
    await sleep(3000);
    const memChurn = await settledMemory(pid);
    const peakChurn = procStatus(pid, 'VmHWM');
    if (process.env.ENVELOPE_HEAP_SNAPSHOT === '1') {
      operator.kill('SIGUSR2');
      await sleep(Math.max(30_000, (memChurn.heap / 2 ** 20) * 400));
      console.log(`round ${round}: heap snapshot asked for (SIGUSR2): ${DIR}`);
    }

    put('operator start -> caches synced', syncedMs / 1000, sec);
    put('operator start -> every status correct', convergedMs / 1000, sec);
    put('operator RSS when caches synced', memAtSync.rss, mib, memGoal);
    put('operator heap used when caches synced', memAtSync.heap, mib);
    put('operator RSS, every status correct (settled)', memConverged.rss, mib, memGoal);
    put('operator heap used, every status correct', memConverged.heap, mib);
    put(`operator RSS after churn`, memChurn.rss, mib, memGoal);
    put('operator heap used after churn', memChurn.heap, mib);
    put('operator peak RSS (VmHWM) through churn', peakChurn, mib, memGoal);
    put('churn over -> every status correct again', reconvergedMs / 1000, sec);
    put(`DcosCluster status after a pod change, p50 (${latencies.length} samples)`, percentile(latencies, 50), ms);
    put(`DcosCluster status after a pod change, p99 (${latencies.length} samples)`, percentile(latencies, 99), ms, { text: 'p99 <= 1000 ms', limit: 1000 });
    put(`operator /api/v1/nodes (${NODES} nodes): first byte`, ttfb, ms);
    put(`operator /api/v1/nodes (${NODES} nodes): whole`, apiMs, ms);
    put('operator CPU per 1,000 services converged, from its start (every list included)', (cpuConverged / SERVICES) * 1000, cpu);
    put('operator CPU per 1,000 services converged, from caches synced', ((cpuConverged - cpuAtSync) / SERVICES) * 1000, cpu);
    put('operator CPU through the churn and back to correct', cpuChurn, sec);
    notes.push(`round ${round}: churn ${Object.entries(churn).map(([k, v]) => `${v} ${k}`).join(', ')} in ${CHURN_SECONDS} s`);
    notes.push(`round ${round}: peak RSS (VmHWM) to synced ${mib(peakAtSync)}, to converged ${mib(peakConverged)}, through churn ${mib(peakChurn)}`);
    notes.push(`round ${round}: of the RSS every status correct: ${whereRss(memConverged)}; after churn: ${whereRss(memChurn)}`);
    notes.push(`round ${round}: /api/v1/nodes ${(body.byteLength / 1024).toFixed(0)} KiB, operator RSS ${mib(rssBeforeApi)} -> ${mib(rssAfterApi)}`);
    return { figures, notes, requests };
  } finally {
    for (const child of [operator, standIn?.child]) {
      if (!child || child.exitCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    }
  }
}

export async function run(): Promise<void> {
  const { OPERATOR_ENV, OPERATOR_NODE_FLAGS } = await import('../src/operator/node-flags.ts');
  const flags = process.env.ENVELOPE_OPERATOR_FLAGS !== undefined ? process.env.ENVELOPE_OPERATOR_FLAGS.split(' ').filter(Boolean) : [...OPERATOR_NODE_FLAGS];
  if (HEAP_LIMIT_MB > 0) flags.push(`--max-old-space-size=${HEAP_LIMIT_MB}`);
  const operatorEnv: Record<string, string> = process.env.ENVELOPE_OPERATOR_ENV !== undefined ? Object.fromEntries(process.env.ENVELOPE_OPERATOR_ENV.split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) : { ...OPERATOR_ENV };
  const instances = Array.from({ length: SERVICES }, (_, i) => instancesOf(i)).reduce((a, b) => a + b, 0);
  const root = new URL('..', import.meta.url).pathname;
  const entry = process.env.ENVELOPE_RUN === 'ts' ? join(root, 'src/main.ts') : imageEntry();
  console.log(`\n== envelope (stand-in apiserver): ${NODES} nodes, ${PODS} pods (${instances} of them DcosServices' once converged), ${SERVICES} DcosServices, churn ${CHURN_SECONDS} s at ${CHURN_RATE}/s, ${ROUNDS} round(s); operator flags ${flags.join(' ')}, environment ${Object.entries(operatorEnv).map(([k, v]) => `${k}=${v}`).join(' ') || 'as the bench\'s'}; ${process.env.ENVELOPE_RUN === 'ts' ? 'src/main.ts (type stripping)' : 'src/ emitted as JavaScript, as the image runs it'} ==`);
  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) rounds.push(await oneRound(flags, operatorEnv, entry, r));

  const names = [...rounds[0]!.figures.keys()];
  const head = rounds.map((_, i) => `round ${i + 1}`);
  console.log(`\n| figure | ${head.join(' | ')} | median | goal | median / goal |`);
  console.log(`|---|${head.map(() => '---|').join('')}---|---|---|`);
  for (const name of names) {
    const cells = rounds.map((r) => r.figures.get(name)!);
    const first = cells[0]!;
    const mid = median(cells.map((c) => c.value));
    const goal = first.goal ? `${first.goal.text} | ${(mid / first.goal.limit).toFixed(2)}` : ' | ';
    console.log(`| ${name} | ${cells.map((c) => first.show(c.value)).join(' | ')} | ${first.show(mid)} | ${goal} |`);
  }
  console.log('');
  for (const r of rounds) for (const note of r.notes) console.log(note);
  // Requests do not move with load: the last round's, with the others' totals beside it.
  console.log(`\nrequests the operator made, start to every status correct (counted by the stand-in; round ${rounds.length}; all rounds' totals of writes: ${rounds.map((r) => [...r.requests].filter(([k]) => !/^(LIST|WATCH|GET) /.test(k)).reduce((a, [, n]) => a + n, 0)).join(', ')}):`);
  console.log('| verb resource | requests | per service |');
  console.log('|---|---|---|');
  for (const row of requestRows(rounds.at(-1)!.requests, SERVICES)) console.log(row);
}

if (import.meta.main) await run();
