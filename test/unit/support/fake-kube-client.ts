import { KubeApiError, type KubeObjectLike } from '../../../src/kube/kube-client.ts';
import type { EventType } from '../../../src/controllers/runtime/event-recorder.ts';

/** One call a controller made, as `verb Kind[/subresource] namespace/name` plus what it sent. */
export interface RecordedCall {
  verb: 'apply' | 'create' | 'delete' | 'get';
  kind: string;
  name: string;
  namespace?: string;
  subresource?: string;
  dryRun?: boolean;
  body?: KubeObjectLike;
}

interface Refusal {
  verb: RecordedCall['verb'];
  kind: string;
  name?: string;
  status: number;
  message: string;
}

const describeCall = (c: RecordedCall) => `${c.verb}${c.dryRun ? ' (dry run)' : ''} ${c.kind}${c.subresource ? `/${c.subresource}` : ''} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;

/**
 * A KubeClient that records what a reconcile asks of the apiserver (cert-manager's ExpectedActions):
 * a test gives the caches, runs one reconcile and compares `actions()` with the writes it expects.
 * Writes succeed (an apply returns what was sent, at generation 1) unless `refuse` says otherwise;
 * `get` answers from `objects`.
 */
export class FakeKubeClient {
  readonly calls: RecordedCall[] = [];
  readonly objects = new Map<string, KubeObjectLike>();
  private readonly refusals: Refusal[] = [];

  /** The apiserver answers this write with `status` and `message` (e.g. 403 exceeded quota). */
  refuse(verb: RecordedCall['verb'], kind: string, status: number, message: string, name?: string): this {
    this.refusals.push({ verb, kind, name, status, message });
    return this;
  }

  /** The calls as one line each, e.g. `apply Deployment ns/web`, `apply DcosService/status ns/web`. */
  actions(): string[] {
    return this.calls.map(describeCall);
  }

  /** What the last write of this kind (and subresource) sent. */
  lastBody<T = KubeObjectLike>(kind: string, subresource?: string): T | undefined {
    return this.calls.filter((c) => c.kind === kind && c.subresource === subresource && c.body).at(-1)?.body as T | undefined;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    const refusal = this.refusals.find((r) => r.verb === call.verb && r.kind === call.kind && (r.name === undefined || r.name === call.name));
    if (refusal) throw new KubeApiError(refusal.status, refusal.status === 403 ? 'Forbidden' : 'Invalid', `${call.verb} ${call.kind}: ${refusal.status} ${refusal.message}`, { kind: 'Status', message: refusal.message });
  }

  async apply<T extends KubeObjectLike>(obj: T, opts: { subresource?: 'status'; dryRun?: boolean } = {}): Promise<T> {
    this.record({ verb: 'apply', kind: obj.kind!, name: obj.metadata.name, namespace: obj.metadata.namespace, subresource: opts.subresource, dryRun: opts.dryRun, body: obj });
    return { ...obj, metadata: { ...obj.metadata, generation: 1, resourceVersion: '1', uid: `uid-${obj.metadata.name}` } };
  }

  async create<T extends KubeObjectLike>(obj: T): Promise<T> {
    this.record({ verb: 'create', kind: obj.kind!, name: obj.metadata.name, namespace: obj.metadata.namespace, body: obj });
    return { ...obj, metadata: { ...obj.metadata, generation: 1, resourceVersion: '1', uid: `uid-${obj.metadata.name}` } };
  }

  async delete(_apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean> {
    this.record({ verb: 'delete', kind, name, namespace });
    return true;
  }

  async get<T extends KubeObjectLike>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T> {
    const found = await this.getOrUndefined<T>(apiVersion, kind, name, namespace);
    if (!found) throw new KubeApiError(404, 'NotFound', `${kind} ${name} not found`, { message: 'not found' });
    return found;
  }

  async getOrUndefined<T extends KubeObjectLike>(_apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    this.calls.push({ verb: 'get', kind, name, namespace });
    return this.objects.get(`${kind}/${namespace ?? ''}/${name}`) as T | undefined;
  }

  /** An object `get` finds. */
  has(obj: KubeObjectLike): this {
    this.objects.set(`${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
    return this;
  }
}

/** An EventRecorder that keeps what it was asked to record. */
export class FakeEvents {
  readonly emitted: Array<{ type: EventType; reason: string; note: string; regarding: string }> = [];

  async emit(regarding: KubeObjectLike, type: EventType, reason: string, note: string): Promise<void> {
    this.emitted.push({ type, reason, note, regarding: `${regarding.kind ?? ''} ${regarding.metadata.name}` });
  }

  reasons(type?: EventType): string[] {
    return this.emitted.filter((e) => type === undefined || e.type === type).map((e) => e.reason);
  }
}

/** A read-only cache for a reconcile, filled with the given objects (keys like the informers': namespace/name). */
export function cache<T extends KubeObjectLike>(...objects: T[]): { get(key: string): T | undefined; list(): T[] } {
  const byKey = new Map(objects.map((o) => [o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name, o]));
  return { get: (key) => byKey.get(key), list: () => [...byKey.values()] };
}
