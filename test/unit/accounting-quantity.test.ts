import { describe, expect, it } from 'vitest';
import { MAX_FIGURE, parseQuantityNano, QuantityError, quantityToMilli, quantityToUnits } from '../../src/accounting/quantity.ts';

describe('quantityToMilli (cpu)', () => {
  it.each([
    ['100m', 100],
    ['1', 1000],
    ['1.5', 1500],
    ['0.1', 100],
    ['.5', 500],
    ['5.', 5000],
    ['+2', 2000],
    ['250000u', 250],
    ['1n', 1], // less than a milli-core rounds up, as Quantity.MilliValue does
    ['1u', 1],
    ['1500000n', 2],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    ['0', 0],
    ['0.000', 0],
    ['-1', 0], // requests cannot be negative; a negative figure would corrupt the sums
  ])('%s -> %i milli-cores', (text, milli) => {
    expect(quantityToMilli(text)).toBe(milli);
  });

  it('accepts numbers as YAML would write them', () => {
    expect(quantityToMilli(2)).toBe(2000);
    expect(quantityToMilli(0.25)).toBe(250);
  });
});

describe('quantityToUnits (bytes, devices)', () => {
  it.each([
    ['128974848', 128_974_848],
    ['129e6', 129_000_000],
    ['129M', 129_000_000],
    ['123Mi', 128_974_848],
    ['1k', 1000],
    ['1Ki', 1024],
    ['2Gi', 2_147_483_648],
    ['1.5Gi', 1_610_612_736],
    ['500M', 500_000_000],
    ['1T', 1e12],
    ['1Ti', 2 ** 40],
    ['1P', 1e15],
    ['1Pi', 2 ** 50],
    ['0.5', 1], // part of a byte rounds up, as Quantity.Value does
    ['100m', 1],
    ['1E', MAX_FIGURE], // exa is a suffix, and far beyond any node: clamped
    ['1E3', 1000], // E followed by digits is an exponent
    ['12e-1', 2],
  ])('%s -> %i', (text, units) => {
    expect(quantityToUnits(text)).toBe(units);
  });
});

describe('parseQuantityNano', () => {
  it('is exact where floating point is not', () => {
    // 0.1 + 0.2 in floating point is 0.30000000000000004, which would round up to 301m.
    expect(parseQuantityNano('0.1') + parseQuantityNano('0.2')).toBe(parseQuantityNano('0.3'));
    expect(parseQuantityNano('1.1Gi')).toBe(1_181_116_006_400_000_000n); // 1.1 x 2^30 = 1181116006.4 bytes
  });

  it('rounds precision finer than a nano-unit up', () => {
    expect(parseQuantityNano('0.0000000001')).toBe(1n);
    expect(parseQuantityNano('1e-30')).toBe(1n);
  });

  it('caps at 2^63-1 units as Kubernetes does, without building huge numbers', () => {
    const cap = ((1n << 63n) - 1n) * 1_000_000_000n;
    expect(parseQuantityNano('1e100000')).toBe(cap);
    expect(parseQuantityNano('16Ei')).toBe(cap);
  });

  it.each(['', '.', 'Gi', '1Gb', '1 Gi', ' 1', '1e', '1.2.3', '1.5e3.2', 'abc', '1ki', '1m1', '--1', '0x10'])('rejects %j', (text) => {
    expect(() => parseQuantityNano(text)).toThrow(QuantityError);
  });

  it('rejects numbers that are not finite', () => {
    expect(() => parseQuantityNano(Number.NaN)).toThrow(QuantityError);
    expect(() => parseQuantityNano(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
  });
});
