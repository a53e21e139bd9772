/**
 * Effective pod requests and limits, as the scheduler and `kubectl describe node` count them
 * (k8s.io/component-helpers/resource PodRequests / PodLimits):
 *
 *   max( sum(containers) + sum(sidecars),
 *        for each regular init container: its own + the sidecars started before it,
 *        each sidecar: the sidecars up to and including it )
 *   + spec.overhead
 *
 * Pod-level resources (spec.resources) replace the containers' figure for cpu and memory.
 * Overhead adds to a limit only where some container set that limit, as PodLimits does.
 * While a container is resized in place, its request is the larger of spec and what the kubelet
 * reports (only the reported one when the resize is Infeasible), as kubectl describe node counts.
 */
import type { ContainerLike, ContainerStatusLike, PodLike, ResourceList } from './kube-shapes.ts';
import { MAX_FIGURE, nanoToMilli, nanoToUnits, parseQuantityCached, quantityToUnits } from './quantity.ts';

/** The resources DC/OS showed, as exact integers. */
export interface ResourceAmounts {
  /** Milli-cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
  /** Bytes of ephemeral-storage. */
  disk: number;
  /** Whole devices, over every GPU resource name (see isGpuResource). */
  gpu: number;
}

export interface PodResources {
  requests: ResourceAmounts;
  /** Limits of cpu and memory; 0 where no container set one. */
  limits: { cpu: number; memory: number };
}

/**
 * Extended resources counted as GPUs: nvidia.com/gpu, amd.com/gpu and the like, and Intel's
 * gpu.intel.com/* devices. MIG slices (nvidia.com/mig-*) are parts of a GPU and are not added in.
 */
export function isGpuResource(name: string): boolean {
  const slash = name.indexOf('/');
  if (slash < 0) return false;
  return name.endsWith('/gpu') || name.startsWith('gpu.intel.com/');
}

const CPU = 0;
const MEMORY = 1;
const DISK = 2;
const GPU = 3;
const SLOTS = 4;

function slotOf(name: string): number {
  switch (name) {
    case 'cpu':
      return CPU;
    case 'memory':
      return MEMORY;
    case 'ephemeral-storage':
      return DISK;
    default:
      return isGpuResource(name) ? GPU : -1;
  }
}

/**
 * Four running sums, plus which of them some list named (a limit left unset is not a zero limit).
 * Two kinds: plain numbers at the figure's own scale (milli-cores, bytes, devices), exact while
 * every quantity is whole at that scale, which canonical quantities are; and BigInt nano-units,
 * exact always, used for a pod only when the first kind meets a quantity like "500u" or "0.5" bytes.
 */
interface Accumulator {
  present: number;
  clear(): void;
  copyFrom(other: this): void;
  maxWith(other: this): void;
  addList(list: ResourceList | undefined): void;
  /** Add, per resource, the larger of the two lists' quantities. */
  addLarger(spec: ResourceList | undefined, reported: ResourceList): void;
  setFromPodLevel(list: ResourceList | undefined): void;
  addWherePresent(list: ResourceList | undefined): void;
  /** The sum of a slot as a figure: milli-cores for cpu, whole units otherwise, rounded up. */
  final(slot: number): number;
}

class FigureSums implements Accumulator {
  readonly v = new Float64Array(SLOTS);
  present = 0;
  /** Set when a quantity is not whole at its slot's scale: the sums are then not to be trusted. */
  inexact = false;

  clear(): void {
    const v = this.v;
    v[0] = v[1] = v[2] = v[3] = 0;
    this.present = 0;
    this.inexact = false;
  }

  copyFrom(other: FigureSums): void {
    this.v.set(other.v);
    this.present = other.present;
    this.inexact = other.inexact;
  }

  maxWith(other: FigureSums): void {
    for (let i = 0; i < SLOTS; i++) if ((other.v[i] as number) > (this.v[i] as number)) this.v[i] = other.v[i] as number;
    this.present |= other.present;
    this.inexact ||= other.inexact;
  }

  private figure(slot: number, quantity: string | number): number {
    const parsed = parseQuantityCached(quantity);
    const figure = slot === CPU ? parsed.milli : parsed.units;
    if (Number.isNaN(figure)) {
      this.inexact = true;
      return 0;
    }
    return figure;
  }

