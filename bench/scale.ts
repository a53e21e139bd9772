// npm run bench -- scale (or alone: node bench/scale.ts): the operator at Kubernetes' own envelope
// (issue 17), on a local control plane of its own. Sized by the environment:
//   SCALE_NODES (500) kwok nodes, SCALE_PODS (15000) pods bound directly to them (the scheduler is not
//   what is measured, as in cluster-accounting), SCALE_SERVICES (1000) DcosServices of 1 to 3
//   instances, SCALE_CHURN_SECONDS (60) of churn, SCALE_SAMPLES (50) status-latency samples.
// The DcosServices are created while the operator is down; then the operator starts, and the bench
// times from its start to caches synced (/readyz) and to every status correct (each DcosService
// shows tasksRunning == spec.instances for its current generation). It prints:
//   - operator RSS and heap after sync and after churn (pods created, failed, deleted; services
//     scaled), against deploy/'s 512 MiB limit (goal: at most half);
//   - DcosCluster status after a pod change, p50 / p99 (goal p99 <= 1 s);
//   - time to first byte, size and operator memory of the operator's /api/v1/nodes at full size;
//   - apiserver requests per converged DcosService by verb, for the resources the operator writes,
//     against the floor (one apply each of Deployment and Service and one status write), and the
//     operator's CPU-seconds per 1,000 services converged;
//   - phase-load.ts's CPU and request tables for each phase.
// SCALE_PORT_BASE (30600) places the control plane; SCALE_NODE_ARGS adds Node flags to the operator
// (e.g. "--cpu-prof --heapsnapshot-signal=SIGUSR2"), whose files land in SCALE_PROFILE_DIR
// (/tmp/dcos-scale-profile), with its log (operator.log, info); SCALE_HEAP_SNAPSHOT=1 sends SIGUSR2 after the churn.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { operatorMemory } from './operator-memory.ts';
import { join } from 'node:path';
import { describeLoad, loadSnapshot, type LoadSnapshot } from './phase-load.ts';

const NODES = Number(process.env.SCALE_NODES ?? 500);
const PODS = Number(process.env.SCALE_PODS ?? 15000);
const SERVICES = Number(process.env.SCALE_SERVICES ?? 1000);
const CHURN_SECONDS = Number(process.env.SCALE_CHURN_SECONDS ?? 60);
const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 50);
const PORT_BASE = Number(process.env.SCALE_PORT_BASE ?? 30600);
const CLUSTER_DIR = process.env.SCALE_CLUSTER_DIR ?? '/tmp/dcos-bench-scale';
const PROFILE_DIR = process.env.SCALE_PROFILE_DIR ?? '/tmp/dcos-scale-profile';
const NODE_ARGS = (process.env.SCALE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const OPERATOR_ARGS = (process.env.SCALE_OPERATOR_ARGS ?? '').split(' ').filter(Boolean);
const TIMEOUT_MS = Number(process.env.SCALE_TIMEOUT_S ?? 1200) * 1000;
const CONCURRENCY = 48;
const LIMIT_BYTES = 512 * 2 ** 20;

const PODS_NS = 'scale-pods';
const SVC_NS = 'scale-services';
const OPERATOR_NS = 'scale-operator';

type Obj = import('../src/kube/kube-client.ts').KubeObjectLike;
type Client = import('../src/kube/kube-client.ts').KubeClient;
type Svc = Obj & { spec: { instances?: number }; status?: { tasksRunning?: number; observedGeneration?: number } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const instancesOf = (i: number) => (i % 3) + 1;
const RUNNING = { phase: 'Running', startTime: new Date().toISOString(), conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'pause', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] };

async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  }));
}

function pod(name: string, cpuMilli: number, node: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: PODS_NS, labels: { bench: 'scale' } },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: `${cpuMilli}m`, memory: '16Mi' } } }] },
  } as Obj;
}

