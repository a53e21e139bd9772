import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/accounting/exact-sum.ts';
import { MAX_FIGURE } from '../../src/accounting/quantity.ts';

describe('ExactSum', () => {
  it('comes back to the exact figure after passing 2^53, where a plain number would not', () => {
    const sum = new ExactSum();
    // A plain number sum doing the same ends at -1, not 1: it rounds while near 2^54.
    for (let i = 0; i < 4; i++) sum.add(MAX_FIGURE);
    sum.add(1);
    expect(sum.exact()).toBe(4n * BigInt(MAX_FIGURE) + 1n);
    for (let i = 0; i < 4; i++) sum.add(-MAX_FIGURE);
    expect(sum.value()).toBe(1);
  });

  it('adds and subtracts small figures like a number', () => {
    const sum = new ExactSum();
    sum.add(5_000);
    sum.add(-1_500);
    sum.add(2 ** 33);
    sum.add(-(2 ** 33));
    expect(sum.value()).toBe(3_500);
  });
});
