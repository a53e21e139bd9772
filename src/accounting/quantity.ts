/**
 * Kubernetes resource.Quantity strings ("100m", "1.5Gi", "129e6", ...) as exact integers.
 *
 * A quantity is held as a BigInt count of nano-units (value x 10^9): every suffix Kubernetes accepts
 * lands on a whole number of nano-units, so sums of requests are exact, as Kubernetes' own
 * Quantity.Add is. Conversion to milli-cores or bytes happens once per pod, rounding up, as
 * Quantity.MilliValue() and Quantity.Value() do.
 */

export class QuantityError extends Error {
  override name = 'QuantityError';
}

const NANO = 1_000_000_000n;

const BINARY_SUFFIX: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

// The grammar of k8s.io/apimachinery/pkg/api/resource: a signed decimal, then a binary-SI suffix,
// a decimal-SI suffix, or an exponent. "1E" is exa; "1E3" is an exponent (the regex tries the
// suffix first and backtracks).
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?|[eE]([+-]?\d+))$/;

/** Kubernetes caps every quantity at 2^63 - 1 units; so do we, which also bounds BigInt work. */
const MAX_UNITS = (1n << 63n) - 1n;
const MAX_NANO = MAX_UNITS * NANO;

/**
 * Largest figure (milli-cores, bytes, counts) a single pod or node contributes. Below 2^52, a sum
 * kept by ExactSum never loses a unit; 2^52 bytes is 4 PiB, beyond any one node.
 */
export const MAX_FIGURE = 2 ** 52 - 1;

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** Parse a quantity into nano-units. Precision finer than a nano-unit rounds up, as Kubernetes does. */
export function parseQuantityNano(quantity: string | number): bigint {
  const text = typeof quantity === 'number' ? numberToQuantityText(quantity) : quantity;
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(`not a quantity: ${JSON.stringify(text)}`);
  const [, sign = '', whole = '', fraction = '', suffix = '', exponentText] = match;
  if (whole === '' && fraction === '') throw new QuantityError(`not a quantity: ${JSON.stringify(text)}`);

  const digits = BigInt(whole + fraction || '0');
  if (digits === 0n) return 0n;

  let multiplier = 1n;
  let exponent = -fraction.length + 9; // nano-units
  if (exponentText !== undefined) {
    exponent += Number(exponentText);
  } else if (suffix in BINARY_SUFFIX) {
    multiplier = BINARY_SUFFIX[suffix] as bigint;
  } else {
    exponent += DECIMAL_SUFFIX_EXPONENT[suffix] as number;
  }

  let nano: bigint;
  const digitCount = whole.length + fraction.length;
  if (exponent + digitCount > 40) {
    // Far above the cap: skip building a huge BigInt.
    nano = MAX_NANO;
  } else if (exponent >= 0) {
    nano = digits * multiplier * pow10(exponent);
  } else if (-exponent > digitCount + 25) {
    // Far below one nano-unit: rounds up to one.
    nano = 1n;
  } else {
    const scaled = digits * multiplier;
    const divisor = pow10(-exponent);
    nano = scaled / divisor + (scaled % divisor === 0n ? 0n : 1n);
  }
  if (nano > MAX_NANO) nano = MAX_NANO;
  return sign === '-' ? -nano : nano;
}

function numberToQuantityText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(`not a quantity: ${value}`);
  // String(1e21) is "1e+21", which the grammar accepts as an exponent.
  return String(value);
}

/**
 * A parsed quantity, with the figures a pod sum needs. `milli` and `units` are the exact value at
 * that scale when it is a whole number there (as canonical quantities are: "250m", "512Mi"), and
 * NaN when it is not, so sums can run on plain numbers and fall back to BigInt only when needed.
 */
export interface ParsedQuantity {
  nano: bigint;
  milli: number;
  units: number;
}

function exactAt(nano: bigint, divisor: bigint): number {
  if (nano % divisor !== 0n) return Number.NaN;
  const value = nano / divisor;
  return value >= 0n && value <= BigInt(MAX_FIGURE) ? Number(value) : Number.NaN;
}

// Pods of one Deployment repeat the same few strings; parsing each once keeps the fold cheap.
// Bounded so a stream of distinct values cannot grow it without end.
const MEMO_LIMIT = 4096;
const memo = new Map<string | number, ParsedQuantity>();

/** parseQuantityNano through a bounded memo of recent strings; invalid input is an error as well. */
export function parseQuantityCached(quantity: string | number): ParsedQuantity {
  const known = memo.get(quantity);
  if (known !== undefined) return known;
  const nano = parseQuantityNano(quantity);
  const parsed = { nano, milli: exactAt(nano, 1_000_000n), units: exactAt(nano, NANO) };
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(quantity, parsed);
  return parsed;
}

function ceilDiv(value: bigint, divisor: bigint): bigint {
  if (value <= 0n) return value / divisor; // truncation is the ceiling for non-positive values
  return (value + divisor - 1n) / divisor;
}

function toFigure(value: bigint): number {
  if (value <= 0n) return 0;
  return value > BigInt(MAX_FIGURE) ? MAX_FIGURE : Number(value);
}

/** Nano-units to milli-units, rounded up (Quantity.MilliValue); negative is 0; clamped at MAX_FIGURE. */
export function nanoToMilli(nano: bigint): number {
  return toFigure(ceilDiv(nano, 1_000_000n));
}

/** Nano-units to whole units, rounded up (Quantity.Value); negative is 0; clamped at MAX_FIGURE. */
export function nanoToUnits(nano: bigint): number {
  return toFigure(ceilDiv(nano, NANO));
}

/** CPU quantity to milli-cores: "100m" -> 100, "1.5" -> 1500. */
export function quantityToMilli(quantity: string | number): number {
  return nanoToMilli(parseQuantityCached(quantity).nano);
}

/** Memory, storage or extended-resource quantity to whole units: "1Ki" -> 1024, "129e6" -> 129000000. */
export function quantityToUnits(quantity: string | number): number {
  return nanoToUnits(parseQuantityCached(quantity).nano);
}
