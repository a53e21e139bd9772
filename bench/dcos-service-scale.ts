// npm run bench (or alone: node bench/dcos-service-scale.ts): DcosServices at scale on a real local
// control plane of its own (issue 3, "npm run bench" a, b, c).
//   (a) BENCH_SERVICES (1000) small DcosServices: the time until all their Deployments and Services
//       exist (counted by polling the apiserver), against the time a bare client takes to create the same Deployments
//       and Services (translateService's output) at the same concurrency, in the same run.
//       The ratios printed against the goal (<= 1.10, issue 17) are live / floor and restart / bare
//       apply. They replace the old "live / bare POST", which was unfair to the operator: the user's
//       own DcosService creates are inside live (and inside floor) but not inside a bare POST. Every timed phase runs on a control plane of its own, started for
//       it: each write costs the apiserver more as the cluster fills (a Service's IP allocation
//       counts every allocated IP; the same 2,000 POSTs took 6.5 s on a fresh cluster and 13.6 s
//       after 5,000 more objects), and a backlog of pods left by one phase would load the next.
//       Phases, BENCH_ROUNDS (2) times, the second round in reverse order:
//       bare POST and bare apply: the bare client (after 20 warm-up pairs) by POST, and by
//         server-side apply as the operator must write them to own their fields; the objects a POST
//         makes are not quite the same: their managedFields say Update, not Apply.
//       floor: no operator; the client creates each DcosService, then applies its Deployment and
//         Service (owner reference included): the apiserver's work in a live phase with an operator
//         that costs nothing and answers at once. floor / bare apply: about the least live / bare apply can be here.
//       live: the operator running (20 warm-up services done), a client creates the DcosServices at
//         BENCH_CONCURRENCY (32), timed from the first create: the client's own creates are in it.
//       restart: the DcosServices created while the operator is down, timed from starting it
//         (process start, CRDs, cache sync included): the operator's own work, object for object.
//   (b) create one DcosService -> its Deployment seen by a watch, BENCH_SAMPLES (100) times one
//       after the other, with the 1,000 services present: p50 and p99 (goals 50 ms and 250 ms).
//   (c) the operator's RSS and heap before (with 20 warm-up services) and with 1,000 more and their
//       pods (Running on kwok nodes) cached: RSS per service. (b) and (c) share a last cluster.
// Each phase stops at BENCH_PHASE_TIMEOUT_S (600) and the table says how far it got.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { operatorMemory } from './operator-memory.ts';
import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { describeLoad, loadSnapshot } from './phase-load.ts';
import { ObjectCensus } from './object-census.ts';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_S ?? 600) * 1000;
const CLUSTER_DIR = process.env.BENCH_SERVICES_CLUSTER_DIR ?? '/tmp/dcos-bench-services';
/**
 * Below Linux's ephemeral ports (32768-60999): five control planes and an operator start per run,
 * and a port that an outgoing connection happens to hold cannot be listened on (33400 was inside).
 */
