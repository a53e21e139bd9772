import type { Logger } from 'pino';
import { reconcileDuration, reconcileTotal } from '../../operator/metrics.ts';
import { WorkQueue, type Priority, type WorkQueueOptions } from './work-queue.ts';

export interface ReconcileResult {
  /** Look again after this long even if nothing changes (e.g. waiting on a dependency). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface ControllerOptions extends WorkQueueOptions {
  workers?: number;
  /** Every key is reconciled again this often, so drift is corrected even without events. */
  resyncMs?: number;
  /** All keys the controller is responsible for, for the resync. */
  keys?: () => string[];
}

/**
 * Workers pulling keys from one queue into one reconcile function. Events only enqueue keys;
 * the reconcile reads the cache, so it always acts on the latest state.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconcile: Reconcile;
  private readonly log: Logger;
  private readonly opts: ControllerOptions;
  private workers: Promise<void>[] = [];
  private resyncTimer?: NodeJS.Timeout;

  constructor(name: string, reconcile: Reconcile, log: Logger, opts: ControllerOptions = {}) {
    this.name = name;
    this.reconcile = reconcile;
    this.log = log.child({ controller: name });
    this.opts = opts;
    this.queue = new WorkQueue(opts);
  }

  enqueue(key: string, priority: Priority = 'normal'): void {
    this.queue.add(key, priority);
  }

  start(): void {
    const n = this.opts.workers ?? 2;
    for (let i = 0; i < n; i++) this.workers.push(this.work());
    if (this.opts.resyncMs && this.opts.keys) {
      const keys = this.opts.keys;
      // A resync looks for drift nobody reported: anything a user or a watch event asked for goes first.
      this.resyncTimer = setInterval(() => keys().forEach((k) => this.queue.add(k, 'low')), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  /** Stops taking work, lets in-flight reconciles finish. */
  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const end = reconcileDuration.startTimer({ controller: this.name });
      try {
        const result = await this.reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfterMs) {
          this.queue.addAfter(key, result.requeueAfterMs);
          reconcileTotal.inc({ controller: this.name, result: 'requeue' });
          this.log.info({ key, requeueAfterMs: result.requeueAfterMs, seconds: end() }, 'reconciled, will look again');
        } else {
          reconcileTotal.inc({ controller: this.name, result: 'success' });
          this.log.info({ key, seconds: end() }, 'reconciled');
        }
      } catch (err) {
        reconcileTotal.inc({ controller: this.name, result: 'error' });
        this.log.warn({ key, seconds: end(), err: err instanceof Error ? err.message : String(err), retries: this.queue.retries(key) }, 'reconcile failed; retrying with backoff');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
