/**
 * The incremental ledger behind DcosCluster status: every pod, node and DcosService watch event
 * adjusts per-node and cluster sums in O(1). Each pod's last contribution is remembered, so an
 * event subtracts the old one and adds the new one; nothing is ever recounted from scratch.
 *
 * Cluster figures cover the nodes that count: known, Ready and schedulable. Their allocatable is
 * the total; the requests of pods bound to them (not Succeeded or Failed) are the allocation, so
 * the percentage never mixes capacity of one set of nodes with use of another. Pods on a cordoned
 * or NotReady node still show in that node's own figures (nodeAllocations).
 */
import { fnv1a32 } from '../fnv1a.ts';
import { ExactSum } from './exact-sum.ts';
import { FailureRateWindow, type FailureRate } from './failure-rate-window.ts';
import type { DcosServiceLike, NodeLike, PodLike, WatchEventType } from './kube-shapes.ts';
import { projectNode } from './node-state.ts';
import { emptyPodRecord, holdsResources, PodFlag, PodPhase, podTransitionTimes, toPodRecord, type PodRecord } from './pod-record.ts';
import type { ResourceAmounts } from './pod-requests.ts';
import { ServicesHealth, UNHEALTHY_NAMES_LIMIT, type ServicesFigures } from './services-health.ts';

/** DC/OS's default window for the task failure rate. */
export const DEFAULT_FAILURE_WINDOW_SECONDS = 3600;

export interface LedgerOptions {
  /** The task failure rate's sliding window, in seconds (DcosCluster spec.taskFailureWindowSeconds). */
  failureWindowSeconds?: number;
  /** Buckets of that window; events leave it up to window/buckets late. */
  failureWindowBuckets?: number;
}

/** One node as the DC/OS Nodes page showed it; served by the operator's HTTP endpoint. */
export interface NodeAllocation {
  host: string;
  /** InternalIP, or "" */
  address: string;
  status: 'Ready' | 'NotReady';
  unschedulable: boolean;
  /** Whether this node's figures are part of the cluster's (Ready and schedulable). */
  counted: boolean;
  /** Pods bound here that are not Succeeded or Failed. */
  tasks: number;
  /** Requests of those pods: milli-cores, bytes, bytes, devices. */
  used: ResourceAmounts;
  allocatable: ResourceAmounts;
  /** Limits of those pods (cpu milli-cores, memory bytes), as `kubectl describe node` adds them. */
  limits: { cpu: number; memory: number };
}

export interface NodeTally {
  total: number;
  ready: number;
  notReady: number;
  unschedulable: number;
}

/** Pods by phase; pods in phase Unknown (their node stopped reporting) are in none of these. */
export interface TaskTally {
  /** Pods Running. */
  running: number;
  /** Pods Pending: not yet scheduled, or pulling images and starting. */
  staging: number;
  /** Pods Failed that still exist. */
  failed: number;
  /** Pods Succeeded that still exist. */
  finished: number;
}

/** Every figure DcosCluster status and the Prometheus gauges show, unrounded. */
export interface AccountingFigures {
  allocated: ResourceAmounts;
  total: ResourceAmounts;
  nodes: NodeTally;
  tasks: TaskTally;
  failureRate: FailureRate;
  services: ServicesFigures;
}

const F_USED_CPU = 0;
const F_USED_MEMORY = 1;
const F_USED_DISK = 2;
const F_USED_GPU = 3;
const F_LIMIT_CPU = 4;
const F_LIMIT_MEMORY = 5;
const F_ALLOC_CPU = 6;
const F_ALLOC_MEMORY = 7;
const F_ALLOC_DISK = 8;
const F_ALLOC_GPU = 9;

class NodeEntry {
  readonly name: string;
  /** A Node object exists; false for a placeholder that holds pods bound to a node not (or no longer) seen. */
  known = false;
  ready = false;
  unschedulable = false;
  counted = false;
  address = '';
  /**
   * Requests and limits of its pods, and its allocatable, indexed by the F_* constants. One typed
   * array rather than ten fields: V8 boxes each double field separately, and every event on the
   * node touches all of them.
   */
  readonly figures = new Float64Array(10);
  pods = 0;
  /** Its index in the ledger's nodesById, which pod slots hold. */
  readonly id: number;

  constructor(name: string, id: number) {
    this.name = name;
    this.id = id;
  }
}

