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
import { ExactSum } from './exact-sum.ts';
import { FailureRateWindow, type FailureRate } from './failure-rate-window.ts';
import type { DcosServiceLike, NodeLike, PodLike, WatchEventType } from './kube-shapes.ts';
import { projectNode } from './node-state.ts';
import { emptyPodRecord, holdsResources, podKey, PodFlag, PodPhase, podTransitionTimes, toPodRecord, type PodPhaseCode, type PodRecord } from './pod-record.ts';
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
  /** Dropped from the ledger's map: a pod still pointing here must look its node up again. */
  detached = false;

  constructor(name: string) {
    this.name = name;
  }
}

/** What the ledger keeps per pod: its last contribution, and the node it holds resources on. */
class PodEntry {
  /** The node this pod's requests are added to; null while it holds none (unbound, finished). */
  node: NodeEntry | null = null;
  phase: PodPhaseCode = PodPhase.Pending;
  cpu = 0;
  memory = 0;
  disk = 0;
  gpu = 0;
  cpuLimit = 0;
  memoryLimit = 0;
  restarts = 0;
  flags = 0;

  assign(record: PodRecord): void {
    this.phase = record.phase;
    this.cpu = record.cpu;
    this.memory = record.memory;
    this.disk = record.disk;
    this.gpu = record.gpu;
    this.cpuLimit = record.cpuLimit;
    this.memoryLimit = record.memoryLimit;
    this.restarts = record.restarts;
    this.flags = record.flags;
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

export class AllocationLedger {
  private readonly pods = new Map<string, PodEntry>();
  /** Each event's projection is written here; only the figures are copied into the PodEntry. */
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
    return this.pods.size;
  }

  /**
   * Fold one pod watch event in. A relist may replay ADDED for pods already known; they count once.
   * Throws QuantityError for a quantity the API server would have rejected, before changing anything.
   */
  applyPod(type: WatchEventType, pod: PodLike, nowMs: number): void {
    const key = podKey(pod);
    let entry = this.pods.get(key);
    if (type === 'DELETED' && entry === undefined) return;
    const next = toPodRecord(pod, this.incoming);
    if (entry === undefined) {
      this.countFirstSight(next, pod, nowMs);
      entry = new PodEntry();
      this.pods.set(key, entry);
    } else {
      // The deleted object is the pod's last state too: count an outcome a missed update would have shown.
      next.flags |= entry.flags & COUNTED;
      this.countChange(entry, next, nowMs);
      this.withdraw(entry);
    }
    if (type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    entry.assign(next);
    this.deposit(entry, next);
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
      entry = new NodeEntry(name);
      this.nodes.set(name, entry);
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

  private countChange(previous: PodEntry, next: PodRecord, nowMs: number): void {
    if (next.restarts > previous.restarts) this.failures.recordFailed(next.restarts - previous.restarts, nowMs, nowMs);
    if ((next.flags & PodFlag.CountedFailed) === 0 && (next.phase === PodPhase.Failed || (next.flags & PodFlag.EndedInFailure) !== 0)) {
      this.failures.recordFailed(1, nowMs, nowMs);
      next.flags |= PodFlag.CountedFailed;
    }
    if ((next.flags & PodFlag.CountedSuccessful) === 0 && (next.phase === PodPhase.Running || next.phase === PodPhase.Succeeded)) {
      this.failures.recordSuccessful(1, nowMs, nowMs);
      next.flags |= PodFlag.CountedSuccessful;
    }
  }

  private deposit(entry: PodEntry, record: PodRecord): void {
    this.phases[entry.phase] = (this.phases[entry.phase] as number) + 1;
    if (!holdsResources(record)) {
      entry.node = null;
      return;
    }
    // Most events leave the node as it was: skip the lookup then.
    let node = entry.node;
    if (node === null || node.detached || node.name !== record.nodeName) {
      node = this.nodes.get(record.nodeName) ?? null;
      if (node === null) {
        node = new NodeEntry(record.nodeName);
        this.nodes.set(node.name, node);
      }
      entry.node = node;
    }
    this.move(node, entry, 1);
  }

  private withdraw(entry: PodEntry): void {
    this.phases[entry.phase] = (this.phases[entry.phase] as number) - 1;
    const node = entry.node;
    if (node === null) return;
    this.move(node, entry, -1);
    this.forgetIfEmpty(node);
  }

  private move(entry: NodeEntry, record: PodEntry, sign: 1 | -1): void {
    const figures = entry.figures;
    figures[F_USED_CPU]! += sign * record.cpu;
    figures[F_USED_MEMORY]! += sign * record.memory;
    figures[F_USED_DISK]! += sign * record.disk;
    figures[F_USED_GPU]! += sign * record.gpu;
    figures[F_LIMIT_CPU]! += sign * record.cpuLimit;
    figures[F_LIMIT_MEMORY]! += sign * record.memoryLimit;
    entry.pods += sign;
    if (entry.counted) {
      this.allocated.cpu.add(sign * record.cpu);
      this.allocated.memory.add(sign * record.memory);
      this.allocated.disk.add(sign * record.disk);
      this.allocated.gpu.add(sign * record.gpu);
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

  private forgetIfEmpty(entry: NodeEntry): void {
    if (entry.known || entry.pods !== 0) return;
    this.nodes.delete(entry.name);
    entry.detached = true;
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
