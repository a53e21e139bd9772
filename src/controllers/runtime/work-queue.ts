import { jitteredBackoffMs } from './backoff.ts';

export interface WorkQueueOptions {
  /** Per-item backoff after failures: base and cap (controller-runtime: 5 ms to 1000 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Overall rate limit of retries (token bucket). */
  retriesPerSecond?: number;
  retryBurst?: number;
  /**
   * Once the low lane's oldest key has waited this long, low keys get a share of the workers while
   * normal work waits (see overdueLowShare), so a steady stream of normal work cannot starve them.
   */
  lowPriorityMaxWaitMs?: number;
  /**
   * Of the keys handed out while low work is overdue and normal work waits, one in this many is low.
   * Not every one: 10,000 DcosServices applied at once take minutes on a small control plane, and
   * status writes let through in full after the first 30 s made their children take 1.47 times the
   * floor (bench/dcos-service-scale.ts, 10,000 services).
   */
  overdueLowShare?: number;
}

/**
 * `normal` work is handed out before any `low` work, and low work waits until no normal work is in
 * progress either: writing what users asked for (children of a new or changed object) goes ahead of
 * refreshing what they read (status after pod events, resync), so the last applies of a bulk do not
 * share the apiserver with a burst of status writes.
 */
export type Priority = 'normal' | 'low';

const higher = (a: Priority, b: Priority | undefined): Priority => (a === 'normal' || b === 'normal' ? 'normal' : 'low');

/**
 * Keys to reconcile, in two lanes (see Priority), first in first out within each. One key is never
 * handed out twice at once; adding a key that waits already does nothing but may raise it to the
 * normal lane; adding one that is being processed marks it dirty so it runs again right after.
 * Failures come back with per-key exponential backoff under an overall rate limit.
 */