const P_CPU = 0;
const P_MEMORY = 1;
const P_DISK = 2;
const P_GPU = 3;
const P_LIMIT_CPU = 4;
const P_LIMIT_MEMORY = 5;
const P_FIGURES = 6;
const NO_NODE = -1;

/**
 * What the ledger keeps per pod (its last contribution, phase, restarts, flags and the node it holds
 * resources on), in columns indexed by a slot number: no object and no boxed number per pod. As
 * objects, 150,000 pods were 15 MiB of entries and 14 MiB of heap numbers (a request in milli-cores
 * or bytes is a double once any pod's is fractional, and V8 boxes double fields one by one).
 */
class PodSlots {
  figures = new Float64Array(0);
  /** Container restarts, summed: Kubernetes counts each in an int32. */
  restarts = new Uint32Array(0);
  phase = new Uint8Array(0);
  flags = new Uint8Array(0);
  /** Id of the NodeEntry the pod's requests are added to; NO_NODE while it holds none. */
  node = new Int32Array(0);
  /** A hash of the pod's uid: tells a pod from another created under the same name since. */
  uid = new Int32Array(0);
  private readonly free: number[] = [];
  private used = 0;

  allocate(): number {
    const slot = this.free.pop() ?? this.used++;
    // Half again, not twice: at 150,000 pods the columns' slack was 112,000 slots (7 MiB).
    if (slot >= this.phase.length) this.grow(Math.max(1024, Math.ceil(this.phase.length * 1.5)));
    this.node[slot] = NO_NODE;
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  private grow(capacity: number): void {
    this.figures = widened(this.figures, capacity * P_FIGURES);
    this.restarts = widened(this.restarts, capacity);
    this.phase = widened(this.phase, capacity);
    this.flags = widened(this.flags, capacity);
    this.node = widened(this.node, capacity);
    this.uid = widened(this.uid, capacity);
  }

  assign(slot: number, record: PodRecord): void {
    const at = slot * P_FIGURES;
    const f = this.figures;
    f[at + P_CPU] = record.cpu;
    f[at + P_MEMORY] = record.memory;
    f[at + P_DISK] = record.disk;
    f[at + P_GPU] = record.gpu;
    f[at + P_LIMIT_CPU] = record.cpuLimit;
    f[at + P_LIMIT_MEMORY] = record.memoryLimit;
    this.phase[slot] = record.phase;
    this.restarts[slot] = record.restarts;
    this.flags[slot] = record.flags;
  }
}

const COUNTED = PodFlag.CountedSuccessful | PodFlag.CountedFailed;

class ResourceSums {
  readonly cpu = new ExactSum();
  readonly memory = new ExactSum();
  readonly disk = new ExactSum();
  readonly gpu = new ExactSum();

  amounts(): ResourceAmounts {
    return { cpu: this.cpu.value(), memory: this.memory.value(), disk: this.disk.value(), gpu: this.gpu.value() };
  }
}

/** FNV-1a of a uid; 0 for none (a pod the cache kept without it, as every pod no DcosService owns). */
function uidHash(uid: string | undefined): number {
  return uid ? fnv1a32(uid) | 1 : 0;
}

export class AllocationLedger {
  /**
   * Namespace -> pod name -> its slot in podSlots. Keyed by name, not uid: the names are the very
   * strings the pod cache holds, where 150,000 uids were 8 MiB of strings of the ledger's own. A pod
   * replaced under the same name (a StatefulSet's) is told apart by the slot's uid hash.
   */
  private readonly pods = new Map<string, Map<string, number>>();
  private podTotal = 0;
  private readonly slots = new PodSlots();
  /** NodeEntry by id (the pod slots refer to nodes by id); undefined for ids of nodes forgotten. */
  private readonly nodesById: Array<NodeEntry | undefined> = [];
  private readonly freeNodeIds: number[] = [];
  /** Each event's projection is written here; only the figures are copied into the pod's slot. */
  private readonly incoming = emptyPodRecord();
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly allocated = new ResourceSums();
  private readonly total = new ResourceSums();
  private readonly nodeTally: NodeTally = { total: 0, ready: 0, notReady: 0, unschedulable: 0 };
  /** Pods by PodPhase code. */
  private readonly phases = [0, 0, 0, 0, 0];
  private failures: FailureRateWindow;
  private readonly failureBuckets: number;
  private readonly services = new ServicesHealth();

