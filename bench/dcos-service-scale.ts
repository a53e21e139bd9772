// npm run bench (or alone: node bench/dcos-service-scale.ts): DcosServices at scale on a real local
// control plane of its own (issue 3, "npm run bench" a, b, c).
//   (a) BENCH_SERVICES (1000) small DcosServices: the time until all their Deployments and Services
//       exist (seen by watches), against the time a bare client takes to create the same Deployments
//       and Services (translateService's output) at the same concurrency, in the same run. Goal:
//       operator / bare <= 1.2. Two ways:
//       live: created by a client at BENCH_CONCURRENCY (32) while the operator runs, timed from the
//         first create: the client's own creates of the DcosServices are in the time.
//       restart: created while the operator is down, timed from starting it (process start, CRDs,
//         cache sync included), with the live phase's services settled beside them: the operator's
//         own work against the bare client's, object for object.
//       The bare client writes the objects both by POST and by server-side apply (as the operator
//       must, to own their fields), before the operator's phases and again after them (POST, apply
//       ... apply, POST), and the ratios divide by the mean of each: every write costs the
//       apiserver more as the cluster fills (a Service's IP allocation counts every allocated IP:
//       measured 3.0 -> 4.7 ms of apiserver CPU per write over 3,000 pairs), so a divisor from one
//       side only would favour one of them. apply / POST is the apiserver's own cost of apply.
//   (b) create one DcosService -> its Deployment seen by a watch, BENCH_SAMPLES (100) times one
//       after the other: p50 and p99 (goals 50 ms and 250 ms).
//   (c) the operator's RSS and heap before (with 20 warm-up services) and with all of them and their
//       pods (Running on kwok nodes) cached: per-service figures.
// Each phase stops at BENCH_PHASE_TIMEOUT_S (600) and the table says how far it got.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { describeLoad, loadSnapshot } from './phase-load.ts';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PHASE_TIMEOUT_MS = Number(process.env.BENCH_PHASE_TIMEOUT_S ?? 600) * 1000;
const CLUSTER_DIR = process.env.BENCH_SERVICES_CLUSTER_DIR ?? '/tmp/dcos-bench-services';
const PORT_BASE = Number(process.env.BENCH_SERVICES_PORT_BASE ?? 33400);
/** kwok nodes take 110 pods each: room for the operator's pods, the bare client's and the samples'. */
const NODES = Number(process.env.BENCH_SERVICES_NODES ?? Math.ceil((6 * SERVICES + SAMPLES + 40) / 100) + 1);

const NS = 'bench-services';
const RESTART_NS = 'bench-restart';
const BARE_NS = 'bench-bare';
const BARE_AFTER_NS = 'bench-bare-after';
const BARE_WARMUP_NS = 'bench-bare-warmup';
const BARE_APPLY_NS = 'bench-bare-apply';
const BARE_APPLY_AFTER_NS = 'bench-bare-apply-after';
const OPERATOR_NS = 'bench-operator';
const WARMUP_NS = 'bench-warmup';
/** Services the operator handles before the "before" memory figure, so JIT and first-use allocations are not counted per service. */
const WARMUP = 20;
const GOALS = { ratio: 1.2, p50: 50, p99: 250 };

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

