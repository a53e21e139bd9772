import { KubeApiError, type KubeObjectLike } from '../../kube/kube-client.ts';
import type { EventRecorder } from './event-recorder.ts';

/**
 * The apiserver refused to write a child (quota exceeded, invalid, forbidden, denied by an admission
 * webhook or policy): `reason` is `<Kind>Refused`, `message` names the child and carries the
 * apiserver's own words. Each kind's status turns it into Ready False with this reason and message;
 * announceRefusal makes it a Warning Event. Same shape as a Universe error, so a package reports it
 * like any other install failure.
 */
export interface Refusal {
  reason: string;
  message: string;
}

/** What a refusal is about: a child, by kind and name. */
export interface ChildRef {
  kind?: string;
  metadata: { name: string };
}

/**
 * 4xx from the apiserver will not go away by retrying the same write; 5xx, network errors, 404 (a
 * namespace being deleted), 409 (a conflict) and 429 (throttled) may, so they are not refusals.
 */
export function refusalOf(err: unknown, child: ChildRef): Refusal | undefined {
  if (!(err instanceof KubeApiError) || err.status < 400 || err.status >= 500 || [404, 409, 429].includes(err.status)) return undefined;
  const apiMessage = (err.body as { message?: unknown } | undefined)?.message;
  const kind = child.kind ?? 'object';
  return { reason: `${kind}Refused`, message: `the apiserver refused ${kind} ${child.metadata.name}: ${typeof apiMessage === 'string' ? apiMessage : err.message}` };
}

/** Whether a condition reason says a child could not be written (an owner's owner reports it in turn). */
export function isRefusalReason(reason: string | undefined): boolean {
  return reason !== undefined && reason.endsWith('Refused');
}

/** A write the apiserver refused, carrying the refusal so the reconcile can report it. */
export class RefusedError extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Refusal, cause: unknown) {
    super(refusal.message, { cause });
    this.name = 'RefusedError';
    this.refusal = refusal;
  }
}

/** Runs one write of `child`; a refusal comes out as a RefusedError, any other failure as it was. */
export async function writeChild<T>(child: ChildRef, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const refusal = refusalOf(err, child);
    throw refusal ? new RefusedError(refusal, err) : err;
  }
}

/**
 * The Warning Event of a refusal, on the owner (`kubectl describe`, `kubectl events --for`). Not
 * awaited: events wait while changes are in progress, this reconcile's own included.
 */
export function announceRefusal(events: Pick<EventRecorder, 'emit'>, owner: KubeObjectLike, refusal: Refusal, action = 'Apply'): void {
  void events.emit(owner, 'Warning', refusal.reason, refusal.message, action);
}