function dcosService(i: number): Obj {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name: `app-${i}`, namespace: SVC_NS },
    spec: { cmd: 'sleep 3600', instances: instancesOf(i), cpus: 0.01, mem: 16, portDefinitions: [{ port: 0, name: 'http' }] },
  } as Obj;
}

/** The operator's peak RSS so far (VmHWM): what a memory limit meets, which a settled sample may miss. */
function peakRss(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}


/** Five samples a second apart: the smallest heap (closest to live after a GC), the largest RSS. */
async function settledMemory(port: number, pid: number): Promise<{ heap: number; rss: number }> {
  let heap = Infinity;
  let rss = 0;
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(1000);
    const m = await operatorMemory(port, pid);
    heap = Math.min(heap, m.heap);
    rss = Math.max(rss, m.rss);
  }
  return { heap, rss };
}

/** Polls until every DcosService shows its current spec's instances running; the count correct at the end. */
async function untilAllCorrect(client: Client, deadline: number): Promise<{ ok: boolean; correct: number }> {
  for (;;) {
    let correct = 0;
    let cont: string | undefined;
    do {
      const page = await client.list<Svc>('dcos.dev/v1alpha1', 'DcosService', { namespace: SVC_NS, limit: 2000, continue: cont });
      for (const svc of page.items) {
        if (svc.status?.observedGeneration === svc.metadata.generation && svc.status?.tasksRunning === (svc.spec.instances ?? 1)) correct++;
      }
      cont = page.metadata.continue || undefined;
    } while (cont);
    if (correct >= SERVICES) return { ok: true, correct };
    if (performance.now() > deadline) return { ok: false, correct };
    await sleep(1000);
  }
}

async function clusterCpu(client: Client): Promise<number | undefined> {
  const c = await client.getOrUndefined<Obj & { status?: { resources?: { cpu?: { allocated?: number } } } }>('dcos.dev/v1alpha1', 'DcosCluster', 'default');
  return c?.status?.resources?.cpu?.allocated;
}

/** The resources the operator writes; every other write (pods, replicasets, deployments/status, ...) is the cluster's own. */
const OPERATOR_RESOURCES = ['deployments', 'statefulsets', 'services', 'dcosservices', 'dcosservices/status', 'dcosclusters', 'dcosclusters/status', 'events'];

function requestsPerService(before: LoadSnapshot, after: LoadSnapshot, services: number): string[] {
  const rows: string[] = [];
  let total = 0;
  for (const [kind, b, a] of [['write', before.writes, after.writes], ['read', before.reads, after.reads]] as const) {
    for (const [key, n] of a) {
      const resource = key.slice(key.indexOf(' ') + 1);
      if (!OPERATOR_RESOURCES.includes(resource)) continue;
      const d = n - (b.get(key) ?? 0);
      if (d <= 0) continue;
      if (kind === 'write' && resource !== 'events') total += d;
      rows.push(`| ${kind} ${key} | ${d} | ${(d / services).toFixed(3)} |`);
    }
  }
  rows.push(`| writes to DcosServices and their children (events left out), per service | ${total} | ${(total / services).toFixed(2)} (floor 3: apply Deployment, apply Service, one status write) |`);
  return rows;
}