async function operatorMemory(port: number, pid: number): Promise<{ heap: number; rss: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const heap = Number(/^dcos_operator_nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  return { heap, rss };
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

/**
 * Until every Deployment in the cluster has its pods ready: kube-controller-manager creates pods at
 * its own pace (20 requests/s), so a backlog left by one phase would load the apiserver during the
 * next one. Each timed phase starts on a quiet cluster, or they would be timed against each other's
 * leftovers (measured: the second of two back-to-back bare runs was slower, whichever went first).
 */
async function untilQuiet(client: Client, deadline: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const list = await client.list<Obj & { spec?: { replicas?: number }; status?: { readyReplicas?: number } }>('apps/v1', 'Deployment');
    const pending = list.items.filter((d) => (d.status?.readyReplicas ?? 0) < (d.spec?.replicas ?? 1)).length;
    if (pending === 0 || performance.now() > deadline) return performance.now() - started;
    await sleep(2000);
  }
}

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

  console.log(`\n== DcosServices at scale on the local control plane: ${SERVICES} services, client concurrency ${CONCURRENCY}, ${NODES} kwok nodes ==`);
  let operator: ChildProcess | undefined;
  const watches: Sightings[] = [];
  const rows: string[] = [];
  const notes: string[] = [];
  try {
    const t0 = performance.now();
    const report = await clusterUp(() => undefined);
    console.log(`cluster up in ${seconds(performance.now() - t0)} (${report.nodes} nodes Ready)`);
    const client = KubeClient.fromFile(report.kubeconfig);
    for (const ns of [NS, RESTART_NS, BARE_NS, BARE_AFTER_NS, BARE_WARMUP_NS, BARE_APPLY_NS, BARE_APPLY_AFTER_NS, OPERATOR_NS, WARMUP_NS]) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as Obj).catch(() => undefined);

    const names = Array.from({ length: SERVICES }, (_, i) => `app-${i}`);
    const pidsDir = join(CLUSTER_DIR, 'pids');
    const loadBefore = () => loadSnapshot(client, pidsDir, { operator: operator?.pid, 'bench client': process.pid });
    const printLoad = async (label: string, before: Awaited<ReturnType<typeof loadBefore>>, elapsedMs: number) => {
      for (const line of describeLoad(before, await loadBefore(), elapsedMs)) console.log(`    ${label} ${line}`);
    };
    // (a) the bare client: the same Deployments and Services, translateService's output, written
    // directly: by POST (create), then by server-side apply as the operator writes them, so the
    // share of the gap that is the apiserver's cost of apply shows beside the operator's own.
    const defaultImage = defaultOperatorConfig().defaultImage;
    const bareObjects = (namespace: string): Obj[][] =>
      names.map((name, i) => {
        const t = translateService({ ...dcosService(name, namespace), metadata: { name, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } }, { defaultImage });
        if (!t.ok || !t.service) throw new Error(`${name} did not translate to a Deployment and a Service: ${JSON.stringify(t)}`);
        // No owner: the DcosService does not exist here, and the garbage collector would delete orphans of a missing owner.
        const strip = (o: { metadata: object }) => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined } }) as unknown as Obj;
        return [strip(t.deployment), strip(t.service)];
      });
    const bareRun = async (namespace: string, write: (o: Obj) => Promise<unknown>, label: string): Promise<number> => {
      const objects = bareObjects(namespace);
      if (namespace === BARE_NS) {
        // A cluster just started: the apiserver's first writes of each kind are slower, as the operator's warm-up services are for it.
        const warm = bareObjects(BARE_WARMUP_NS).slice(0, WARMUP);
        await inParallel(WARMUP, 8, async (i) => {
          for (const o of warm[i]!) await write(o);
        });
      }
      const waited = await untilQuiet(client, performance.now() + PHASE_TIMEOUT_MS);
      await sleep(3000);
      console.log(`(a) cluster quiet after ${seconds(waited)} (every Deployment's pods ready)`);
      const load = await loadBefore();
      const tb = performance.now();
      const deadline = tb + PHASE_TIMEOUT_MS;
      let written = 0;
      await inParallel(SERVICES, CONCURRENCY, async (i) => {
        if (performance.now() > deadline) return;
        // Deployment then Service, as the operator applies them.
        for (const o of objects[i]!) await write(o);
        written++;
      });
      const ms = performance.now() - tb;
      await printLoad('bare', load, ms);
      if (written < SERVICES) notes.push(`(a) bare client (${label}) stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit after ${written} Deployment+Service pairs`);
      console.log(`(a) bare client: ${written} Deployments + ${written} Services ${label} in ${seconds(ms)}`);
      return ms;
    };
    const bareBeforeMs = await bareRun(BARE_NS, (o) => client.create(o), 'created (before the operator)');
    const bareApplyBeforeMs = await bareRun(BARE_APPLY_NS, (o) => client.apply(o), 'server-side applied (before the operator)');
    // Its pods first: kube-controller-manager would otherwise still be creating them while the operator warms up.
    await untilQuiet(client, performance.now() + PHASE_TIMEOUT_MS);

    const metricsPort = PORT_BASE + 90;
    const startOperator = () => {
      const child = spawn(process.execPath, [...OPERATOR_NODE_FLAGS, 'src/main.ts', '--kubeconfig', report.kubeconfig, '--webhooks', 'off', '--no-leader-elect', '--metrics-port', String(metricsPort), '--namespace', OPERATOR_NS, '--default-repository', '', '--log-level', 'warn'], {
        cwd: new URL('..', import.meta.url).pathname,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const gone = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the operator exited (${code})`))));
      gone.catch(() => undefined);
      return { child, gone };
    };
    let exited: Promise<never>;
    ({ child: operator, gone: exited } = startOperator());
    // The operator installs the CRDs and, once its caches are synced, creates DcosCluster default.
    for (let i = 0; ; i++) {
      const c = await client.getOrUndefined<Obj>('dcos.dev/v1alpha1', 'DcosCluster', 'default').catch(() => undefined);
      if (c) break;
      if (i > 600 || operator.exitCode !== null) throw new Error('the operator did not publish DcosCluster default within 120 s');
      await sleep(200);
    }
    // A few services first (left in place), so the baseline has the code paths warm.
    await inParallel(WARMUP, 8, (i) => client.create(dcosService(`warmup-${i}`, WARMUP_NS)));
    for (let i = 0; ; i++) {
      const list = await client.list<Obj & { status?: { tasksRunning?: number } }>('dcos.dev/v1alpha1', 'DcosService', { namespace: WARMUP_NS });
      if (list.items.filter((s) => (s.status?.tasksRunning ?? 0) >= 1).length >= WARMUP) break;
      if (i > 120) throw new Error(`the ${WARMUP} warm-up services did not run within 60 s`);
      await sleep(500);
    }

    // (a) through the operator.
    const deployments = new Sightings(client, 'apps/v1', 'Deployment', 'deployments', NS);
    const services = new Sightings(client, 'v1', 'Service', 'services', NS);
    watches.push(deployments, services);
    await Promise.all([deployments.start(), services.start()]);
    const quietA = await untilQuiet(client, performance.now() + PHASE_TIMEOUT_MS);
    await sleep(3000);
    console.log(`(a) cluster quiet after ${seconds(quietA)} (every Deployment's pods ready)`);
    // With the bare client's first objects and their pods cached too: the per-service figures are differences.
    const before = await settledMemory(metricsPort, operator.pid!);
    const loadA = await loadBefore();
    const ta = performance.now();
    const deadlineA = ta + PHASE_TIMEOUT_MS;
    let createdA = 0;
    const creating = inParallel(SERVICES, CONCURRENCY, async (i) => {
      if (performance.now() > deadlineA) return;
      await client.create(dcosService(names[i]!, NS));
      createdA++;
    });
    await creating;
    const createMs = performance.now() - ta;
    const all = () => deployments.seen.size >= SERVICES && services.seen.size >= SERVICES;
    let operatorMs: number | undefined;
    try {
      await Promise.race([Promise.all([deployments.until(all, deadlineA), services.until(all, deadlineA)]), exited]);
      operatorMs = Math.max(...names.map((n) => Math.max(deployments.seen.get(n)!, services.seen.get(n)!))) - ta;
      await printLoad('live', loadA, performance.now() - ta);
    } catch (err) {
      if (!(err instanceof PhaseTimeout)) throw err;
      notes.push(`(a) stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit: ${createdA} DcosServices created, ${deployments.seen.size} Deployments and ${services.seen.size} Services seen`);
    }
    console.log(`(a) operator: ${createdA} DcosServices created in ${seconds(createMs)}; all Deployments and Services seen ${operatorMs !== undefined ? `after ${seconds(operatorMs)}` : 'NOT in time'}`);

    // (c) with every service's pod Running and cached (status written), then (b) on top.
    const running = await untilAllRunning(client, SERVICES, performance.now() + PHASE_TIMEOUT_MS);
    if (running < SERVICES) notes.push(`(c) only ${running} of ${SERVICES} DcosServices showed their task running within ${PHASE_TIMEOUT_MS / 1000} s`);
    await sleep(3000);
    const after = await settledMemory(metricsPort, operator.pid!);

    // (b) one at a time: create -> the Deployment on the watch.
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

    // (a) restart: DcosServices created while the operator is down, then the operator started.
    await stopProcess(operator);
    operator = undefined;
    const restartDeployments = new Sightings(client, 'apps/v1', 'Deployment', 'deployments', RESTART_NS);
    const restartServices = new Sightings(client, 'v1', 'Service', 'services', RESTART_NS);
    watches.push(restartDeployments, restartServices);
    await Promise.all([restartDeployments.start(), restartServices.start()]);
    await inParallel(SERVICES, CONCURRENCY, (i) => client.create(dcosService(names[i]!, RESTART_NS)));
    await untilQuiet(client, performance.now() + PHASE_TIMEOUT_MS);
    await sleep(3000);
    const settled = (await client.list<Obj>('dcos.dev/v1alpha1', 'DcosService')).items.length - SERVICES;
    const loadR = await loadBefore();
    const tr = performance.now();
    ({ child: operator, gone: exited } = startOperator());
    const allRestart = () => restartDeployments.seen.size >= SERVICES && restartServices.seen.size >= SERVICES;
    let restartMs: number | undefined;
    try {
      await Promise.race([Promise.all([restartDeployments.until(allRestart, tr + PHASE_TIMEOUT_MS), restartServices.until(allRestart, tr + PHASE_TIMEOUT_MS)]), exited]);
      restartMs = Math.max(...names.map((n) => Math.max(restartDeployments.seen.get(n)!, restartServices.seen.get(n)!))) - tr;
      await printLoad('restart', loadR, performance.now() - tr);
    } catch (err) {
      if (!(err instanceof PhaseTimeout)) throw err;
      notes.push(`(a) restart stopped at the ${PHASE_TIMEOUT_MS / 1000} s limit: ${restartDeployments.seen.size} Deployments and ${restartServices.seen.size} Services seen`);
    }
    const firstRestart = Math.min(...restartDeployments.seen.values()) - tr;
    console.log(`(a) restart: operator started with ${SERVICES} DcosServices waiting and ${settled} settled; first Deployment seen after ${seconds(firstRestart)}, all their Deployments and Services ${restartMs !== undefined ? `after ${seconds(restartMs)}` : 'NOT in time'}`);

    // The operator goes before the bare client runs, so it neither competes for the CPU nor caches those objects.
    await stopProcess(operator);
    operator = undefined;
    await sleep(3000);

    const bareApplyAfterMs = await bareRun(BARE_APPLY_AFTER_NS, (o) => client.apply(o), 'server-side applied (after the operator)');
    const bareAfterMs = await bareRun(BARE_AFTER_NS, (o) => client.create(o), 'created (after the operator)');
    const bareMs = (bareBeforeMs + bareAfterMs) / 2;
    const bareApplyMs = (bareApplyBeforeMs + bareApplyAfterMs) / 2;

    latencies.sort((x, y) => x - y);
    const perServiceHeap = (after.heap - before.heap) / SERVICES;
    const perServiceRss = (after.rss - before.rss) / SERVICES;
    rows.push(`| (a) the same ${SERVICES} Deployments + ${SERVICES} Services by a bare client (concurrency ${CONCURRENCY}), POST, before / after the operator's phases | ${seconds(bareBeforeMs)} / ${seconds(bareAfterMs)} | | |`);
    rows.push(`| (a) bare POST, mean of the two | ${seconds(bareMs)} | | |`);
    rows.push(`| (a) the same by a bare client, server-side apply (as the operator writes), before / after | ${seconds(bareApplyBeforeMs)} / ${seconds(bareApplyAfterMs)} | | |`);
    rows.push(`| (a) bare apply, mean of the two | ${seconds(bareApplyMs)} | | |`);
    rows.push(`| (a) bare apply / bare POST (means): the apiserver's own cost of apply | ${(bareApplyMs / bareMs).toFixed(2)} | | |`);
    rows.push(`| (a) live: ${SERVICES} DcosServices created (${seconds(createMs)} of it) -> all Deployments + Services exist | ${operatorMs !== undefined ? seconds(operatorMs) : 'not reached'} | | |`);
    if (operatorMs !== undefined) rows.push(`| (a) live: operator / bare POST | ${(operatorMs / bareMs).toFixed(2)} | <= ${GOALS.ratio} | ${(operatorMs / bareMs / GOALS.ratio).toFixed(2)} |`);
    rows.push(`| (a) restart: operator started with ${SERVICES} DcosServices waiting (${settled} settled) -> all their Deployments + Services exist | ${restartMs !== undefined ? seconds(restartMs) : 'not reached'} | | |`);
    if (restartMs !== undefined) rows.push(`| (a) restart: operator / bare POST | ${(restartMs / bareMs).toFixed(2)} | <= ${GOALS.ratio} | ${(restartMs / bareMs / GOALS.ratio).toFixed(2)} |`);
    if (operatorMs !== undefined) rows.push(`| (a) live: operator / bare apply | ${(operatorMs / bareApplyMs).toFixed(2)} | <= ${GOALS.ratio} | ${(operatorMs / bareApplyMs / GOALS.ratio).toFixed(2)} |`);
    if (restartMs !== undefined) rows.push(`| (a) restart: operator / bare apply | ${(restartMs / bareApplyMs).toFixed(2)} | <= ${GOALS.ratio} | ${(restartMs / bareApplyMs / GOALS.ratio).toFixed(2)} |`);
    if (latencies.length > 0) {
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      rows.push(`| (b) create DcosService -> Deployment seen, p50 (${latencies.length} samples, ${SERVICES} services present) | ${p50.toFixed(0)} ms | <= ${GOALS.p50} ms | ${(p50 / GOALS.p50).toFixed(2)} |`);
      rows.push(`| (b) create DcosService -> Deployment seen, p99 | ${p99.toFixed(0)} ms | <= ${GOALS.p99} ms | ${(p99 / GOALS.p99).toFixed(2)} |`);
      rows.push(`| (b) max | ${latencies.at(-1)!.toFixed(0)} ms | | |`);
    }
    rows.push(`| (c) operator RSS, before (${WARMUP} warm-up services) -> with ${SERVICES} more services and ${running} running pods cached | ${mib(before.rss)} -> ${mib(after.rss)} | | |`);
    rows.push(`| (c) operator heap used, before -> after | ${mib(before.heap)} -> ${mib(after.heap)} | | |`);
    rows.push(`| (c) RSS per service (DcosService + Deployment + Service + pod cached, status written) | ${(perServiceRss / 1024).toFixed(1)} KiB | | |`);
    rows.push(`| (c) heap per service | ${(perServiceHeap / 1024).toFixed(1)} KiB | | |`);
    console.log('| figure | value | goal | ratio to goal |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
    for (const n of notes) console.log(`note: ${n}`);
  } finally {
    for (const w of watches) w.stop();
    if (operator) await stopProcess(operator);
    await clusterDown({ purge: true });
    for (const [key, value] of [['DCOS_CLUSTER_DIR', saved.dir], ['DCOS_CLUSTER_PORT_BASE', saved.port], ['DCOS_CLUSTER_NODES', saved.nodes]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

if (import.meta.main) await run();