const PORT_BASE = Number(process.env.BENCH_SERVICES_PORT_BASE ?? 30400);
/** kwok nodes take 110 pods each: each control plane holds one phase's pods (1,000), the warm-up's and the samples'. */
const NODES = Number(process.env.BENCH_SERVICES_NODES ?? Math.ceil((SERVICES + SAMPLES + 40) / 100) + 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Only these timed phases, comma-separated (e.g. "bare apply,restart"), and then no (b) and (c): for experiments. */
const ONLY_PHASES = process.env.BENCH_PHASES?.split(',').map((p) => p.trim());
/** The operators' stdout (JSON logs, at --log-level warn unless BENCH_OPERATOR_ARGS says otherwise) appended to this file. */
const OPERATOR_LOG = process.env.BENCH_OPERATOR_LOG;
/** Extra operator flags for experiments, e.g. BENCH_OPERATOR_ARGS="--workers 32". */
const OPERATOR_ARGS = (process.env.BENCH_OPERATOR_ARGS ?? '').split(' ').filter(Boolean);

const NS = 'bench-services';
const OPERATOR_NS = 'bench-operator';
const WARMUP_NS = 'bench-warmup';
/** Services the operator handles before the "before" memory figure, so JIT and first-use allocations are not counted per service. */
const WARMUP = 20;
const GOALS = { ratio: 1.1, p50: 50, p99: 250 };

type Obj = import('../src/kube/kube-client.ts').KubeObjectLike;
type Client = import('../src/kube/kube-client.ts').KubeClient;
type DcosService = import('../src/resources/dcos-service.ts').DcosService;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

class PhaseTimeout extends Error {}

/** SIGTERM, then SIGKILL if it has not gone within 15 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

/** A small Marathon app: one instance, 0.01 CPU, 16 MiB, one port (so it gets a Service). */
function dcosService(name: string, namespace: string): DcosService & Obj {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace },
    spec: { cmd: 'sleep 3600', instances: 1, cpus: 0.01, mem: 16, portDefinitions: [{ port: 0, name: 'http' }] },
  } as DcosService & Obj;
}

async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  }));
}

/**
 * When each object of one kind in one namespace was first seen: a list, then a watch from the list's
 * resourceVersion (restarted the same way if it ends), so nothing is missed and the time is the
 * moment the apiserver told a watcher, as a controller would learn it.
 */
class Sightings {
  readonly seen = new Map<string, number>();
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private abort?: AbortController;
  private stopped = false;
  private readonly client: Client;
  private readonly apiVersion: string;
  private readonly kind: string;
  private readonly plural: string;
  private readonly namespace: string;
  constructor(client: Client, apiVersion: string, kind: string, plural: string, namespace: string) {
    this.client = client;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.plural = plural;
    this.namespace = namespace;
  }

  async start(): Promise<void> {
    const list = await this.client.list<Obj>(this.apiVersion, this.kind, { namespace: this.namespace });
    const now = performance.now();
    for (const o of list.items) if (!this.seen.has(o.metadata.name)) this.seen.set(o.metadata.name, now);
    this.notify();
    const base = this.apiVersion.includes('/') ? `/apis/${this.apiVersion}` : `/api/${this.apiVersion}`;
    this.abort = await new Watch(this.client.config).watch(
      `${base}/namespaces/${this.namespace}/${this.plural}`,
      { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
      (type, obj: Obj) => {
        if (type === 'ADDED' || type === 'MODIFIED') {
          if (!this.seen.has(obj.metadata.name)) {
            this.seen.set(obj.metadata.name, performance.now());
            this.notify();
          }
        }
      },
      () => {
        if (!this.stopped) void sleep(100).then(() => (this.stopped ? undefined : this.start()));
      },
    );
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) {
      if (w.check()) w.resolve();
      else this.waiters.push(w);
    }
  }

  /**
   * Resolves once check() holds (checked on every sighting, and every 100 ms for checks that also
   * look at other Sightings); rejects with PhaseTimeout at the deadline.
   */
  until(check: () => boolean, deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) return resolve();
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new PhaseTimeout());
      }, Math.max(0, deadline - performance.now()));
      const poll = setInterval(() => this.notify(), 100);
      const done = () => (clearTimeout(timer), clearInterval(poll), resolve());
      this.waiters.push({ check, resolve: done });
    });
  }
}


/** Five samples a second apart: the smallest heap (closest to what is live after a GC) and the last RSS. */
async function settledMemory(port: number, pid: number): Promise<{ heap: number; rss: number }> {
  let heap = Infinity;
  let rss = NaN;
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(1000);
    const m = await operatorMemory(port, pid);
    heap = Math.min(heap, m.heap);
    rss = m.rss;
  }
  return { heap, rss };
}

