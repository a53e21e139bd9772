import type { WorkQueue } from './work-queue.ts';

/**
 * When a controller refreshes status, measured on bulk applies (a thousand DcosServices at once):
 * - pod and child-status events come in bursts (a rollout touches every pod several times), so a
 *   status refresh waits `settleMs` and one write covers the burst;
 * - status is what users read, children what they asked for: status-only work goes to the queue's
 *   low lane, and a reconcile that has just written children puts its own status write off while
 *   other objects' children wait or are being written (every one's children first, then status).
 */
export class StatusAfterChildren {
  private readonly queue: WorkQueue;
  private readonly settleMs: number;

  constructor(queue: WorkQueue, settleMs = 200) {
    this.queue = queue;
    this.settleMs = settleMs;
  }

  /** Something only status shows changed (a pod, a child's status): look after the burst settles. */
  refreshSoon(key: string): void {
    this.queue.addAfter(key, this.settleMs, 'low');
  }

  /** Whether a reconcile that just wrote `key`'s children should leave its status write for later. */
  shouldWait(key: string): boolean {
    return this.queue.hasNormalWorkBesides(key);
  }

  /** The status write left for later: back in the low lane, after the children still to write. */
  later(key: string): void {
    this.queue.add(key, 'low');
  }
}
