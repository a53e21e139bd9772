/**
 * The accounting fold in process: how fast pod watch events fold into the ledger, whether the
 * per-event cost stays flat as the pod count grows, and how many bytes the ledger keeps per pod.
 *
 *   node --expose-gc bench/accounting-fold.ts
 *
 * Pods come from JSON.parse (so their strings are separate, as a watch delivers them) and are
 * edited between events; JSON parsing of watch frames is the client's work and is not timed here.
 */
import { AllocationLedger } from '../src/accounting/allocation-ledger.ts';
import { toClusterStatus } from '../src/accounting/cluster-status.ts';
import type { NodeLike, PodLike, WatchEventType } from '../src/accounting/kube-shapes.ts';

const NODES = 5_000;
const FOLD_EVENTS = 1_000_000;
const SCALE_EVENTS = 300_000;
const SCALES = [1_000, 10_000, 100_000];
const MEMORY_PODS = 100_000;
const TRIALS = 3;
const START_MS = Date.parse('2025-06-01T00:00:00Z');

/** A pod the bench edits between events; the ledger reads it as a PodLike. */
interface BenchPod {
  metadata: { name: string; namespace: string; uid: string };
  spec: { nodeName?: string; restartPolicy: string; containers: unknown[]; initContainers?: unknown[] };
  status: { phase: string; containerStatuses: Array<{ name: string; restartCount: number; state: Record<string, unknown> }> };
}

// The shapes a cluster runs: plain services, services with a sidecar, jobs with an init
// container, GPU workers, batch pods with fractional figures.
const SHAPES = [
  {
    containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } }],
  },
  {
    initContainers: [{ name: 'proxy', image: 'envoy:1.31', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
    containers: [{ name: 'app', image: 'api:2.4', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } } }],
  },
  {
    initContainers: [{ name: 'migrate', image: 'api:2.4', resources: { requests: { cpu: '1', memory: '256Mi' } } }],
    containers: [{ name: 'job', image: 'job:1', resources: { requests: { cpu: '200m', memory: '256Mi', 'ephemeral-storage': '1Gi' } } }],
  },
  {
    containers: [{ name: 'worker', image: 'cuda:12', resources: { requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } }],
  },
  {
    containers: [
      { name: 'batch', image: 'spark:3', resources: { requests: { cpu: '0.5', memory: '1.5Gi' } } },
      { name: 'logs', image: 'fluent-bit:3', resources: { requests: { cpu: '50m', memory: '64Mi' } } },
    ],
  },
];

