import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../../kube/kube-client.ts';
import { ObjectStore, stripServerFields, type Untracked, type StoreHandlers } from './object-store.ts';
import { Reflector, type ReflectorOptions, type WatchTarget } from './reflector.ts';

/** A reflector and the cache it fills, shared by every controller that reads the same kind. */
export class Informer<T extends KubeObjectLike> {
  readonly store: ObjectStore<T>;
  readonly reflector: Reflector<T>;
  readonly target: WatchTarget;

  constructor(client: KubeClient, target: WatchTarget, log: Logger, project: (obj: T) => T = stripServerFields, opts?: ReflectorOptions, untracked?: Untracked<T>) {
    this.target = target;
    const handlerLog = log.child({ informer: target.kind });
    this.store = new ObjectStore<T>(project, (err, key) => handlerLog.error({ key, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'a watch handler failed on this object; the cache goes on'), untracked);
    this.reflector = new Reflector<T>(client, target, this.store, log, opts);
  }

  on(handlers: StoreHandlers<T>): this {
    this.store.addHandlers(handlers);
    return this;
  }

  start(): void {
    this.reflector.start();
  }

  stop(): void {
    this.reflector.stop();
  }

  waitForSync(): Promise<void> {
    return this.reflector.waitForSync();
  }
}

/** One informer per watched kind and scope, however many controllers ask for it. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObjectLike>>();
  private readonly client: KubeClient;
  private readonly log: Logger;

  constructor(client: KubeClient, log: Logger) {
    this.client = client;
    this.log = log;
  }

  informer<T extends KubeObjectLike>(target: WatchTarget, project?: (obj: T) => T, untracked?: Untracked<T>): Informer<T> {
    const key = JSON.stringify([target.apiVersion, target.kind, target.namespace ?? '', target.labelSelector ?? '', target.fieldSelector ?? '']);
    let informer = this.informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.client, target, this.log, project, undefined, untracked);
      this.informers.set(key, informer as unknown as Informer<KubeObjectLike>);
    }
    return informer;
  }

  startAll(): void {
    for (const i of this.informers.values()) i.start();
  }

  stopAll(): void {
    for (const i of this.informers.values()) i.stop();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }
}