  constructor(options: LedgerOptions = {}) {
    this.failureBuckets = options.failureWindowBuckets ?? 60;
    this.failures = new FailureRateWindow(options.failureWindowSeconds ?? DEFAULT_FAILURE_WINDOW_SECONDS, this.failureBuckets);
  }

  get failureWindowSeconds(): number {
    return this.failures.windowSeconds;
  }

  /** A new window starts empty: the buckets of the old one do not map onto it. */
  setFailureWindowSeconds(seconds: number): void {
    if (seconds === this.failures.windowSeconds) return;
    this.failures = new FailureRateWindow(seconds, this.failureBuckets);
  }

  /** Pods remembered (every phase). */
  get podCount(): number {
    return this.podTotal;
  }

  /**
   * Fold one pod watch event in. A relist may replay ADDED for pods already known; they count once.
   * Throws QuantityError for a quantity the API server would have rejected, before changing anything.
   */
  applyPod(type: WatchEventType, pod: PodLike, nowMs: number): void {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const uid = uidHash(pod.metadata?.uid);
    let slot = this.pods.get(namespace)?.get(name);
    // Another pod than the one held under this name: a DELETED of an older one changes nothing; any
    // other event means the held pod is gone (deleted and recreated while the watch was away).
    const held = slot === undefined ? 0 : this.slots.uid[slot]!;
    const replaced = uid !== 0 && held !== 0 && held !== uid;
    if (type === 'DELETED' && (slot === undefined || replaced)) return;
    const next = toPodRecord(pod, this.incoming);
    if (replaced) {
      this.forgetPod(namespace, name, slot!);
      slot = undefined;
    }
    if (slot === undefined) {
      this.countFirstSight(next, pod, nowMs);
      slot = this.slots.allocate();
      let names = this.pods.get(namespace);
      if (names === undefined) this.pods.set(namespace, (names = new Map()));
      names.set(name, slot);
      this.podTotal++;
    } else {
      // The deleted object is the pod's last state too: count an outcome a missed update would have shown.
      next.flags |= this.slots.flags[slot]! & COUNTED;
      this.countChange(slot, next, nowMs);
      this.withdraw(slot);
    }
    if (type === 'DELETED') {
      this.release(namespace, name, slot);
      return;
    }
    if (uid !== 0) this.slots.uid[slot] = uid;
    this.slots.assign(slot, next);
    this.deposit(slot, next);
  }

  /**
   * The end of a relist of pods: those it did not name went while the watch was away (their last
   * event never came), and are forgotten.
   */
  retainListedPods(listed: { has(namespace: string, name: string): boolean }): void {
    for (const [namespace, names] of this.pods) {
      for (const [name, slot] of names) if (!listed.has(namespace, name)) this.forgetPod(namespace, name, slot);
    }
  }

  /** A pod gone without a last event of its own: its contribution is withdrawn, its slot freed. */
  private forgetPod(namespace: string, name: string, slot: number): void {
    this.withdraw(slot);
    this.release(namespace, name, slot);
  }

  private release(namespace: string, name: string, slot: number): void {
    const names = this.pods.get(namespace)!;
    names.delete(name);
    if (names.size === 0) this.pods.delete(namespace);
    this.podTotal--;
    this.slots.uid[slot] = 0;
    this.slots.release(slot);
  }

  /** Fold one node watch event in; throws QuantityError like applyPod, before changing anything. */
  applyNode(type: WatchEventType, node: NodeLike): void {
    const name = node.metadata?.name;
    if (!name) return;
    let entry = this.nodes.get(name);
    if (type === 'DELETED') {
      if (entry === undefined || !entry.known) return;
      this.untally(entry);
      this.setCounted(entry, false);
      entry.known = false;
      entry.ready = false;
      entry.unschedulable = false;
      this.forgetIfEmpty(entry);
      return;
    }
    const state = projectNode(node);
    if (entry === undefined) {
      entry = this.newNode(name);
    } else if (entry.known) {
      this.untally(entry);
    }
    // Take the old allocatable out, then put the new one in: the node may have been resized.
    this.setCounted(entry, false);
    entry.known = true;
    entry.ready = state.ready;
    entry.unschedulable = state.unschedulable;
    entry.address = state.address;
    const figures = entry.figures;
    figures[F_ALLOC_CPU] = state.allocatable.cpu;
    figures[F_ALLOC_MEMORY] = state.allocatable.memory;
    figures[F_ALLOC_DISK] = state.allocatable.disk;
    figures[F_ALLOC_GPU] = state.allocatable.gpu;
    this.tally(entry);
    this.setCounted(entry, entry.ready && !entry.unschedulable);
  }

