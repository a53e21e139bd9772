import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../../kube/kube-client.ts';

export type EventType = 'Normal' | 'Warning';

/** What `kubectl describe` and `kubectl events` show a user about an object. */
export interface EventRecorderOptions {
  controller?: string;
  instance?: string;
  /** The same event (object, reason, note) is not sent again within this window. */
  dedupWindowMs?: number;
  maxRemembered?: number;
}

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

  constructor(client: KubeClient, log: Logger, opts: EventRecorderOptions = {}) {
    this.client = client;
    this.log = log;
    this.controller = opts.controller ?? 'dcos.dev/dcos-operator';
    this.instance = opts.instance ?? process.env.POD_NAME ?? hostname();
    this.dedupWindowMs = opts.dedupWindowMs ?? 5 * 60_000;
    this.maxRemembered = opts.maxRemembered ?? 10_000;
  }

  /** Never throws: an event that cannot be written is logged, not allowed to fail a reconcile. */
  async emit(regarding: KubeObjectLike, type: EventType, reason: string, note: string, action = reason): Promise<void> {
    const key = `${regarding.metadata.uid}|${reason}|${note}`;
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
    try {
      await this.client.create(event as unknown as KubeObjectLike);
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), reason }, 'could not record event');
    }
  }
}