  addList(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const name in list) {
      const quantity = list[name];
      const slot = slotOf(name);
      if (quantity === undefined || slot < 0) continue;
      this.v[slot] = (this.v[slot] as number) + this.figure(slot, quantity);
      this.present |= 1 << slot;
    }
  }

  addLarger(spec: ResourceList | undefined, reported: ResourceList): void {
    for (let slot = 0; slot < SLOTS; slot++) {
      const a = spec === undefined ? undefined : quantityFor(spec, slot);
      const b = quantityFor(reported, slot);
      if (a === undefined && b === undefined) continue;
      const larger = Math.max(a === undefined ? 0 : this.figure(slot, a), b === undefined ? 0 : this.figure(slot, b));
      this.v[slot] = (this.v[slot] as number) + larger;
      this.present |= 1 << slot;
    }
  }

  setFromPodLevel(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const slot of POD_LEVEL_SLOTS) {
      const quantity = list[SLOT_NAMES[slot] as string];
      if (quantity === undefined) continue;
      this.v[slot] = this.figure(slot, quantity);
      this.present |= 1 << slot;
    }
  }

  addWherePresent(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const name in list) {
      const quantity = list[name];
      const slot = slotOf(name);
      if (quantity === undefined || slot < 0 || (this.present & (1 << slot)) === 0) continue;
      this.v[slot] = (this.v[slot] as number) + this.figure(slot, quantity);
    }
  }

  final(slot: number): number {
    const value = this.v[slot] as number;
    return value > MAX_FIGURE ? MAX_FIGURE : value;
  }
}

class NanoSums implements Accumulator {
  readonly v: bigint[] = [0n, 0n, 0n, 0n];
  present = 0;

  clear(): void {
    this.v.fill(0n);
    this.present = 0;
  }

  copyFrom(other: NanoSums): void {
    for (let i = 0; i < SLOTS; i++) this.v[i] = other.v[i] as bigint;
    this.present = other.present;
  }

  maxWith(other: NanoSums): void {
    for (let i = 0; i < SLOTS; i++) if ((other.v[i] as bigint) > (this.v[i] as bigint)) this.v[i] = other.v[i] as bigint;
    this.present |= other.present;
  }

  addList(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const name in list) {
      const quantity = list[name];
      const slot = slotOf(name);
      if (quantity === undefined || slot < 0) continue;
      this.v[slot] = (this.v[slot] as bigint) + parseQuantityCached(quantity).nano;
      this.present |= 1 << slot;
    }
  }

  addLarger(spec: ResourceList | undefined, reported: ResourceList): void {
    for (let slot = 0; slot < SLOTS; slot++) {
      const a = spec === undefined ? undefined : quantityFor(spec, slot);
      const b = quantityFor(reported, slot);
      if (a === undefined && b === undefined) continue;
      const x = a === undefined ? 0n : parseQuantityCached(a).nano;
      const y = b === undefined ? 0n : parseQuantityCached(b).nano;
      this.v[slot] = (this.v[slot] as bigint) + (x > y ? x : y);
      this.present |= 1 << slot;
    }
  }

  setFromPodLevel(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const slot of POD_LEVEL_SLOTS) {
      const quantity = list[SLOT_NAMES[slot] as string];
      if (quantity === undefined) continue;
      this.v[slot] = parseQuantityCached(quantity).nano;
      this.present |= 1 << slot;
    }
  }

  addWherePresent(list: ResourceList | undefined): void {
    if (list === undefined) return;
    for (const name in list) {
      const quantity = list[name];
      const slot = slotOf(name);
      if (quantity === undefined || slot < 0 || (this.present & (1 << slot)) === 0) continue;
      this.v[slot] = (this.v[slot] as bigint) + parseQuantityCached(quantity).nano;
    }
  }

  final(slot: number): number {
    const value = this.v[slot] as bigint;
    return slot === CPU ? nanoToMilli(value) : nanoToUnits(value);
  }
}

const SLOT_NAMES = ['cpu', 'memory', 'ephemeral-storage', ''];

/** The quantity a list gives a slot; GPU adds up every GPU resource name in the list. */
function quantityFor(list: ResourceList, slot: number): string | number | undefined {
  if (slot !== GPU) return list[SLOT_NAMES[slot] as string];
  let devices: number | undefined;
  for (const name in list) {
    const quantity = list[name];
    if (quantity !== undefined && isGpuResource(name)) devices = (devices ?? 0) + quantityToUnits(quantity);
  }
  return devices;
}
/** Pod-level resources (spec.resources) cover cpu and memory only. */
const POD_LEVEL_SLOTS = [CPU, MEMORY];