  applyService(type: WatchEventType, service: DcosServiceLike): void {
    this.services.apply(type, service);
  }

  figures(nowMs: number, unhealthyNamesLimit = UNHEALTHY_NAMES_LIMIT): AccountingFigures {
    const phases = this.phases;
    return {
      allocated: this.allocated.amounts(),
      total: this.total.amounts(),
      nodes: { ...this.nodeTally },
      tasks: {
        running: phases[PodPhase.Running] as number,
        staging: phases[PodPhase.Pending] as number,
        failed: phases[PodPhase.Failed] as number,
        finished: phases[PodPhase.Succeeded] as number,
      },
      failureRate: this.failures.rate(nowMs),
      services: this.services.figures(unhealthyNamesLimit),
    };
  }

  /** Every node with a Node object, sorted by name. */
  nodeAllocations(): NodeAllocation[] {
    const rows: NodeAllocation[] = [];
    for (const entry of this.nodes.values()) if (entry.known) rows.push(allocationOf(entry));
    return rows.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  nodeAllocation(name: string): NodeAllocation | undefined {
    const entry = this.nodes.get(name);
    return entry?.known ? allocationOf(entry) : undefined;
  }

  private countFirstSight(next: PodRecord, pod: PodLike, nowMs: number): void {
    const started = next.phase === PodPhase.Running || next.phase === PodPhase.Succeeded;
    const failed = next.phase === PodPhase.Failed || (next.flags & PodFlag.EndedInFailure) !== 0;
    if (!started && !failed) return;
    // Restarts seen now are a baseline: they may be days old, and their times are not in the pod.
    const times = podTransitionTimes(pod);
    if (started) {
      // A pod found Succeeded finished well when it ended; one found Running, when it started.
      const at = next.phase === PodPhase.Running || Number.isNaN(times.endedAtMs) ? times.startedAtMs : times.endedAtMs;
      this.failures.recordSuccessful(1, Number.isNaN(at) ? nowMs : at, nowMs);
      next.flags |= PodFlag.CountedSuccessful;
    }
    if (failed) {
      this.failures.recordFailed(1, Number.isNaN(times.endedAtMs) ? nowMs : times.endedAtMs, nowMs);
      next.flags |= PodFlag.CountedFailed;
    }
  }

  private countChange(slot: number, next: PodRecord, nowMs: number): void {
    const restarts = this.slots.restarts[slot]!;
    if (next.restarts > restarts) this.failures.recordFailed(next.restarts - restarts, nowMs, nowMs);
    if ((next.flags & PodFlag.CountedFailed) === 0 && (next.phase === PodPhase.Failed || (next.flags & PodFlag.EndedInFailure) !== 0)) {
      this.failures.recordFailed(1, nowMs, nowMs);
      next.flags |= PodFlag.CountedFailed;
    }
    if ((next.flags & PodFlag.CountedSuccessful) === 0 && (next.phase === PodPhase.Running || next.phase === PodPhase.Succeeded)) {
      this.failures.recordSuccessful(1, nowMs, nowMs);
      next.flags |= PodFlag.CountedSuccessful;
    }
  }

  private newNode(name: string): NodeEntry {
    const node = new NodeEntry(name, this.freeNodeIds.pop() ?? this.nodesById.length);
    this.nodesById[node.id] = node;
    this.nodes.set(name, node);
    return node;
  }

  private deposit(slot: number, record: PodRecord): void {
    const phase = this.slots.phase[slot]!;
    this.phases[phase] = (this.phases[phase] as number) + 1;
    if (!holdsResources(record)) {
      this.slots.node[slot] = NO_NODE;
      return;
    }
    // Most events leave the node as it was: skip the lookup then.
    const id = this.slots.node[slot]!;
    let node = id === NO_NODE ? undefined : this.nodesById[id];
    if (node === undefined || node.name !== record.nodeName) {
      node = this.nodes.get(record.nodeName) ?? this.newNode(record.nodeName);
      this.slots.node[slot] = node.id;
    }
    this.move(node, slot, 1);
  }

  private withdraw(slot: number): void {
    const phase = this.slots.phase[slot]!;
    this.phases[phase] = (this.phases[phase] as number) - 1;
    const id = this.slots.node[slot]!;
    if (id === NO_NODE) return;
    const node = this.nodesById[id]!;
    this.move(node, slot, -1);
    if (this.forgetIfEmpty(node)) this.slots.node[slot] = NO_NODE;
  }

  private move(entry: NodeEntry, slot: number, sign: 1 | -1): void {
    const figures = entry.figures;
    const pod = this.slots.figures;
    const at = slot * P_FIGURES;
    const cpu = pod[at + P_CPU]!;
    const memory = pod[at + P_MEMORY]!;
    const disk = pod[at + P_DISK]!;
    const gpu = pod[at + P_GPU]!;
    figures[F_USED_CPU]! += sign * cpu;
    figures[F_USED_MEMORY]! += sign * memory;
    figures[F_USED_DISK]! += sign * disk;
    figures[F_USED_GPU]! += sign * gpu;
    figures[F_LIMIT_CPU]! += sign * pod[at + P_LIMIT_CPU]!;
    figures[F_LIMIT_MEMORY]! += sign * pod[at + P_LIMIT_MEMORY]!;
    entry.pods += sign;
    if (entry.counted) {
      this.allocated.cpu.add(sign * cpu);
      this.allocated.memory.add(sign * memory);
      this.allocated.disk.add(sign * disk);
      this.allocated.gpu.add(sign * gpu);
    }
  }

  /** Move a node's allocatable and its pods' requests into or out of the cluster figures. */
  private setCounted(entry: NodeEntry, counted: boolean): void {
    if (entry.counted === counted) return;
    entry.counted = counted;
    const sign = counted ? 1 : -1;
    const figures = entry.figures;
    this.total.cpu.add(sign * figures[F_ALLOC_CPU]!);
    this.total.memory.add(sign * figures[F_ALLOC_MEMORY]!);
    this.total.disk.add(sign * figures[F_ALLOC_DISK]!);
    this.total.gpu.add(sign * figures[F_ALLOC_GPU]!);
    this.allocated.cpu.add(sign * figures[F_USED_CPU]!);
    this.allocated.memory.add(sign * figures[F_USED_MEMORY]!);
    this.allocated.disk.add(sign * figures[F_USED_DISK]!);
    this.allocated.gpu.add(sign * figures[F_USED_GPU]!);
  }

  private tally(entry: NodeEntry): void {
    this.nodeTally.total++;
    if (entry.ready) this.nodeTally.ready++;
    else this.nodeTally.notReady++;
    if (entry.unschedulable) this.nodeTally.unschedulable++;
  }

  private untally(entry: NodeEntry): void {
    this.nodeTally.total--;
    if (entry.ready) this.nodeTally.ready--;
    else this.nodeTally.notReady--;
    if (entry.unschedulable) this.nodeTally.unschedulable--;
  }

  /** Drops a node with no Node object and no pods; true when it did. */
  private forgetIfEmpty(entry: NodeEntry): boolean {
    if (entry.known || entry.pods !== 0) return false;
    this.nodes.delete(entry.name);
    this.nodesById[entry.id] = undefined;
    this.freeNodeIds.push(entry.id);
    return true;
  }
}

function allocationOf(entry: NodeEntry): NodeAllocation {
  const f = entry.figures;
  return {
    host: entry.name,
    address: entry.address,
    status: entry.ready ? 'Ready' : 'NotReady',
    unschedulable: entry.unschedulable,
    counted: entry.counted,
    tasks: entry.pods,
    used: { cpu: f[F_USED_CPU]!, memory: f[F_USED_MEMORY]!, disk: f[F_USED_DISK]!, gpu: f[F_USED_GPU]! },
    allocatable: { cpu: f[F_ALLOC_CPU]!, memory: f[F_ALLOC_MEMORY]!, disk: f[F_ALLOC_DISK]!, gpu: f[F_ALLOC_GPU]! },
    limits: { cpu: f[F_LIMIT_CPU]!, memory: f[F_LIMIT_MEMORY]! },
  };
}

/** A column of `length` slots holding `column`'s values first (typed arrays cannot grow in place). */
function widened<T extends Float64Array | Uint8Array | Int32Array | Uint32Array>(column: T, length: number): T {
  const wider = new (column.constructor as new (length: number) => T)(length);
  wider.set(column);
  return wider;
}
