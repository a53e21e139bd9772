/**
 * The DcosCluster status from the ledger's figures: rounded as the DC/OS dashboard showed them,
 * with conditions, and a comparison so the controller writes only when a shown figure changed.
 */
import { mergeConditions, type Condition } from '../resources/conditions.ts';
import type { DcosClusterStatus } from '../resources/dcos-cluster.ts';
import type { AccountingFigures, AllocationLedger } from './allocation-ledger.ts';

export interface ClusterStatusOptions {
  /** The status written last; conditions keep their lastTransitionTime while their status holds. */
  previous?: DcosClusterStatus | undefined;
  observedGeneration?: number | undefined;
}

/** Round to one decimal, for percentages. */
export function roundPercent(value: number): number {
  return Math.round(value * 10) / 10;
}

function percentOf(allocated: number, total: number): number {
  return total > 0 ? roundPercent((allocated / total) * 100) : 0;
}

/** A percentage as the DC/OS dashboard printed it: whole, with a sign ("42%"). */
export function formatPercent(percent: number): string {
  return `${Math.round(percent)}%`;
}

/** Milli-cores as shares with at most two decimals: 10050 -> "10.05", 24000 -> "24", 10500 -> "10.5". */
export function formatShares(milli: number): string {
  // Integer arithmetic, so 10.005 never prints as 10.00 through binary rounding.
  const hundredths = Math.round(milli / 10);
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths % 100;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in the largest binary unit that keeps the figure at least 1: "28 GiB", "1.5 TiB", "512 MiB". */
export function formatBytes(bytes: number): string {
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10 says something ("1.5 GiB"); above, it is noise ("28 GiB").
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${BYTE_UNITS[unit]}`;
}

function conditionsFor(figures: AccountingFigures, options: ClusterStatusOptions, now: string): Condition[] {
  const previous = options.previous?.conditions;
  const generation = options.observedGeneration === undefined ? {} : { observedGeneration: options.observedGeneration };
  const counted = figures.total.cpu > 0 || figures.total.memory > 0;
  const ready = counted
    ? { type: 'Ready', status: 'True' as const, reason: 'Accounted', message: `Allocation over ${figures.nodes.total} nodes, ${figures.nodes.ready} of them Ready.` }
    : { type: 'Ready', status: 'False' as const, reason: 'NoSchedulableNodes', message: 'No node is Ready and schedulable, so there is nothing to allocate.' };
  const problems: string[] = [];
  if (figures.nodes.notReady > 0) problems.push(`${figures.nodes.notReady} of ${figures.nodes.total} nodes not Ready`);
  if (figures.services.unhealthy > 0) problems.push(`${figures.services.unhealthy} services unhealthy`);
  const degraded =
    problems.length > 0
      ? { type: 'Degraded', status: 'True' as const, reason: figures.nodes.notReady > 0 ? 'NodesNotReady' : 'ServicesUnhealthy', message: `${problems.join('; ')}.` }
      : { type: 'Degraded', status: 'False' as const, reason: 'AllWell', message: 'Every node is Ready and no service is unhealthy.' };
  return mergeConditions(previous, [{ ...ready, ...generation }, { ...degraded, ...generation }], now);
}

/** The status to write, from the ledger's figures at `nowMs`. */
export function toClusterStatus(ledger: AllocationLedger, nowMs: number, options: ClusterStatusOptions = {}): DcosClusterStatus {
  return statusFromFigures(ledger.figures(nowMs), nowMs, options);
}

export function statusFromFigures(figures: AccountingFigures, nowMs: number, options: ClusterStatusOptions = {}): DcosClusterStatus {
  const now = new Date(nowMs).toISOString();
  const { allocated, total, nodes, tasks, failureRate, services } = figures;
  return {
    ...(options.observedGeneration === undefined ? {} : { observedGeneration: options.observedGeneration }),
    conditions: conditionsFor(figures, options, now),
    lastUpdated: now,
    resources: {
      cpu: {
        allocated: allocated.cpu / 1000,
        total: total.cpu / 1000,
        percent: percentOf(allocated.cpu, total.cpu),
        percentString: formatPercent(percentOf(allocated.cpu, total.cpu)),
        summary: `${formatShares(allocated.cpu)} of ${formatShares(total.cpu)} shares`,
      },
      memory: {
        allocated: allocated.memory,
        total: total.memory,
        percent: percentOf(allocated.memory, total.memory),
        percentString: formatPercent(percentOf(allocated.memory, total.memory)),
        summary: `${formatBytes(allocated.memory)} of ${formatBytes(total.memory)}`,
      },
      disk: {
        allocated: allocated.disk,
        total: total.disk,
        percent: percentOf(allocated.disk, total.disk),
        percentString: formatPercent(percentOf(allocated.disk, total.disk)),
        summary: `${formatBytes(allocated.disk)} of ${formatBytes(total.disk)}`,
      },
      gpu: {
        allocated: allocated.gpu,
        total: total.gpu,
        percent: percentOf(allocated.gpu, total.gpu),
        percentString: formatPercent(percentOf(allocated.gpu, total.gpu)),
        summary: `${allocated.gpu} of ${total.gpu} ${total.gpu === 1 ? 'GPU' : 'GPUs'}`,
      },
    },
    nodes: { ...nodes, summary: `${nodes.ready}/${nodes.total}` },
    tasks: { ...tasks },
    taskFailureRate: {
      percent: roundPercent(failureRate.percent),
      percentString: formatPercent(failureRate.percent),
      windowSeconds: failureRate.windowSeconds,
      failed: failureRate.failed,
      successful: failureRate.successful,
    },
    services: { ...services, unhealthyNames: [...services.unhealthyNames] },
  };
}

/**
 * Whether `next` shows anything `previous` did not: every figure, observedGeneration and the
 * conditions' status, reason and message. lastUpdated and transition times alone are no reason
 * to write. Key order does not matter (the API server returns keys sorted).
 */
export function clusterStatusChanged(previous: DcosClusterStatus | undefined, next: DcosClusterStatus): boolean {
  if (previous === undefined) return true;
  return !sameJson(shownPart(previous), shownPart(next));
}

function shownPart(status: DcosClusterStatus): unknown {
  const { lastUpdated: _lastUpdated, conditions, ...figures } = status;
  return {
    ...figures,
    conditions: (conditions ?? []).map(({ lastTransitionTime: _time, ...rest }) => rest),
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  return leftKeys.length === rightKeys.length && leftKeys.every((key) => sameJson(left[key], right[key]));
}