/** Scratch accumulators reused across calls: the fold runs per watch event, synchronously. */
interface Scratch<A extends Accumulator> {
  total: A;
  sidecars: A;
  initPeak: A;
  step: A;
}

const figureScratch: Scratch<FigureSums> = { total: new FigureSums(), sidecars: new FigureSums(), initPeak: new FigureSums(), step: new FigureSums() };
const nanoScratch: Scratch<NanoSums> = { total: new NanoSums(), sidecars: new NanoSums(), initPeak: new NanoSums(), step: new NanoSums() };

type Which = 'requests' | 'limits';

function aggregate<A extends Accumulator>(pod: PodLike, which: Which, { total, sidecars, initPeak, step }: Scratch<A>): A {
  const spec = pod.spec;
  total.clear();
  sidecars.clear();
  initPeak.clear();
  const statuses = which === 'requests' ? pod.status?.containerStatuses : undefined;
  for (const container of spec?.containers ?? []) {
    const reported = statuses === undefined ? undefined : reportedRequests(statuses, container.name);
    if (reported === undefined) total.addList(container.resources?.[which]);
    else if (pod.status?.resize === 'Infeasible') total.addList(reported);
    else total.addLarger(container.resources?.[which], reported);
  }
  for (const container of spec?.initContainers ?? []) {
    const own = container.resources?.[which];
    if (isSidecar(container)) {
      total.addList(own);
      sidecars.addList(own);
      initPeak.maxWith(sidecars);
    } else {
      step.copyFrom(sidecars);
      step.addList(own);
      initPeak.maxWith(step);
    }
  }
  total.maxWith(initPeak);
  total.setFromPodLevel(spec?.resources?.[which]);
  if (which === 'requests') total.addList(spec?.overhead);
  else total.addWherePresent(spec?.overhead);
  return total;
}

function reportedRequests(statuses: readonly ContainerStatusLike[], name: string | undefined): ResourceList | undefined {
  for (const status of statuses) if (status.name === name) return status.resources?.requests;
  return undefined;
}

function isSidecar(container: ContainerLike): boolean {
  return container.restartPolicy === 'Always';
}

function settled(pod: PodLike, which: Which): Accumulator {
  const fast = aggregate(pod, which, figureScratch);
  return fast.inexact ? aggregate(pod, which, nanoScratch) : fast;
}

/** The figures a pod record keeps: requests, and the cpu and memory limits. */
export interface PodResourceFigures {
  cpu: number;
  memory: number;
  disk: number;
  gpu: number;
  cpuLimit: number;
  memoryLimit: number;
}

/** Effective requests and limits written into `target`, so the fold allocates nothing for them. */
export function writePodResources(pod: PodLike, target: PodResourceFigures): void {
  const requests = settled(pod, 'requests');
  target.cpu = requests.final(CPU);
  target.memory = requests.final(MEMORY);
  target.disk = requests.final(DISK);
  target.gpu = requests.final(GPU);
  const limits = settled(pod, 'limits');
  target.cpuLimit = limits.final(CPU);
  target.memoryLimit = limits.final(MEMORY);
}

/** Effective requests (and cpu/memory limits) of a pod, whatever its phase. */
export function podResources(pod: PodLike): PodResources {
  const figures: PodResourceFigures = { cpu: 0, memory: 0, disk: 0, gpu: 0, cpuLimit: 0, memoryLimit: 0 };
  writePodResources(pod, figures);
  return {
    requests: { cpu: figures.cpu, memory: figures.memory, disk: figures.disk, gpu: figures.gpu },
    limits: { cpu: figures.cpuLimit, memory: figures.memoryLimit },
  };
}

/** A node's allocatable (or capacity) list as amounts; GPU sums every GPU resource name. */
export function resourceListAmounts(list: ResourceList | undefined): ResourceAmounts {
  const sums = new NanoSums();
  sums.addList(list);
  return { cpu: sums.final(CPU), memory: sums.final(MEMORY), disk: sums.final(DISK), gpu: sums.final(GPU) };
}