/** xorshift32: repeatable runs without Math.random's cost or variance. */
function prng(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

function makeNode(index: number): NodeLike {
  return {
    metadata: { name: `node-${index}` },
    spec: {},
    status: {
      allocatable: { cpu: '31890m', memory: '125Gi', 'ephemeral-storage': '200Gi', pods: '110', ...(index % 10 === 0 ? { 'nvidia.com/gpu': '4' } : {}) },
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}` }],
    },
  };
}

function makePod(slot: number): BenchPod {
  const shape = SHAPES[slot % SHAPES.length];
  const name = `svc-${slot % 977}-${slot.toString(36)}`;
  const pod = {
    metadata: { name, namespace: `team-${slot % 40}`, uid: `00000000-0000-4000-8000-${slot.toString(16).padStart(12, '0')}`, labels: { app: `svc-${slot % 977}` } },
    spec: { restartPolicy: 'Always', ...shape },
    status: { phase: 'Pending', containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
  };
  // Through JSON, so every pod has its own strings, as pods from a watch do.
  return JSON.parse(JSON.stringify(pod)) as BenchPod;
}

interface FoldResult {
  events: number;
  seconds: number;
  livePods: number;
  mix: { added: number; modified: number; deleted: number };
}

/** What fold feeds: the ledger, or the keyed-map floor below. */
interface PodSink {
  applyPod(type: WatchEventType, pod: PodLike, nowMs: number): void;
}

/**
 * The floor any cache keyed by pod uid pays: the same events doing only Map get/set/delete.
 * Its cost rises with size as the ledger's does; that part is memory latency, not the algorithm.
 */
class UidMapOnly implements PodSink {
  private readonly seen = new Map<string, number>();

  applyPod(type: WatchEventType, pod: PodLike): void {
    const key = pod.metadata?.uid ?? '';
    const known = this.seen.get(key);
    if (type === 'DELETED') this.seen.delete(key);
    else if (known === undefined) this.seen.set(key, 1);
  }
}

const PENDING = 0;
const RUNNING = 1;
const SUCCEEDED = 2;
const FAILED = 3;
const PHASE_NAMES = ['Pending', 'Running', 'Succeeded', 'Failed'];
const WIRE_RING = 16;

/**
 * Fold `events` synthetic events over `slots` pod slots: an empty slot gets ADDED, a live one is
 * MODIFIED (bound, started, restarted, finished) or, one time in five, DELETED. The first
 * `untimed` events fill the ledger to its steady state before the clock starts.
 *
 * Each slot's state is a few typed-array cells; every event writes it into one of a few "wire"
 * pods, like the object a watch has just decoded (its strings new, its memory recently touched),
 * so the timing is the ledger's and not the bench walking 100k cold objects.
 */
function fold(ledger: PodSink, slots: number, events: number, seed: number, untimed = 0): FoldResult {
  const random = prng(seed);
  const live = new Uint8Array(slots);
  const generation = new Uint32Array(slots);
  const phase = new Uint8Array(slots);
  const restarts = new Uint16Array(slots);
  const nodeOf = new Int32Array(slots).fill(-1);
  const wires = SHAPES.map((_, shape) => Array.from({ length: WIRE_RING }, () => makePod(shape)));
  // Decimal digits made ahead: number-to-string conversion misses V8's small cache at 100k slots
  // and would be timed as if it were the ledger's. Concatenating still makes each event's strings new.
  const slotDigits = Array.from({ length: slots }, (_, slot) => `${slot}-`);
  const nodeDigits = Array.from({ length: NODES }, (_, node) => String(node));
  const generationDigits = Array.from({ length: 64 }, (_, generation) => String(generation));
  const mix = { added: 0, modified: 0, deleted: 0 };
  let now = START_MS;
  let started = process.hrtime.bigint();
  for (let i = 0; i < untimed + events; i++) {
    if (i === untimed) {
      started = process.hrtime.bigint();
      mix.added = mix.modified = mix.deleted = 0;
    }
    now += 1;
    const slot = Math.floor(random() * slots);
    let type: WatchEventType;
    if (live[slot] === 0) {
      type = 'ADDED';
      live[slot] = 1;
      generation[slot] = (generation[slot] as number) + 1;
      phase[slot] = PENDING;
      restarts[slot] = 0;
      nodeOf[slot] = random() < 0.8 ? Math.floor(random() * NODES) : -1;
      mix.added++;
    } else if (random() < 0.2) {
      type = 'DELETED';
      live[slot] = 0;
      mix.deleted++;
    } else {
      type = 'MODIFIED';
      const roll = random();
      if (nodeOf[slot] === -1) nodeOf[slot] = Math.floor(random() * NODES);
      else if (phase[slot] === PENDING) phase[slot] = RUNNING;
      else if (phase[slot] === RUNNING) {
        if (roll < 0.15) restarts[slot] = (restarts[slot] as number) + 1;
        else if (roll < 0.25) phase[slot] = SUCCEEDED;
        else if (roll < 0.3) phase[slot] = FAILED;
        // Otherwise a status update that changes nothing the ledger keeps (a probe, a condition).
      }
      mix.modified++;
    }
    const pod = (wires[slot % SHAPES.length] as BenchPod[])[i % WIRE_RING] as BenchPod;
    pod.metadata.uid = (slotDigits[slot] as string) + (generationDigits[(generation[slot] as number) & 63] as string);
    const node = nodeOf[slot] as number;
    if (node >= 0) pod.spec.nodeName = 'node-' + (nodeDigits[node] as string);
    else delete pod.spec.nodeName;
    pod.status.phase = PHASE_NAMES[phase[slot] as number] as string;
    (pod.status.containerStatuses[0] as BenchPod['status']['containerStatuses'][number]).restartCount = restarts[slot] as number;
    ledger.applyPod(type, pod as PodLike, now);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let livePods = 0;
  for (const flag of live) livePods += flag;
  return { events, seconds, livePods, mix };
}

function ledgerWithNodes(): AllocationLedger {
  const ledger = new AllocationLedger();
  for (let i = 0; i < NODES; i++) ledger.applyNode('ADDED', makeNode(i));
  return ledger;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Heap bytes a ledger keeps per pod: 100k pods in, heap measured after a full collection. */
function bytesPerPod(): { bytes: number; exact: boolean } {
  const ledger = ledgerWithNodes();
  const template = makePod(1);
  template.status.phase = 'Running';
  const nodeNames = Array.from({ length: NODES }, (_, i) => `node-${i}`);
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < MEMORY_PODS; i++) {
    // A fresh uid string per pod, as each watched pod brings its own.
    template.metadata.uid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    template.spec.nodeName = nodeNames[i % NODES] as string;
    ledger.applyPod('ADDED', template as PodLike, START_MS);
  }
  collect();
  const after = process.memoryUsage().heapUsed;
  if (ledger.podCount !== MEMORY_PODS) throw new Error(`expected ${MEMORY_PODS} pods, ledger has ${ledger.podCount}`);
  return { bytes: (after - before) / MEMORY_PODS, exact: typeof (globalThis as { gc?: unknown }).gc === 'function' };
}

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
}

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function run(): Promise<void> {
  console.log(`accounting fold: ${nf.format(NODES)} nodes, node ${process.version}, ${process.arch}; best and median of ${TRIALS} trials`);

  // Warm the JIT on a small fold so the first measurement is not the compiler's.
  fold(ledgerWithNodes(), 2_000, 200_000, 7);

  // (a) One million events over 5,000 nodes.
  const rates: number[] = [];
  let last: { ledger: AllocationLedger; result: FoldResult } | undefined;
  for (let trial = 0; trial < TRIALS; trial++) {
    const ledger = ledgerWithNodes();
    const result = fold(ledger, 120_000, FOLD_EVENTS, 42);
    rates.push(result.events / result.seconds);
    last = { ledger, result };
  }
  const { ledger: bigLedger, result: big } = last as { ledger: AllocationLedger; result: FoldResult };
  const statusStarted = process.hrtime.bigint();
  const status = toClusterStatus(bigLedger, START_MS + FOLD_EVENTS);
  const statusMicros = Number(process.hrtime.bigint() - statusStarted) / 1e3;
  const rowsStarted = process.hrtime.bigint();
  const nodeRows = bigLedger.nodeAllocations().length;
  const rowsMicros = Number(process.hrtime.bigint() - rowsStarted) / 1e3;
  last = undefined;
  console.log('\n(a) fold of 1,000,000 pod events over 5,000 nodes');
  const wa = [40, 24];
  console.log(row(['events added/modified/deleted', `${nf.format(big.mix.added)}/${nf.format(big.mix.modified)}/${nf.format(big.mix.deleted)}`], wa));
  console.log(row(['pods live at the end', nf.format(big.livePods)], wa));
  console.log(row(['events per second, best (goal >= 200,000)', nf.format(Math.max(...rates))], wa));
  console.log(row(['events per second, median', nf.format(median(rates))], wa));
  console.log(row(['toClusterStatus (µs)', statusMicros.toFixed(0)], wa));
  console.log(row([`nodeAllocations, ${nf.format(nodeRows)} rows (µs)`, rowsMicros.toFixed(0)], wa));
  console.log(row(['status shows', status.resources?.memory.summary ?? ''], wa));

  // (b) The same fold at growing pod counts: per-event cost should stay flat.
  console.log(`\n(b) per-event cost by pod count (${nf.format(SCALE_EVENTS)} events each, timed once the ledger is filled)`);
  const wb = [10, 10, 11, 13, 14, 17, 13];
  console.log(row(['pod slots', 'live pods', 'ns/ev best', 'ns/ev median', 'events/s best', 'uid-map floor ns', 'above floor'], wb));
  const best: number[] = [];
  for (const [index, slots] of SCALES.entries()) {
    const costs: number[] = [];
    let livePods = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const result = fold(ledgerWithNodes(), slots, SCALE_EVENTS, 100 + index, slots * 3);
      costs.push((result.seconds * 1e9) / result.events);
      livePods = result.livePods;
    }
    const fastest = Math.min(...costs);
    best.push(fastest);
    const floor = fold(new UidMapOnly(), slots, SCALE_EVENTS, 100 + index, slots * 3);
    const floorNs = (floor.seconds * 1e9) / floor.events;
    console.log(
      row([nf.format(slots), nf.format(livePods), fastest.toFixed(0), median(costs).toFixed(0), nf.format(1e9 / fastest), floorNs.toFixed(0), (fastest - floorNs).toFixed(0)], wb),
    );
  }
  const [small, middle, large] = best as [number, number, number];
  console.log(`ratio 100k / 1k: ${(large / small).toFixed(2)}; 100k / 10k: ${(large / middle).toFixed(2)} (1.00 is perfectly flat)`);
  console.log('   Each event does O(1) work. The rise from 1k is cache misses once the working set outgrows the CPU');
  console.log('   caches: the floor (this event loop with only a Map keyed by uid) rises too, and the rest is the');
  console.log('   ledger reaching its own per-pod and per-node records at random.');

  // (c) Memory per cached pod.
  const memory = bytesPerPod();
  console.log('\n(c) ledger memory');
  console.log(row([`bytes per cached pod, ${nf.format(MEMORY_PODS)} pods (goal <= 1024)`, memory.bytes.toFixed(0)], wa));
  if (!memory.exact) console.log('   (without --expose-gc the heap is not collected first; the figure is rough)');
}

if (import.meta.main) await run();
