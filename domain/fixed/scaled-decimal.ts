import { Decimal } from '../money/decimal';

/**
 * A decimal as a scaled integer, value = n x 10^-s, whose +, -, x and / round exactly as the
 * project's Decimal does (40 significant digits, half-even; decimal.js rounds each of these
 * correctly): a result with at most 40 digits is exact, a longer one is rounded to 40. So a
 * sequence of operations here gives the very same value, to the last unit, as the same sequence
 * in decimal.js, at BigInt speed instead of decimal.js's digit arrays (#17: the triangular walk).
 * Internal to evaluators only: values leave as Decimal (`toDecimal`).
 */
export interface Scaled {
  readonly n: bigint;
  readonly s: number;
}

const PRECISION = Decimal.precision;
/** 10^k for k in 0..MAX_POW (alignment, rounding and digit counts). */
const MAX_POW = 160;
const POW10: bigint[] = [1n];
for (let k = 1; k <= MAX_POW; k += 1) POW10.push(POW10[k - 1]! * 10n);
const LIMIT = POW10[PRECISION]!;
const NEG_LIMIT = -LIMIT;

function pow10(k: number): bigint {
  return k <= MAX_POW ? POW10[k]! : 10n ** BigInt(k);
}

export const S_ZERO: Scaled = { n: 0n, s: 0 };
export const S_ONE: Scaled = { n: 1n, s: 0 };

/** Decimal digits of |n| (0 has 1). */
export function digitCount(n: bigint): number {
  const a = n < 0n ? -n : n;
  if (a >= LIMIT) {
    // Past 40 digits only a rounding asks, and its inputs are seldom much longer: count up.
    let k = PRECISION + 1;
    while (k <= MAX_POW && a >= POW10[k]!) k += 1;
    return k <= MAX_POW ? k : a.toString().length;
  }
  // Smallest k with a < 10^k, by halving 0..40.
  let lo = 1;
  let hi = PRECISION;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a < POW10[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Rounds n x 10^-s to 40 significant digits, half-even (the identity when it fits). */
function round(n: bigint, s: number): Scaled {
  if (n < LIMIT && n > NEG_LIMIT) return { n, s };
  const drop = digitCount(n) - PRECISION;
  return roundDropping(n, 1n, 0n, drop, s);
}

/**
 * (n + rem/den) x 10^-s with `drop` low digits of n removed, rounded half-even on the magnitude
 * (decimal.js rounds the magnitude: -2.5 -> -2); `rem` is a sticky remainder of a division (>= 0).
 */
function roundDropping(n: bigint, den: bigint, rem: bigint, drop: number, s: number): Scaled {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const p = pow10(drop);
  let q = a / p;
  const low = a - q * p;
  // Compare (low + rem/den) with p/2: 2 (low x den + rem) against p x den.
  const twice = 2n * (low * den + rem);
  const half = p * den;
  if (twice > half || (twice === half && (q & 1n) === 1n)) q += 1n;
  return { n: neg ? -q : q, s: s - drop };
}

/** Both as integers on the larger scale (exact). */
function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  if (a.s === b.s) return [a.n, b.n, a.s];
  return a.s > b.s ? [a.n, b.n * pow10(a.s - b.s), a.s] : [a.n * pow10(b.s - a.s), b.n, b.s];
}

export function add(a: Scaled, b: Scaled): Scaled {
  if (a.s === b.s) return round(a.n + b.n, a.s);
  const [x, y, s] = align(a, b);
  return round(x + y, s);
}

export function sub(a: Scaled, b: Scaled): Scaled {
  if (a.s === b.s) return round(a.n - b.n, a.s);
  const [x, y, s] = align(a, b);
  return round(x - y, s);
}

export function mul(a: Scaled, b: Scaled): Scaled {
  return round(a.n * b.n, a.s + b.s);
}

/** a / b rounded to 40 significant digits, half-even; b must not be zero. */
export function div(a: Scaled, b: Scaled): Scaled {
  if (b.n === 0n) throw new RangeError('division by zero');
  if (a.n === 0n) return S_ZERO;
  const neg = (a.n < 0n) !== (b.n < 0n);
  const x = a.n < 0n ? -a.n : a.n;
  const y = b.n < 0n ? -b.n : b.n;
  // Shift so that the integer quotient has at least 41 digits: then rounding it to 40 only needs
  // its dropped digits and the sticky remainder.
  const t = PRECISION + 1 - digitCount(x) + digitCount(y);
  const num = t >= 0 ? x * pow10(t) : x;
  const den = t >= 0 ? y : y * pow10(-t);
  const q = num / den;
  const rem = num - q * den;
  const drop = digitCount(q) - PRECISION;
  const r = roundDropping(q, den, rem, drop, a.s - b.s + t);
  return neg ? { n: -r.n, s: r.s } : r;
}

export function cmp(a: Scaled, b: Scaled): number {
  if (a.s === b.s) return a.n < b.n ? -1 : a.n === b.n ? 0 : 1;
  const [x, y] = align(a, b);
  return x < y ? -1 : x === y ? 0 : 1;
}

export const lt = (a: Scaled, b: Scaled): boolean => cmp(a, b) < 0;
export const lte = (a: Scaled, b: Scaled): boolean => cmp(a, b) <= 0;

/** To `places` decimal places toward zero (Decimal.toDecimalPlaces(places, ROUND_DOWN)). */
export function truncate(a: Scaled, places: number): Scaled {
  if (a.s <= places) return a;
  // BigInt division truncates toward zero, as ROUND_DOWN does.
  return { n: a.n / pow10(a.s - places), s: places };
}

/** k when the step is exactly 10^-k (k >= 0), else undefined: quantizing is then a truncation. */
export function powerOfTenPlaces(step: Scaled): number | undefined {
  return step.n === 1n && step.s >= 0 ? step.s : undefined;
}

/**
 * quantizeAmountDown (domain/money/quantize.ts) step for step: a truncation to the step's places
 * when the step is 10^-k and the amount has at most 40 digits, else (amount / step) rounded,
 * truncated to an integer, times the step.
 */
export function quantizeDown(amount: Scaled, step: Scaled, places: number | undefined): Scaled {
  if (places !== undefined && digitCount(amount.n) <= PRECISION) return truncate(amount, places);
  return mul(truncate(div(amount, step), 0), step);
}

const fromCache = new WeakMap<Decimal, Scaled | null>();

/**
 * The exact scaled form of a finite Decimal, undefined for NaN and infinities. Remembered per
 * Decimal instance (they are immutable, and the book copier reuses unchanged levels' Decimals).
 */
export function fromDecimal(d: Decimal): Scaled | undefined {
  let v = fromCache.get(d);
  if (v === undefined) {
    if (d.isFinite()) {
      const s = d.decimalPlaces();
      v = { n: BigInt(d.toFixed(s).replace('.', '')), s };
    } else {
      v = null;
    }
    fromCache.set(d, v);
  }
  return v ?? undefined;
}

export function toDecimal(a: Scaled): Decimal {
  return new Decimal(a.s === 0 ? a.n.toString() : `${a.n.toString()}e${-a.s}`);
}
