/** Exponential backoff with full jitter: the n-th failure waits up to min(max, base * 2^n). */
export function jitteredBackoffMs(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
