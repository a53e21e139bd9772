import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../../kube/kube-client.ts';
import { KubeApiError } from '../../kube/kube-client.ts';
import { resourcePath, resourceType } from '../../kube/resource-types.ts';
import { jitteredBackoffMs } from './backoff.ts';
import { ListedNames, type ObjectStore } from './object-store.ts';

export interface WatchTarget {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ReflectorOptions {
  pageSize?: number;
  /**
   * A list page that has not answered in this long is given up and the list retried with backoff,
   * so one request lost on the way cannot hold the caches unsynced for good (a page of 500 pods took
   * up to 2 s on an apiserver at load 15; the limit leaves a wide margin).
   */
  pageTimeoutMs?: number;
  /** Server-side watch timeout; the watch is then resumed from the last resourceVersion. */
  watchTimeoutSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

class GoneError extends Error {}

/**
 * List, then watch from the list's resourceVersion, forever: bookmarks keep the resourceVersion
 * fresh, 410 Gone relists, other errors back off with jitter, and a watch that goes silent is cut
 * by the client's inactivity timeout and resumed. Unlike client-node's informer it never stops
 * for good on an error.
 */
export class Reflector<T extends KubeObjectLike> {
  private readonly client: KubeClient;
  private readonly target: WatchTarget;
  private readonly store: ObjectStore<T>;
  private readonly log: Logger;
  private readonly opts: Required<ReflectorOptions>;
  private stopped = false;
  private abort?: AbortController;
  private wake?: () => void;
  private synced = false;
  /** Whether a list has begun: until then the cache and its handlers hold nothing of this target. */
  private listedBefore = false;
  private syncWaiters: Array<() => void> = [];
  /** Counters a test or a metric can read. */
  readonly stats = { lists: 0, watches: 0, events: 0, errors: 0 };

  constructor(client: KubeClient, target: WatchTarget, store: ObjectStore<T>, log: Logger, opts: ReflectorOptions = {}) {
    this.client = client;
    this.target = target;
    this.store = store;
    this.log = log.child({ reflector: `${target.kind}${target.namespace ? ' in ' + target.namespace : ''}` });
    this.opts = { pageSize: 500, pageTimeoutMs: 120_000, watchTimeoutSeconds: 300 + Math.floor(Math.random() * 300), backoffBaseMs: 800, backoffMaxMs: 30_000, ...opts };
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let resourceVersion: string | undefined;
    while (!this.stopped) {
      try {
        if (resourceVersion === undefined) resourceVersion = await this.list();
        resourceVersion = await this.watch(resourceVersion);
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof GoneError) {
          this.log.info('watch expired (410 Gone): relisting');
          resourceVersion = undefined;
          continue;
        }
        this.stats.errors++;
        const delay = jitteredBackoffMs(failures++, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
        this.log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'list/watch failed');
        if (err instanceof KubeApiError && err.status === 410) resourceVersion = undefined;
        await this.sleep(delay);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * A (re)list in pages of at most pageSize, each folded into the store as it arrives: only one page
   * of full objects is alive at a time, however large the cluster (150,000 pods held whole before
   * the cache projected them were most of the operator's peak heap).
   */
  private async list(): Promise<string> {
    // The first list can find nothing gone: no names to keep (the first sync is the peak). One that
    // failed halfway has filled the cache in part, so the list after it keeps them.
    const listed = this.listedBefore ? new ListedNames() : undefined;
    this.listedBefore = true;
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.client.list<T>(this.target.apiVersion, this.target.kind, {
        namespace: this.target.namespace,
        labelSelector: this.target.labelSelector,
        fieldSelector: this.target.fieldSelector,
        limit: this.opts.pageSize,
        continue: cont,
        signal: AbortSignal.timeout(this.opts.pageTimeoutMs),
      });
      for (const item of page.items) {
        // Parsed for us alone: set the kind on the object rather than copy it (a list leaves it out).
        item.apiVersion = this.target.apiVersion;
        item.kind = this.target.kind;
        this.store.upsert(item);
        listed?.add(item.metadata.namespace, item.metadata.name);
      }
      cont = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (cont);
    this.stats.lists++;
    if (listed) this.store.retainOnly(listed);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    return resourceVersion;
  }

  /** Resolves with the resourceVersion to resume from when the watch ends normally. */
  private async watch(fromVersion: string): Promise<string> {
    let resourceVersion = fromVersion;
    const path = resourcePath(resourceType(this.target.apiVersion, this.target.kind), this.target.namespace);
    this.stats.watches++;
    const abort = new AbortController();
    this.abort = abort;
    if (this.stopped) return resourceVersion;
    let gone = false;
    const onEvent = (type: string, object: unknown) => {
      this.stats.events++;
      const obj = object as T & { code?: number; message?: string };
      if (type === 'ERROR') {
        if (obj.code === 410) gone = true;
        else this.log.warn({ status: obj }, 'watch error event');
        abort.abort();
        return;
      }
      if (obj?.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
      if (type === 'BOOKMARK') return;
      // Parsed for this event alone: no copy needed to set its kind.
      obj.apiVersion = this.target.apiVersion;
      obj.kind = this.target.kind;
      try {
        if (type === 'DELETED') this.store.remove(obj);
        else this.store.upsert(obj);
      } catch (err) {
        // Thrown out of the watch, the same event would come back at every resume, for good.
        this.stats.errors++;
        this.log.error({ type, name: obj?.metadata?.name, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'watch event not applied to the cache');
      }
    };
    try {
      await this.client.watch(
        path,
        {
          resourceVersion: fromVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds,
          labelSelector: this.target.labelSelector,
          fieldSelector: this.target.fieldSelector,
        },
        onEvent,
        { signal: abort.signal },
      );
    } catch (err) {
      // A watch that went silent is cut by the client's inactivity timer (TimeoutError): resume it, no backoff.
      if (!gone && !this.stopped && !(err instanceof Error && err.name === 'TimeoutError')) throw err;
    }
    if (gone) throw new GoneError();
    return resourceVersion;
  }
}
