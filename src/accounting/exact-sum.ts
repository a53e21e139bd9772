/**
 * A running sum of integer figures that stays exact past 2^53.
 *
 * A plain number sum would be exact until a cluster holds 8 PiB of memory; past that, one rounded
 * add leaves an error that later subtractions never remove. Splitting the sum into a high part
 * (multiples of 2^32) and a low part in [0, 2^32) keeps every step exact for deltas below 2^52
 * (MAX_FIGURE), without allocating per add.
 */
const LOW = 2 ** 32;

export class ExactSum {
  private high = 0;
  private low = 0;

  add(delta: number): void {
    let low = this.low + delta;
    if (low >= LOW || low < 0) {
      const carry = Math.floor(low / LOW);
      this.high += carry;
      low -= carry * LOW;
    }
    this.low = low;
  }

  /** The sum as a number (rounded only if it is beyond 2^53). */
  value(): number {
    return this.high * LOW + this.low;
  }

  /** The sum exactly. */
  exact(): bigint {
    return BigInt(this.high) * BigInt(LOW) + BigInt(this.low);
  }
}