export async function run(): Promise<void> {
  const saved = { dir: process.env.DCOS_CLUSTER_DIR, port: process.env.DCOS_CLUSTER_PORT_BASE, nodes: process.env.DCOS_CLUSTER_NODES };
  process.env.DCOS_CLUSTER_DIR = CLUSTER_DIR;
  process.env.DCOS_CLUSTER_PORT_BASE = String(PORT_BASE);
  process.env.DCOS_CLUSTER_NODES = String(NODES);
  const { clusterUp, clusterDown } = await import('../src/cluster/local-cluster.ts');
  const { KubeClient } = await import('../src/kube/kube-client.ts');
  const { installCrds } = await import('../src/operator/install-crds.ts');
  const { OPERATOR_NODE_FLAGS } = await import('../src/operator/node-flags.ts');
  const { pino } = await import('pino');

  console.log(`\n== scale: ${NODES} kwok nodes, ${PODS} pods, ${SERVICES} DcosServices (1-3 instances), ${CHURN_SECONDS} s of churn ==`);
  const rows: string[] = [];
  const notes: string[] = [];
  const metricsPort = PORT_BASE + 90;
  const pidsDir = join(CLUSTER_DIR, 'pids');
  let operator: ChildProcess | undefined;
  const root = new URL('..', import.meta.url).pathname;
  try {
    await clusterDown({ purge: true });
    let t = performance.now();
    const report = await clusterUp(() => undefined);
    console.log(`cluster up in ${s(performance.now() - t)} (${report.nodes} nodes Ready)`);
    const client = KubeClient.fromFile(report.kubeconfig);
    for (const ns of [PODS_NS, SVC_NS, OPERATOR_NS]) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as Obj);
    await installCrds(client, pino({ level: 'silent' }));
    const loadNow = () => loadSnapshot(client, pidsDir, { operator: operator?.pid, 'bench client': process.pid });
    const printLoad = async (label: string, before: LoadSnapshot, ms: number) => {
      for (const line of describeLoad(before, await loadNow(), ms)) console.log(`    ${label} ${line}`);
    };

    // The cluster filled while the operator is down.
    t = performance.now();
    // Each pod is also set Running by the bench: kwok's fake kubelets start about 20 pods a second
    // here (its client's rate, not CPU), and a backlog of 15,000 would keep the DcosServices' own
    // pods Pending for many minutes, timing kwok instead of the operator. kwok leaves a Running pod be.
    await inParallel(PODS, CONCURRENCY, async (i) => {
      await client.create(pod(`p-${i}`, 10, `dcos-agent-${(i % NODES) + 1}`));
      await client.patch('v1', 'Pod', `p-${i}`, PODS_NS, { status: RUNNING }, 'merge', 'status');
    });
    console.log(`${PODS} pods created and set Running in ${s(performance.now() - t)}`);
    t = performance.now();
    await inParallel(SERVICES, CONCURRENCY, (i) => client.create(dcosService(i)));
    console.log(`${SERVICES} DcosServices created in ${s(performance.now() - t)}`);
    await sleep(5000);

    // Operator start -> caches synced -> every status correct.
    mkdirSync(PROFILE_DIR, { recursive: true });
    const load0 = await loadNow();
    const t0 = performance.now();
    operator = spawn(process.execPath, [...OPERATOR_NODE_FLAGS, ...NODE_ARGS, join(root, 'src/main.ts'), '--kubeconfig', report.kubeconfig, '--webhooks', 'off', '--no-leader-elect', '--metrics-port', String(metricsPort), '--namespace', OPERATOR_NS, '--default-repository', '', '--log-level', 'info', ...OPERATOR_ARGS], { cwd: PROFILE_DIR, stdio: ['ignore', openSync(join(PROFILE_DIR, 'operator.log'), 'a'), 'inherit'] });
    const pid = operator.pid!;
    let syncedMs: number | undefined;
    // Not /readyz: without leader election it says ready before the caches are. DcosCluster
    // default is created by the first reconcile, which runs once every cache has synced.
    for (;;) {
      if (await client.getOrUndefined<Obj>('dcos.dev/v1alpha1', 'DcosCluster', 'default').catch(() => undefined)) break;
      if (operator.exitCode !== null) throw new Error(`the operator exited (${operator.exitCode})`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error('the operator did not sync its caches in time');
      await sleep(100);
    }
    syncedMs = performance.now() - t0;
    const cpuAtSync = cpuSeconds(pid);
    const memSynced = await operatorMemory(metricsPort, pid);
    console.log(`caches synced ${s(syncedMs)} after the operator started (CPU ${cpuAtSync.toFixed(1)} s, RSS ${mib(memSynced.rss)})`);
    const converged = await untilAllCorrect(client, t0 + TIMEOUT_MS);
    const convergedMs = performance.now() - t0;
    const cpuConverged = cpuSeconds(pid);
    const load1 = await loadNow();
    await printLoad('start->converged', load0, convergedMs);
    console.log(`every status correct ${converged.ok ? s(convergedMs) : `NOT within ${s(TIMEOUT_MS)} (${converged.correct} of ${SERVICES})`} after the operator started`);
    const memAfterSync = await settledMemory(metricsPort, pid);
    const peakAfterSync = peakRss(pid);

    // DcosCluster status after a pod change.
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const before = (await clusterCpu(client)) ?? 0;
      const start = performance.now();
      await client.create(pod(`sample-${i}`, 7, `dcos-agent-${(i % NODES) + 1}`));
      for (;;) {
        const now = await clusterCpu(client);
        if (now !== undefined && now > before + 0.0065) break;
        if (performance.now() - start > 30_000) throw new Error('DcosCluster status did not show a new pod within 30 s');
        await sleep(20);
      }
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);

    // The operator's /api/v1/nodes at full size.
    const rssBeforeApi = (await operatorMemory(metricsPort, pid)).rss;
    const tApi = performance.now();
    const res = await fetch(`http://127.0.0.1:${metricsPort}/api/v1/nodes`);
    const ttfb = performance.now() - tApi;
    const body = await res.arrayBuffer();
    const apiTotal = performance.now() - tApi;
    const rssAfterApi = (await operatorMemory(metricsPort, pid)).rss;

    // Churn: an hour of a busy cluster compressed: pods created, failed, deleted; services scaled.
    const counts = { created: 0, failed: 0, deleted: 0, scaled: 0 };
    const loadC = await loadNow();
    const tc = performance.now();
    let nextPod = 0;
    let nextFail = 0;
    let nextDelete = Math.floor(PODS / 2);
    let round = 0;
    await Promise.all(Array.from({ length: 16 }, async (_, worker) => {
      for (let k = worker; performance.now() - tc < CHURN_SECONDS * 1000; k += 16) {
        switch (k % 4) {
          case 0:
            {
              const name = `churn-${nextPod++}`;
              await client.create(pod(name, 5, `dcos-agent-${(k % NODES) + 1}`));
              await client.patch('v1', 'Pod', name, PODS_NS, { status: RUNNING }, 'merge', 'status');
            }
            counts.created++;
            break;
          case 1: {
            const name = `p-${nextFail++ % PODS}`;
            await client.patch('v1', 'Pod', name, PODS_NS, { status: { phase: 'Failed', reason: 'Error', message: 'bench churn' } }, 'merge', 'status').catch(() => undefined);
            counts.failed++;
            break;
          }
          case 2:
            await client.delete('v1', 'Pod', `p-${nextDelete++ % PODS}`, PODS_NS).catch(() => undefined);
            counts.deleted++;
            break;
          default: {
            const i = (round++ * 7) % SERVICES;
            await client.patch('dcos.dev/v1alpha1', 'DcosService', `app-${i}`, SVC_NS, { spec: { instances: instancesOf(i + round) } });
            counts.scaled++;
          }
        }
      }
    }));
    const churnMs = performance.now() - tc;
    await printLoad('churn', loadC, churnMs);
    console.log(`churn: ${counts.created} pods created, ${counts.failed} failed, ${counts.deleted} deleted, ${counts.scaled} service scalings in ${s(churnMs)}`);
    const tr = performance.now();
    const reconverged = await untilAllCorrect(client, tr + TIMEOUT_MS);
    const reconvergedMs = performance.now() - tr;
    await sleep(3000);
    const memAfterChurn = await settledMemory(metricsPort, pid);
    const peakAfterChurn = peakRss(pid);
    if (process.env.SCALE_HEAP_SNAPSHOT === '1') {
      operator.kill('SIGUSR2');
      await sleep(Math.max(20_000, memAfterChurn.heap / 2 ** 20 * 300));
      console.log(`heap snapshot asked for (SIGUSR2): ${PROFILE_DIR}`);
    }

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    rows.push(`| size | ${NODES} nodes, ${PODS} pods, ${SERVICES} DcosServices (${Array.from({ length: SERVICES }, (_, i) => instancesOf(i)).reduce((a, b) => a + b, 0)} instances) | | |`);
    rows.push(`| operator start -> caches synced | ${s(syncedMs)} | | |`);
    rows.push(`| operator start -> every status correct | ${converged.ok ? s(convergedMs) : `not in ${s(TIMEOUT_MS)}`} | | |`);
    rows.push(`| operator RSS / heap after sync | ${mib(memAfterSync.rss)} / ${mib(memAfterSync.heap)} | <= 256 MiB RSS | ${(memAfterSync.rss / (LIMIT_BYTES / 2)).toFixed(2)} |`);
    rows.push(`| operator RSS / heap after churn (${counts.created} created, ${counts.failed} failed, ${counts.deleted} deleted, ${counts.scaled} scaled in ${s(churnMs)}) | ${mib(memAfterChurn.rss)} / ${mib(memAfterChurn.heap)} | <= 256 MiB RSS | ${(memAfterChurn.rss / (LIMIT_BYTES / 2)).toFixed(2)} |`);
    rows.push(`| operator peak RSS (VmHWM): through sync and convergence; through churn | ${mib(peakAfterSync)}; ${mib(peakAfterChurn)} | <= 256 MiB | ${(peakAfterChurn / (LIMIT_BYTES / 2)).toFixed(2)} |`);
    rows.push(`| churn -> every status correct again | ${reconverged.ok ? s(reconvergedMs) : 'not in time'} | | |`);
    rows.push(`| DcosCluster status after a pod change, p50 (${latencies.length} samples) | ${p50.toFixed(0)} ms | | |`);
    rows.push(`| DcosCluster status after a pod change, p99 | ${p99.toFixed(0)} ms | <= 1000 ms | ${(p99 / 1000).toFixed(2)} |`);
    rows.push(`| operator /api/v1/nodes (${NODES} nodes): time to first byte; whole; size; operator RSS before -> after | ${ttfb.toFixed(0)} ms; ${apiTotal.toFixed(0)} ms; ${(body.byteLength / 1024).toFixed(0)} KiB; ${mib(rssBeforeApi)} -> ${mib(rssAfterApi)} | | |`);
    rows.push(`| operator CPU per 1,000 services converged, from its start (cache sync of every pod included) | ${((cpuConverged / SERVICES) * 1000).toFixed(2)} s | | |`);
    rows.push(`| operator CPU per 1,000 services converged, from caches synced | ${(((cpuConverged - cpuAtSync) / SERVICES) * 1000).toFixed(2)} s | about 2.3 s before | |`);
    console.log('| figure | value | goal | ratio to goal |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(`\napiserver requests from operator start to every status correct, on the resources the operator writes (kcm also writes events):`);
    console.log('| verb resource | requests | per service |');
    console.log('|---|---|---|');
    for (const r of requestsPerService(load0, load1, SERVICES)) console.log(r);
    for (const n of notes) console.log(`note: ${n}`);
  } finally {
    if (operator && operator.exitCode === null) {
      const gone = new Promise((r) => operator!.once('exit', r));
      operator.kill('SIGTERM');
      const timer = setTimeout(() => operator!.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    }
    if (process.env.SCALE_KEEP_CLUSTER !== '1') await clusterDown({ purge: true });
    for (const [key, value] of [['DCOS_CLUSTER_DIR', saved.dir], ['DCOS_CLUSTER_PORT_BASE', saved.port], ['DCOS_CLUSTER_NODES', saved.nodes]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

if (import.meta.main) await run();
