/**
 * Failed and successful task counts over a sliding time window, for the task failure rate.
 *
 * A ring of time buckets: recording is O(1); moving time forward clears the buckets that fell out
 * of the window (at most the ring's length per call, so O(1) amortised). Events leave the window
 * up to one bucket late (window / buckets).
 */

export interface FailureRate {
  /** failed / (failed + successful) x 100; 0 when nothing happened in the window. */
  percent: number;
  failed: number;
  successful: number;
  windowSeconds: number;
}

export class FailureRateWindow {
  readonly windowSeconds: number;
  private readonly bucketMs: number;
  private readonly size: number;
  private readonly failedIn: Float64Array;
  private readonly successfulIn: Float64Array;
  private current = -1;
  private failedTotal = 0;
  private successfulTotal = 0;

  constructor(windowSeconds: number, buckets = 60) {
    if (!(windowSeconds > 0)) throw new RangeError(`window must be positive, got ${windowSeconds}`);
    if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
    this.windowSeconds = windowSeconds;
    this.size = buckets;
    this.bucketMs = (windowSeconds * 1000) / buckets;
    this.failedIn = new Float64Array(buckets);
    this.successfulIn = new Float64Array(buckets);
  }

  /** Count failures that happened at `atMs` (clamped to now; dropped if already outside the window). */
  recordFailed(count: number, atMs: number, nowMs: number): void {
    const slot = this.slotFor(atMs, nowMs);
    if (slot < 0 || count <= 0) return;
    this.failedIn[slot] = (this.failedIn[slot] as number) + count;
    this.failedTotal += count;
  }

  /** Count tasks that started or finished well at `atMs`. */
  recordSuccessful(count: number, atMs: number, nowMs: number): void {
    const slot = this.slotFor(atMs, nowMs);
    if (slot < 0 || count <= 0) return;
    this.successfulIn[slot] = (this.successfulIn[slot] as number) + count;
    this.successfulTotal += count;
  }

  rate(nowMs: number): FailureRate {
    this.advance(nowMs);
    const sum = this.failedTotal + this.successfulTotal;
    return {
      percent: sum === 0 ? 0 : (this.failedTotal / sum) * 100,
      failed: this.failedTotal,
      successful: this.successfulTotal,
      windowSeconds: this.windowSeconds,
    };
  }

  private slotFor(atMs: number, nowMs: number): number {
    this.advance(nowMs);
    let epoch = Math.floor(Math.min(atMs, nowMs) / this.bucketMs);
    if (epoch <= this.current - this.size) return -1;
    if (epoch > this.current) epoch = this.current;
    // advance() has emptied every slot whose bucket left the window, so the slot is this bucket's.
    return epoch % this.size;
  }

  private advance(nowMs: number): void {
    const epoch = Math.floor(nowMs / this.bucketMs);
    // A clock that steps back leaves the window as it is rather than losing counts.
    if (epoch <= this.current) return;
    if (epoch - this.current >= this.size) {
      this.clearAll();
    } else {
      for (let e = this.current + 1; e <= epoch; e++) this.clearSlot(e % this.size);
    }
    this.current = epoch;
  }

  private clearSlot(slot: number): void {
    this.failedTotal -= this.failedIn[slot] as number;
    this.successfulTotal -= this.successfulIn[slot] as number;
    this.failedIn[slot] = 0;
    this.successfulIn[slot] = 0;
  }

  private clearAll(): void {
    this.failedIn.fill(0);
    this.successfulIn.fill(0);
    this.failedTotal = 0;
    this.successfulTotal = 0;
  }
}
