/**
 * What the accounting cache keeps of a pod: a few small numbers instead of the whole object
 * (a watched pod is several KiB; this record is a few hundred bytes with its map entry).
 */
import type { ContainerStatusLike, PodLike, Timestamp } from './kube-shapes.ts';
import { writePodResources, type PodResourceFigures } from './pod-requests.ts';

/** Pod phases as small integers, so a record holds no string for them. */
export const PodPhase = {
  Pending: 0,
  Running: 1,
  Succeeded: 2,
  Failed: 3,
  Unknown: 4,
} as const;
export type PodPhaseCode = (typeof PodPhase)[keyof typeof PodPhase];

function phaseCode(phase: string | undefined): PodPhaseCode {
  switch (phase) {
    case 'Running':
      return PodPhase.Running;
    case 'Succeeded':
      return PodPhase.Succeeded;
    case 'Failed':
      return PodPhase.Failed;
    case 'Unknown':
      return PodPhase.Unknown;
    default:
      // A pod just created may have no status yet: it is staging.
      return PodPhase.Pending;
  }
}

/** Flag bits of PodRecord.flags. */
export const PodFlag = {
  /** Counted once as a successful task (it started, or finished well). */
  CountedSuccessful: 1,
  /** Counted once as a task that ended in failure. */
  CountedFailed: 2,
  /** A container terminated non-zero and restartPolicy Never means it will not run again. */
  EndedInFailure: 4,
} as const;

export interface PodRecord extends PodResourceFigures {
  /** "" while unscheduled. */
  nodeName: string;
  phase: PodPhaseCode;
  /** Restarts of every container and init container. */
  restarts: number;
  /** PodFlag bits. */
  flags: number;
}

/** Whether the pod holds resources on its node: bound and not Succeeded or Failed. */
export function holdsResources(record: PodRecord): boolean {
  return record.nodeName !== '' && record.phase !== PodPhase.Succeeded && record.phase !== PodPhase.Failed;
}

export function emptyPodRecord(): PodRecord {
  // One literal, always in this key order, so every record shares one hidden class.
  return { nodeName: '', phase: PodPhase.Pending, cpu: 0, memory: 0, disk: 0, gpu: 0, cpuLimit: 0, memoryLimit: 0, restarts: 0, flags: 0 };
}

function sumRestarts(statuses: readonly ContainerStatusLike[] | undefined): number {
  let restarts = 0;
  if (statuses) for (const status of statuses) restarts += status.restartCount ?? 0;
  return restarts;
}

function endedInFailure(pod: PodLike): boolean {
  if (pod.spec?.restartPolicy !== 'Never') return false;
  for (const status of pod.status?.containerStatuses ?? []) {
    const exitCode = status.state?.terminated?.exitCode;
    if (exitCode !== undefined && exitCode !== 0) return true;
  }
  return false;
}

/**
 * The accounting record of a pod as it is now (the Counted* flags are the ledger's to carry across
 * events); not the pod cache's projectPod (controllers/pod-projection.ts), which keeps a pod object.
 * Writes into `into` when given, so the fold can reuse one record per event.
 */
export function toPodRecord(pod: PodLike, into: PodRecord = emptyPodRecord()): PodRecord {
  const status = pod.status;
  into.nodeName = pod.spec?.nodeName ?? '';
  into.phase = phaseCode(status?.phase);
  writePodResources(pod, into);
  into.restarts = sumRestarts(status?.containerStatuses) + sumRestarts(status?.initContainerStatuses);
  into.flags = endedInFailure(pod) ? PodFlag.EndedInFailure : 0;
  return into;
}

function toMs(time: Timestamp | null | undefined): number {
  // The API writes a zero time as null (a condition set without lastTransitionTime, say).
  if (time === undefined || time === null) return Number.NaN;
  return typeof time === 'string' ? Date.parse(time) : time.getTime();
}

function latest(times: number[]): number {
  let result = Number.NaN;
  for (const time of times) if (!Number.isNaN(time) && !(time <= result)) result = time;
  return result;
}

/**
 * When a pod first seen already running or finished did so, from its status. Used so an operator
 * that starts (or relists) counts only what happened inside the window, not every pod it finds.
 * NaN where the status does not say.
 */
export function podTransitionTimes(pod: PodLike): { startedAtMs: number; endedAtMs: number } {
  const statuses = pod.status?.containerStatuses ?? [];
  const started: number[] = [];
  const ended: number[] = [];
  for (const status of statuses) {
    started.push(toMs(status.state?.running?.startedAt), toMs(status.state?.terminated?.startedAt));
    ended.push(toMs(status.state?.terminated?.finishedAt));
  }
  let endedAtMs = latest(ended);
  if (Number.isNaN(endedAtMs)) {
    // Evicted or otherwise failed pods may carry no container times; their conditions moved last.
    endedAtMs = latest((pod.status?.conditions ?? []).map((condition) => toMs(condition.lastTransitionTime)));
  }
  let startedAtMs = latest(started);
  if (Number.isNaN(startedAtMs)) startedAtMs = toMs(pod.status?.startTime);
  return { startedAtMs, endedAtMs };
}
