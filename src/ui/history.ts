/**
 * The Dashboard's charts: one sample of the cluster's percentages every interval, in a ring of
 * fixed size. DC/OS kept a minute of 2-second samples in the browser; the operator keeps an hour
 * (1,800 samples of six numbers, about 90 KB), so a page opened late still shows the trend.
 */
export interface Sample {
  /** Unix seconds. */
  t: number;
  cpu: number;
  memory: number;
  disk: number;
  gpu: number;
  failureRate: number;
}

export const SAMPLE_INTERVAL_MS = 2000;
export const HISTORY_SAMPLES = 1800;

export class History {
  private readonly ring: Sample[] = [];
  private next = 0;
  readonly capacity: number;

  constructor(capacity = HISTORY_SAMPLES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`history capacity: expected a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  push(sample: Sample): void {
    if (this.ring.length < this.capacity) this.ring.push(sample);
    else this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  all(): Sample[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Samples newer than `t` (Unix seconds), oldest first. */
  since(t: number): Sample[] {
    return this.all().filter((s) => s.t > t);
  }

  get latest(): Sample | undefined {
    if (this.ring.length === 0) return undefined;
    return this.ring[(this.next - 1 + this.capacity) % this.capacity] ?? this.ring[this.ring.length - 1];
  }
}