export class WorkQueue {
  /** Lanes may hold stale entries of keys since raised to the normal lane: `queued` says which entry counts. */
  private readonly lanes: Record<Priority, string[]> = { normal: [], low: [] };
  private readonly queued = new Map<string, Priority>();
  private readonly waiting: Record<Priority, number> = { normal: 0, low: 0 };
  /** When each key in the low lane was queued. */
  private readonly lowSince = new Map<string, number>();
  /** Keys being reconciled, by the lane they were handed out from. */
  private readonly processing = new Map<string, Priority>();
  private normalInProgress = 0;
  private readonly dirty = new Map<string, Priority>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; due: number; priority: Priority }>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly opts: Required<WorkQueueOptions>;
  private tokens: number;
  private lastRefill = Date.now();
  private shuttingDown = false;
  /** Keys handed out from the normal lane since the last overdue low one. */
  private normalSinceOverdueLow = 0;

  constructor(opts: WorkQueueOptions = {}) {
    this.opts = { backoffBaseMs: 5, backoffMaxMs: 1_000_000, retriesPerSecond: 10, retryBurst: 100, lowPriorityMaxWaitMs: 30_000, overdueLowShare: 20, ...opts };
    this.tokens = this.opts.retryBurst;
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.queued.size;
  }

  /** Whether keys of this priority wait to be handed out (a worker can put its low-priority writes off). */
  hasWaiting(priority: Priority): boolean {
    return this.waiting[priority] > 0;
  }

  /** Whether normal work waits or is in progress: what can hold back writes that only report. */
  get hasNormalWork(): boolean {
    return this.waiting.normal > 0 || this.normalInProgress > 0;
  }

  /** Whether normal work other than `key`'s own waits or is in progress (a worker asking about its peers). */
  hasNormalWorkBesides(key: string): boolean {
    return this.waiting.normal > 0 || this.normalInProgress > (this.processing.get(key) === 'normal' ? 1 : 0);
  }

  add(key: string, priority: Priority = 'normal'): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.set(key, higher(priority, this.dirty.get(key)));
      return;
    }
    const already = this.queued.get(key);
    if (already === 'normal' || already === priority) return;
    if (already === undefined && (priority === 'normal' || this.normalInProgress === 0)) {
      const waiter = this.waiters.shift();
      if (waiter) {
        this.start(key, priority);
        waiter(key);
        return;
      }
    } else if (already !== undefined) {
      this.waiting[already]--;
      this.lowSince.delete(key);
    }
    this.queued.set(key, priority);
    this.waiting[priority]++;
    this.lanes[priority].push(key);
    if (priority === 'low') this.lowSince.set(key, Date.now());
  }

  /**
   * Adds the key after a delay; a key already waiting keeps the earlier of its two times (so a stream
   * of adds cannot postpone it forever) and the higher of its two priorities.
   */
  addAfter(key: string, delayMs: number, priority: Priority = 'normal'): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key, priority);
    const due = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing) {
      existing.priority = higher(priority, existing.priority);
      if (existing.due <= due) return;
      clearTimeout(existing.timer);
    }
    const entry = { timer: undefined as unknown as NodeJS.Timeout, due, priority: existing?.priority ?? priority };
    entry.timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key, entry.priority);
    }, delayMs);
    entry.timer.unref();
    this.delayed.set(key, entry);
  }

  /** After a failed reconcile: back off per key, and throttle all retries together. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const perItem = jitteredBackoffMs(n, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
    this.addAfter(key, Math.max(perItem, this.bucketDelayMs()));
  }

  /** After a successful reconcile: the key's backoff starts over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private bucketDelayMs(): number {
    const now = Date.now();
    this.tokens = Math.min(this.opts.retryBurst, this.tokens + ((now - this.lastRefill) / 1000) * this.opts.retriesPerSecond);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.opts.retriesPerSecond) * 1000;
  }

  /** The next key to work on, or undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next key a worker may have now, marked in progress. */
  private take(): string | undefined {
    const overdue = this.normalSinceOverdueLow + 1 >= this.opts.overdueLowShare || this.waiting.normal === 0 ? this.overdueLow() : undefined;
    const key = overdue ?? this.next('normal') ?? (this.normalInProgress === 0 ? this.next('low') : undefined);
    if (key === undefined) return undefined;
    const priority = this.queued.get(key)!;
    this.normalSinceOverdueLow = overdue !== undefined ? 0 : this.normalSinceOverdueLow + (priority === 'normal' ? 1 : 0);
    this.waiting[priority]--;
    this.queued.delete(key);
    this.lowSince.delete(key);
    this.start(key, priority);
    return key;
  }

  private start(key: string, priority: Priority): void {
    this.processing.set(key, priority);
    if (priority === 'normal') this.normalInProgress++;
  }

  /** The first key of the low lane if it has waited past lowPriorityMaxWaitMs. */
  private overdueLow(): string | undefined {
    const keys = this.lanes.low;
    while (keys.length > 0 && this.queued.get(keys[0]!) !== 'low') keys.shift();
    const head = keys[0];
    if (head === undefined || Date.now() - this.lowSince.get(head)! < this.opts.lowPriorityMaxWaitMs) return undefined;
    return keys.shift();
  }

  /** The first key of a lane whose entry counts (skipping those raised to the normal lane since). */
  private next(lane: Priority): string | undefined {
    const keys = this.lanes[lane];
    while (keys.length > 0) {
      const key = keys.shift()!;
      if (this.queued.get(key) === lane) return key;
    }
    return undefined;
  }

  done(key: string): void {
    if (this.processing.get(key) === 'normal') this.normalInProgress--;
    this.processing.delete(key);
    const priority = this.dirty.get(key);
    if (priority) {
      this.dirty.delete(key);
      this.add(key, priority);
    }
    // The last normal work done: low work held back for it can go to idle workers now.
    while (this.waiters.length > 0) {
      const next = this.take();
      if (next === undefined) break;
      this.waiters.shift()!(next);
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