/** Until every DcosService in NS shows its task running (the pods are then cached and counted), or the deadline. */
async function untilAllRunning(client: Client, expected: number, deadline: number): Promise<number> {
  for (;;) {
    const list = await client.list<Obj & { status?: { tasksRunning?: number } }>('dcos.dev/v1alpha1', 'DcosService', { namespace: NS });
    const running = list.items.filter((s) => (s.status?.tasksRunning ?? 0) >= 1).length;
    if (running >= expected || performance.now() > deadline) return running;
    await sleep(2000);
  }
}

type Phase = 'bare POST' | 'bare apply' | 'floor' | 'live' | 'restart';

export async function run(): Promise<void> {
  // Set here, not at import: `npm run bench` runs several benches in one process, each on its own cluster.
  const saved = { dir: process.env.DCOS_CLUSTER_DIR, port: process.env.DCOS_CLUSTER_PORT_BASE, nodes: process.env.DCOS_CLUSTER_NODES };
  process.env.DCOS_CLUSTER_DIR = CLUSTER_DIR;
  process.env.DCOS_CLUSTER_PORT_BASE = String(PORT_BASE);
  process.env.DCOS_CLUSTER_NODES = String(NODES);
  const { clusterUp, clusterDown } = await import('../src/cluster/local-cluster.ts');
  const { KubeClient } = await import('../src/kube/kube-client.ts');
  const { translateService } = await import('../src/marathon/index.ts');
  const { defaultOperatorConfig } = await import('../src/operator/operator-config.ts');
  const { OPERATOR_NODE_FLAGS } = await import('../src/operator/node-flags.ts');
  const { installCrds } = await import('../src/operator/install-crds.ts');
  const { pino } = await import('pino');

  console.log(`\n== DcosServices at scale on the local control plane: ${SERVICES} services, client concurrency ${CONCURRENCY}, ${NODES} kwok nodes, a control plane per phase, ${ROUNDS} rounds ==`);
  let operator: ChildProcess | undefined;
  let watches: Sightings[] = [];
  let censuses: ObjectCensus[] = [];
  /** Restart times from the first child seen: the operator's pace once running, its process start and cache sync left out. */
  const restartAfterFirst: number[] = [];
  const rows: string[] = [];
  const notes: string[] = [];
  const names = Array.from({ length: SERVICES }, (_, i) => `app-${i}`);
  const metricsPort = PORT_BASE + 90;
  const pidsDir = join(CLUSTER_DIR, 'pids');
  const defaultImage = defaultOperatorConfig().defaultImage;

  /** A control plane of its own, purged after: the phase gets a fresh apiserver, etcd and controller manager. */
  const freshCluster = async () => {
    await clusterDown({ purge: true });
    const report = await clusterUp(() => undefined);
    const client = KubeClient.fromFile(report.kubeconfig);
    for (const ns of [NS, WARMUP_NS, OPERATOR_NS]) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as Obj);
    return { client, kubeconfig: report.kubeconfig };
  };
  const startOperator = (kubeconfig: string) => {
    const child = spawn(process.execPath, [...OPERATOR_NODE_FLAGS, 'src/main.ts', '--kubeconfig', kubeconfig, '--webhooks', 'off', '--no-leader-elect', '--metrics-port', String(metricsPort), '--namespace', OPERATOR_NS, '--default-repository', '', '--log-level', 'warn', ...OPERATOR_ARGS], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', OPERATOR_LOG ? openSync(OPERATOR_LOG, 'a') : 'ignore', 'inherit'],
    });
    const gone = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the operator exited (${code})`))));
    gone.catch(() => undefined);
    return { child, gone };
  };
  const stopOperator = async () => {
    if (operator) await stopProcess(operator);
    operator = undefined;
  };
  const loadNow = (client: Client) => loadSnapshot(client, pidsDir, { operator: operator?.pid, 'bench client': process.pid });
  const printLoad = async (client: Client, label: string, before: Awaited<ReturnType<typeof loadNow>>, elapsedMs: number) => {
    for (const line of describeLoad(before, await loadNow(client), elapsedMs)) console.log(`    ${label} ${line}`);
  };
  /** Counts the namespace's Deployments and Services; lastSeen resolves with when both first held SERVICES, from `from`. */
  const census = (client: Client) => {
    const c = new ObjectCensus(client, [
      { label: 'Deployments', path: `/apis/apps/v1/namespaces/${NS}/deployments` },
      { label: 'Services', path: `/api/v1/namespaces/${NS}/services` },
    ]);
    censuses.push(c);
    const lastSeen = async (from: number, exited: Promise<never>): Promise<{ all?: number; first?: number }> => {
      const seen = await Promise.race([c.until(SERVICES, from + PHASE_TIMEOUT_MS), exited]);
      if (seen.all === undefined) notes.push(`a phase stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit: ${seen.counts[0]} Deployments and ${seen.counts[1]} Services seen`);
      return { all: seen.all === undefined ? undefined : seen.all - from, first: seen.first === undefined ? undefined : seen.first - from };
    };
    return { lastSeen };
  };
  /** The operator up, its CRDs and caches ready (it publishes DcosCluster default), and WARMUP services running. */
  const operatorWarm = async (client: Client, kubeconfig: string) => {
    const started = startOperator(kubeconfig);
    operator = started.child;
    for (let i = 0; ; i++) {
      if (await client.getOrUndefined<Obj>('dcos.dev/v1alpha1', 'DcosCluster', 'default').catch(() => undefined)) break;
      if (i > 600 || operator.exitCode !== null) throw new Error('the operator did not publish DcosCluster default within 120 s');
      await sleep(200);
    }
    await inParallel(WARMUP, 8, (i) => client.create(dcosService(`warmup-${i}`, WARMUP_NS)));
    for (let i = 0; ; i++) {
      const list = await client.list<Obj & { status?: { tasksRunning?: number } }>('dcos.dev/v1alpha1', 'DcosService', { namespace: WARMUP_NS });
      if (list.items.filter((s) => (s.status?.tasksRunning ?? 0) >= 1).length >= WARMUP) break;
      if (i > 240) throw new Error(`the ${WARMUP} warm-up services did not run within 120 s`);
      await sleep(500);
    }
    await sleep(3000);
    // Wrapped: an async function returning the pending promise itself would wait for the operator to exit.
    return { exited: started.gone };
  };
  const createServices = async (client: Client): Promise<{ created: number; ms: number }> => {
    const t = performance.now();
    let created = 0;
    await inParallel(SERVICES, CONCURRENCY, async (i) => {
      if (performance.now() > t + PHASE_TIMEOUT_MS) return;
      await client.create(dcosService(names[i]!, NS));
      created++;
    });
    return { created, ms: performance.now() - t };
  };

  /** The Deployment and Service the operator would apply for a DcosService: translateService's output. */
  const childrenOf = (svc: DcosService): [Obj, Obj] => {
    const t = translateService(svc, { defaultImage });
    if (!t.ok || !t.service) throw new Error(`${svc.metadata.name} did not translate to a Deployment and a Service: ${JSON.stringify(t)}`);
    return [t.workload as unknown as Obj, t.service as unknown as Obj];
  };
  const bareObjects = (namespace: string): Obj[][] =>
    names.map((name, i) => {
      const children = childrenOf({ ...dcosService(name, namespace), metadata: { name, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } });
      // No owner: the DcosService does not exist here, and the garbage collector would delete orphans of a missing owner.
      return children.map((o) => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined } }) as Obj);
    });

  const phases: Record<Phase, () => Promise<number | undefined>> = {
    'bare POST': () => bare('POST', (client) => (o) => client.create(o)),
    'bare apply': () => bare('apply', (client) => (o) => client.apply(o)),
    floor: async () => {
      // What the apiserver must do in a live phase even for an operator that costs nothing and
      // answers at once: each DcosService created, then its Deployment and Service applied (with
      // the owner reference to it), by one client. live / floor is the operator's own share.
      const { client } = await freshCluster();
      await installCrds(client, pino({ level: 'silent' }));
      const createAndApply = async (name: string, namespace: string) => {
        const svc = await client.create(dcosService(name, namespace));
        for (const o of childrenOf(svc)) await client.apply(o);
      };
      await inParallel(WARMUP, 8, (i) => createAndApply(`warmup-${i}`, WARMUP_NS));
      await sleep(3000);
      const load = await loadNow(client);
      const t = performance.now();
      let done = 0;
      await inParallel(SERVICES, CONCURRENCY, async (i) => {
        if (performance.now() > t + PHASE_TIMEOUT_MS) return;
        await createAndApply(names[i]!, NS);
        done++;
      });
      const ms = performance.now() - t;
      await printLoad(client, 'floor', load, ms);
      console.log(`(a) floor: ${done} DcosServices created and their Deployments + Services applied by one client in ${seconds(ms)}`);
      if (done < SERVICES) {
        notes.push(`(a) floor stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit after ${done} services`);
        return undefined;
      }
      return ms;
    },
    live: async () => {
      const { client, kubeconfig } = await freshCluster();
      const { exited } = await operatorWarm(client, kubeconfig);
      const { lastSeen } = census(client);
      const load = await loadNow(client);
      const t = performance.now();
      const seen = lastSeen(t, exited);
      const { created, ms: createMs } = await createServices(client);
      const ms = (await seen).all;
      await printLoad(client, 'live', load, performance.now() - t);
      console.log(`(a) live: ${created} DcosServices created in ${seconds(createMs)}; all Deployments and Services seen ${ms !== undefined ? `after ${seconds(ms)}` : 'NOT in time'}`);
      return ms;
    },
    restart: async () => {
      const { client, kubeconfig } = await freshCluster();
      await installCrds(client, pino({ level: 'silent' }));
      await createServices(client);
      // As the bare client after its warm-up: the creates' own aftermath (watchers, the garbage
      // collector's graph) is over before the clock starts.
      await sleep(3000);
      const { lastSeen } = census(client);
      const load = await loadNow(client);
      const t = performance.now();
      const started = startOperator(kubeconfig);
      operator = started.child;
      const { all: ms, first } = await lastSeen(t, started.gone);
      await printLoad(client, 'restart', load, performance.now() - t);
      console.log(`(a) restart: operator started with ${SERVICES} DcosServices waiting; first Deployment or Service seen after ${first !== undefined ? seconds(first) : '-'}, all Deployments and Services ${ms !== undefined ? `after ${seconds(ms)}` : 'NOT in time'}`);
      if (ms !== undefined && first !== undefined) restartAfterFirst.push(ms - first);
      return ms;
    },
  };
  async function bare(label: string, writer: (client: Client) => (o: Obj) => Promise<unknown>): Promise<number | undefined> {
    const { client } = await freshCluster();
    const write = writer(client);
    // A cluster just started: its first writes of each kind are slower, as the operator's warm-up services are for it.
    const warm = bareObjects(WARMUP_NS).slice(0, WARMUP);
    await inParallel(WARMUP, 8, async (i) => {
      for (const o of warm[i]!) await write(o);
    });
    await sleep(3000);
    const objects = bareObjects(NS);
    const load = await loadNow(client);
    const t = performance.now();
    let written = 0;
    await inParallel(SERVICES, CONCURRENCY, async (i) => {
      if (performance.now() > t + PHASE_TIMEOUT_MS) return;
      // Deployment then Service, as the operator applies them.
      for (const o of objects[i]!) await write(o);
      written++;
    });
    const ms = performance.now() - t;
    await printLoad(client, `bare ${label}`, load, ms);
    console.log(`(a) bare client: ${written} Deployments + ${written} Services by ${label} in ${seconds(ms)}`);
    if (written < SERVICES) {
      notes.push(`(a) bare client (${label}) stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit after ${written} Deployment+Service pairs`);
      return undefined;
    }
    return ms;
  }

  const endPhase = async () => {
    for (const w of watches) w.stop();
    for (const c of censuses) c.stop();
    watches = [];
    censuses = [];
    await stopOperator();
  };

  try {
    const order = (['bare POST', 'bare apply', 'floor', 'live', 'restart'] as Phase[]).filter((p) => !ONLY_PHASES || ONLY_PHASES.includes(p));
    const times: Record<Phase, number[]> = { 'bare POST': [], 'bare apply': [], floor: [], live: [], restart: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of round % 2 === 0 ? order : [...order].reverse()) {
        const ms = await phases[phase]();
        await endPhase();
        if (ms !== undefined) times[phase].push(ms);
      }
    }

    // (c) and (b): one more control plane, the operator with 1,000 services and their pods.
    const measured = ONLY_PHASES ? undefined : await (async () => {
      const { client, kubeconfig } = await freshCluster();
      const { exited } = await operatorWarm(client, kubeconfig);
      const before = await settledMemory(metricsPort, operator!.pid!);
      const { lastSeen } = census(client);
      const t = performance.now();
      const seen = lastSeen(t, exited);
      await createServices(client);
      const liveMs = (await seen).all;
      if (liveMs !== undefined) {
        times.live.push(liveMs);
        console.log(`(a) live, once more (with (b) and (c)): all Deployments and Services seen after ${seconds(liveMs)}`);
      }
      const running = await untilAllRunning(client, SERVICES, performance.now() + PHASE_TIMEOUT_MS);
      if (running < SERVICES) notes.push(`(c) only ${running} of ${SERVICES} DcosServices showed their task running within ${PHASE_TIMEOUT_MS / 1000} s`);
      await sleep(3000);
      const after = await settledMemory(metricsPort, operator!.pid!);
      // (b) is a latency as a controller would see it: from the create to the watch event.
      const deployments = new Sightings(client, 'apps/v1', 'Deployment', 'deployments', NS);
      watches.push(deployments);
      await deployments.start();
      const latencies: number[] = [];
      const deadlineB = performance.now() + PHASE_TIMEOUT_MS;
      try {
        for (let s = 0; s < SAMPLES; s++) {
          const name = `latency-${s}`;
          const start = performance.now();
          await client.create(dcosService(name, NS));
          await Promise.race([deployments.until(() => deployments.seen.has(name), deadlineB), exited]);
          latencies.push(deployments.seen.get(name)! - start);
        }
      } catch (err) {
        if (!(err instanceof PhaseTimeout)) throw err;
        notes.push(`(b) stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit after ${latencies.length} samples`);
      }
      return { latencies, before, after, running };
    })();

    const median = (xs: number[]) => {
      const sorted = [...xs].sort((x, y) => x - y);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const list = (xs: number[]) => xs.map(seconds).join(', ');
    const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, xs.length ? median(xs) : undefined])) as Record<Phase, number | undefined>;
    rows.push(`| (a) bare client, ${SERVICES} Deployments + ${SERVICES} Services by POST (concurrency ${CONCURRENCY}): each run; median | ${list(times['bare POST'])}; ${m['bare POST'] !== undefined ? seconds(m['bare POST']) : '-'} | | |`);
    rows.push(`| (a) the same by server-side apply (as the operator writes them): each run; median | ${list(times['bare apply'])}; ${m['bare apply'] !== undefined ? seconds(m['bare apply']) : '-'} | | |`);
    if (m['bare POST'] && m['bare apply']) rows.push(`| (a) bare apply / bare POST: the apiserver's own cost of apply | ${(m['bare apply'] / m['bare POST']).toFixed(2)} | | |`);
    rows.push(`| (a) floor: ${SERVICES} DcosServices created, each one's Deployment + Service applied, by one client (no operator): each run; median | ${list(times.floor)}; ${m.floor !== undefined ? seconds(m.floor) : '-'} | | |`);
    if (m.floor && m['bare apply']) rows.push(`| (a) floor / bare apply: about the least any operator's live / bare apply can be on this machine | ${(m.floor / m['bare apply']).toFixed(2)} | | |`);
    rows.push(`| (a) live: ${SERVICES} DcosServices created -> all Deployments + Services exist: each run; median | ${list(times.live)}; ${m.live !== undefined ? seconds(m.live) : '-'} | | |`);
    rows.push(`| (a) restart: operator started with ${SERVICES} DcosServices waiting -> all exist: each run; median | ${list(times.restart)}; ${m.restart !== undefined ? seconds(m.restart) : '-'} | | |`);
    if (restartAfterFirst.length && m['bare apply']) {
      const paced = median(restartAfterFirst);
      rows.push(`| (a) restart from its first child seen (process start and cache sync left out): each run; median; / bare apply | ${list(restartAfterFirst)}; ${seconds(paced)}; ${(paced / m['bare apply']).toFixed(2)} | | |`);
    }
    // The fair ratios (issue 17): live against the floor, whose client makes the same creates the
    // user's own client makes inside live; restart against bare apply, where no creates are timed.
    for (const [phase, divisor] of [['live', 'floor'], ['restart', 'bare apply']] as const) {
      const a = m[phase];
      const b = m[divisor];
      if (a !== undefined && b !== undefined) rows.push(`| (a) ${phase} / ${divisor} (medians) | ${(a / b).toFixed(2)} | <= ${GOALS.ratio} | ${(a / b / GOALS.ratio).toFixed(2)} |`);
    }
    const latencies = measured?.latencies ?? [];
    if (latencies.length > 0) {
      latencies.sort((x, y) => x - y);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      rows.push(`| (b) create DcosService -> Deployment seen, p50 (${latencies.length} samples, ${SERVICES} services present) | ${p50.toFixed(0)} ms | <= ${GOALS.p50} ms | ${(p50 / GOALS.p50).toFixed(2)} |`);
      rows.push(`| (b) create DcosService -> Deployment seen, p99 | ${p99.toFixed(0)} ms | <= ${GOALS.p99} ms | ${(p99 / GOALS.p99).toFixed(2)} |`);
      rows.push(`| (b) max | ${latencies.at(-1)!.toFixed(0)} ms | | |`);
    }
    if (measured) {
      const { before, after, running } = measured;
      const perServiceRss = (after.rss - before.rss) / SERVICES;
      rows.push(`| (c) operator RSS, before (${WARMUP} warm-up services) -> with ${SERVICES} more services and ${running} running pods cached | ${mib(before.rss)} -> ${mib(after.rss)} | | |`);
      // No per-service heap figure: without a forced full GC in the operator (a production process
      // offers none) "heap used" holds whatever garbage the last GC left, and the difference came out
      // negative as often as not.
      rows.push(`| (c) operator heap used (smallest of 5 samples; garbage included), before -> after | ${mib(before.heap)} -> ${mib(after.heap)} | | |`);
      rows.push(`| (c) RSS per service (DcosService + Deployment + Service + pod cached, status written) | ${(perServiceRss / 1024).toFixed(1)} KiB | | |`);
    }
    console.log('| figure | value | goal | ratio to goal |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
    for (const n of notes) console.log(`note: ${n}`);
  } finally {
    await endPhase();
    await clusterDown({ purge: true });
    for (const [key, value] of [['DCOS_CLUSTER_DIR', saved.dir], ['DCOS_CLUSTER_PORT_BASE', saved.port], ['DCOS_CLUSTER_NODES', saved.nodes]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

if (import.meta.main) await run();
