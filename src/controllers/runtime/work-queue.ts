import { jitteredBackoffMs } from './backoff.ts';

export interface WorkQueueOptions {
  /** Per-item backoff after failures: base and cap (controller-runtime: 5 ms to 1000 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Overall rate limit of retries (token bucket). */
  retriesPerSecond?: number;
  retryBurst?: number;
}

/**
 * Keys to reconcile. One key is never handed out twice at once; adding a key that waits already
 * does nothing; adding one that is being processed marks it dirty so it runs again right after.
 * Failures come back with per-key exponential backoff under an overall rate limit.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly opts: Required<WorkQueueOptions>;
  private tokens: number;
  private lastRefill = Date.now();
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.opts = { backoffBaseMs: 5, backoffMaxMs: 1_000_000, retriesPerSecond: 10, retryBurst: 100, ...opts };
    this.tokens = this.opts.retryBurst;
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
  }

  /** Adds the key after a delay; a key already waiting keeps the earlier of its two times, so a stream of adds cannot postpone it forever. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const due = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing) {
      if (existing.due <= due) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { timer, due });
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
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get isProcessing(): boolean {
    return this.processing.size > 0;
  }
}
