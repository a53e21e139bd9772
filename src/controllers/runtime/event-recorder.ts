import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { fnv1a32 } from '../../fnv1a.ts';
import type { KubeClient, KubeObjectLike } from '../../kube/kube-client.ts';

export type EventType = 'Normal' | 'Warning';

/** What `kubectl describe` and `kubectl events` show a user about an object. */
export interface EventRecorderOptions {
  controller?: string;
  instance?: string;
  /** The same event (object, reason, note) is not sent again within this window. */
  dedupWindowMs?: number;
  maxRemembered?: number;
  /** Events being written at once: the rest wait, so a burst of news does not crowd out the writes it reports. */
  maxInFlight?: number;
  /** Events waiting past this are dropped, oldest first (client-go drops too, rather than grow without bound). */
  maxPending?: number;
  /**
   * While this holds, waiting events stay waiting (up to maxHoldMs each): the operator passes "a
   * controller has changes to make", so a bulk apply's thousand "Created" events follow the
   * thousand objects they report instead of taking the apiserver's time from them.
   */
  holdWhile?: () => boolean;
  maxHoldMs?: number;
}

/** How often held events look again whether they may go. */
const HOLD_RECHECK_MS = 100;

function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly controller: string;
  private readonly instance: string;
  private readonly dedupWindowMs: number;
  private readonly maxRemembered: number;
  private readonly recent = new Map<string, number>();
  private readonly maxInFlight: number;
  private readonly maxPending: number;
  private readonly holdWhile: () => boolean;
  private readonly maxHoldMs: number;
  private readonly pending: Array<{ send: () => Promise<void>; settle: () => void; since: number }> = [];
  private inFlight = 0;
  private recheck?: NodeJS.Timeout;

  constructor(client: KubeClient, log: Logger, opts: EventRecorderOptions = {}) {
    this.client = client;
    this.log = log;
    this.controller = opts.controller ?? 'dcos.dev/dcos-operator';
    this.instance = opts.instance ?? process.env.POD_NAME ?? hostname();
    this.dedupWindowMs = opts.dedupWindowMs ?? 5 * 60_000;
    this.maxRemembered = opts.maxRemembered ?? 10_000;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.maxPending = opts.maxPending ?? 1_000;
    this.holdWhile = opts.holdWhile ?? (() => false);
    this.maxHoldMs = opts.maxHoldMs ?? 30_000;
  }

  /**
   * Resolves once the event is written, or given up (it could not be written, or waited too long
   * behind others). Never throws: an event is news, not allowed to fail a reconcile. A reconcile
   * must not await it: while `holdWhile` says so (the operator holds events while normal work is in
   * progress, that reconcile's own included) it would wait up to maxHoldMs for itself.
   */
  async emit(regarding: KubeObjectLike, type: EventType, reason: string, note: string, action = reason): Promise<void> {
    // A digest of the note, not the note: 10,000 remembered keys held 10,000 copies of their notes
    // (2.6 MiB at 10,000 services converging), and two notes of one object and reason that collide
    // within the window cost one event.
    const key = `${regarding.metadata.uid}|${reason}|${fnv1a32(note)}`;
    const now = Date.now();
    const last = this.recent.get(key);
    if (last !== undefined && now - last < this.dedupWindowMs) return;
    this.recent.delete(key);
    this.recent.set(key, now);
    if (this.recent.size > this.maxRemembered) this.recent.delete(this.recent.keys().next().value!);
    const namespace = regarding.metadata.namespace ?? 'default';
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${regarding.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      eventTime: microTime(new Date(now)),
      reportingController: this.controller,
      reportingInstance: this.instance,
      action,
      reason,
      note: note.slice(0, 1024),
      type,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: regarding.metadata.name,
        namespace: regarding.metadata.namespace,
        uid: regarding.metadata.uid,
        resourceVersion: regarding.metadata.resourceVersion,
      },
    };
    const send = async () => {
      try {
        await this.client.create(event as unknown as KubeObjectLike, { discardAnswer: true });
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err), reason }, 'could not record event');
      }
    };
    return new Promise<void>((settle) => {
      this.pending.push({ send, settle, since: now });
      if (this.pending.length > this.maxPending) {
        this.pending.shift()!.settle();
        this.log.warn({ maxPending: this.maxPending }, 'too many events waiting to be written; dropped the oldest');
      }
      this.drain();
    });
  }

  private drain(): void {
    if (this.pending.length > 0 && Date.now() - this.pending[0]!.since < this.maxHoldMs && this.holdWhile()) {
      this.recheck ??= setTimeout(() => {
        this.recheck = undefined;
        this.drain();
      }, HOLD_RECHECK_MS).unref();
      return;
    }
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const { send, settle } = this.pending.shift()!;
      this.inFlight++;
      void send().finally(() => {
        this.inFlight--;
        settle();
        this.drain();
      });
    }
  }
}
