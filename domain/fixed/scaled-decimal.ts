import { Decimal } from '../money/decimal';

/**
 * A decimal as a scaled integer, value = n x 10^-s, whose +, -, x and / round exactly as the
 * project's Decimal does (40 significant digits, half-even; decimal.js rounds each of these
 * correctly): a result with at most 40 digits is exact, a longer one is rounded to 40. So a
 * sequence of operations here gives the very same value, to the last unit, as the same sequence
 * in decimal.js (#17: the triangular walk). `n` is a plain number while it is a safe integer
 * (most amounts and prices of a walk: exact, and a hundred times faster than a BigInt), a BigInt
 * beyond. Internal to evaluators only: values leave as Decimal (`toDecimal`).
 */
export type Int = number | bigint;

export interface Scaled {
  readonly n: Int;
  readonly s: number;
}

const PRECISION = Decimal.precision;
/** 10^k for k in 0..MAX_POW (alignment, rounding and digit counts). */
const MAX_POW = 160;
const POW10: bigint[] = [1n];
for (let k = 1; k <= MAX_POW; k += 1) POW10.push(POW10[k - 1]! * 10n);
const LIMIT = POW10[PRECISION]!;
const NEG_LIMIT = -LIMIT;
/** 10^k as exact doubles, k in 0..15 (a larger shift of a safe integer is never safe anyway). */
const POW10F: number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const isSafe = Number.isSafeInteger;

function pow10(k: number): bigint {
  return k <= MAX_POW ? POW10[k]! : 10n ** BigInt(k);
}

const big = (x: Int): bigint => (typeof x === 'bigint' ? x : BigInt(x));

export const S_ZERO: Scaled = { n: 0, s: 0 };
export const S_ONE: Scaled = { n: 1, s: 0 };

export const isZero = (a: Scaled): boolean => a.n === 0 || a.n === 0n;
/** -1, 0 or 1. */
export const sign = (a: Scaled): number => (a.n > 0 ? 1 : a.n < 0 ? -1 : 0);

/**
 * n x 10^k as a safe integer, or NaN when it is not one. A product of integers that comes out
 * below 2^53 is exact, and one that should not comes out at or above 2^53 (rounding is
 * monotonic), so the safe-integer test on the result is a proof.
 */
export function shifted(n: number, k: number): number {
  if (k >= POW10F.length) return n === 0 ? 0 : NaN;
  const v = n * POW10F[k]!;
  return isSafe(v) ? v : NaN;
}

/** Decimal digits of |n| (0 has 1). */
export function digitCount(n: Int): number {
  if (typeof n === 'number') {
    const a = Math.abs(n);
    let k = 1;
    while (k < POW10F.length && a >= POW10F[k]!) k += 1;
    return k;
  }
  const a = n < 0n ? -n : n;
  if (a >= POW10[MAX_POW]!) return a.toString().length;
  // Smallest k with a < 10^k, by halving 1..40 or 41..160 (a product of two 40-digit figures has ~80).
  let lo = a >= LIMIT ? PRECISION + 1 : 1;
  let hi = a >= LIMIT ? MAX_POW : PRECISION;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a < POW10[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** n x 10^-s rounded to 40 significant digits, half-even (the identity when it fits); a number when safe. */
function round(n: bigint, s: number): Scaled {
  if (n <= MAX_SAFE && n >= -MAX_SAFE) return { n: Number(n), s };
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

/** Both as BigInts on the larger scale (exact). */
function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  if (a.s === b.s) return [big(a.n), big(b.n), a.s];
  return a.s > b.s ? [big(a.n), big(b.n) * pow10(a.s - b.s), a.s] : [big(a.n) * pow10(b.s - a.s), big(b.n), b.s];
}

/** a + sign x b: safe integers first, BigInts when a shift or the sum leaves the safe range. */
function addSigned(a: Scaled, b: Scaled, sgn: 1 | -1): Scaled {
  const x = a.n;
  const y = b.n;
  if (typeof x === 'number' && typeof y === 'number') {
    let r = NaN;
    if (a.s === b.s) r = x + sgn * y;
    else if (a.s > b.s) r = x + sgn * shifted(y, a.s - b.s);
    else r = shifted(x, b.s - a.s) + sgn * y;
    if (isSafe(r)) return { n: r, s: Math.max(a.s, b.s) };
  }
  const [u, v, s] = align(a, b);
  return round(sgn === 1 ? u + v : u - v, s);
}

export const add = (a: Scaled, b: Scaled): Scaled => addSigned(a, b, 1);
export const sub = (a: Scaled, b: Scaled): Scaled => addSigned(a, b, -1);

export function mul(a: Scaled, b: Scaled): Scaled {
  if (typeof a.n === 'number' && typeof b.n === 'number') {
    const p = a.n * b.n;
    // +0: a zero product of a negative is -0 in doubles, plain 0 in decimal.js's value.
    if (isSafe(p)) return { n: p + 0, s: a.s + b.s };
  }
  return round(big(a.n) * big(b.n), a.s + b.s);
}

/** a x b without rounding (a proof's exact product, never a figure). */
export function mulExact(a: Scaled, b: Scaled): Scaled {
  if (typeof a.n === 'number' && typeof b.n === 'number') {
    const p = a.n * b.n;
    if (isSafe(p)) return { n: p + 0, s: a.s + b.s };
  }
  return { n: big(a.n) * big(b.n), s: a.s + b.s };
}

/** a / b rounded to 40 significant digits, half-even; b must not be zero. */
export function div(a: Scaled, b: Scaled): Scaled {
  if (isZero(b)) throw new RangeError('division by zero');
  if (isZero(a)) return S_ZERO;
  const an = big(a.n);
  const bn = big(b.n);
  const neg = (an < 0n) !== (bn < 0n);
  const x = an < 0n ? -an : an;
  const y = bn < 0n ? -bn : bn;
  // Shift so that the integer quotient has at least 41 digits: then rounding it to 40 only needs
  // its dropped digits and the sticky remainder.
  const t = PRECISION + 1 - digitCount(x) + digitCount(y);
  const num = t >= 0 ? x * pow10(t) : x;
  const den = t >= 0 ? y : y * pow10(-t);
  const q = num / den;
  const rem = num - q * den;
  const drop = digitCount(q) - PRECISION;
  const r = roundDropping(q, den, rem, drop, a.s - b.s + t);
  return neg ? { n: -big(r.n), s: r.s } : r;
}

export function cmp(a: Scaled, b: Scaled): number {
  const x = a.n;
  const y = b.n;
  if (a.s === b.s) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'number' && typeof y === 'number') {
    const u = a.s > b.s ? x : shifted(x, b.s - a.s);
    const v = a.s > b.s ? shifted(y, a.s - b.s) : y;
    if (u === u && v === v) return u < v ? -1 : u > v ? 1 : 0;
  }
  const [u, v] = align(a, b);
  return u < v ? -1 : u > v ? 1 : 0;
}

export const lt = (a: Scaled, b: Scaled): boolean => cmp(a, b) < 0;
export const lte = (a: Scaled, b: Scaled): boolean => cmp(a, b) <= 0;

const P38 = POW10[38]!;
const P39 = POW10[39]!;

/**
 * cmp(div(a, b), c) for b > 0, without the 40-digit division when the exact quotient is apart
 * from c by more than its last digit's unit (then its rounding cannot reach or cross c, c having
 * at most 40 digits): |a - c b| x 10^39 > |a| means |a/b - c| > |a/b| x 10^-39 >= ulp(a/b).
 */
export function cmpQuotient(a: Scaled, b: Scaled, c: Scaled): number {
  if (sign(b) > 0 && typeof a.n === 'number' && typeof b.n === 'number' && typeof c.n === 'number') {
    // Safe integers: a and c x b exact, so when they differ they differ by a unit at least, far
    // more than the last digit of a 40-digit a / b (the test below holds for any gap >= 1).
    const cb = c.n * b.n;
    const cbs = c.s + b.s;
    const x = a.s >= cbs ? a.n : shifted(a.n, cbs - a.s);
    const y = a.s >= cbs ? shifted(cb, a.s - cbs) : cb;
    if (isSafe(cb) && x === x && y === y) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (sign(b) > 0 && digitCount(c.n) <= PRECISION) {
    const [x, y] = align(a, mulExact(c, b));
    if (x === y) return 0;
    const gap = x > y ? x - y : y - x;
    if (gap * P39 > (x < 0n ? -x : x)) return x > y ? 1 : -1;
  }
  return cmp(div(a, b), c);
}

/**
 * quantizeDown(add(f, div(r, p)), 10^-places) for f >= 0, r > 0, p > 0 and f on the grid (the
 * order amount of a buy whose budget ends inside a level), as the floor of the exact value,
 * which it equals when that value is 1/den or more away from the grid's points and den is
 * small: the two roundings at 40 digits move it by less than 2 x 10^-40 of itself. Undefined
 * when that is not proven (the caller then does the operations one by one).
 */
export function floorQuotientSum(f: Scaled, r: Scaled, p: Scaled, places: number): Scaled | undefined {
  if (f.s > places) return undefined;
  // (r / p) x 10^places = num / den.
  const e = places + p.s - r.s;
  const fu = f.s === places ? f.n : typeof f.n === 'number' ? shifted(f.n, places - f.s) : f.n * pow10(places - f.s);
  if (typeof r.n === 'number' && typeof p.n === 'number' && typeof fu === 'number') {
    const num = e >= 0 ? shifted(r.n, e) : r.n;
    const den = e >= 0 ? p.n : shifted(p.n, -e);
    if (num === num && den === den) {
      let q = Math.floor(num / den);
      let rem = num - q * den;
      if (rem < 0) {
        q -= 1;
        rem += den;
      } else if (rem >= den) {
        q += 1;
        rem -= den;
      }
      const units = fu + q;
      // On the grid: exact in decimal.js too (15 digits at most). Off it, 1/den away at least, which
      // beats 10^-38 x the value when (units + 1) x den < 10^38 (10^37: room for the doubles' error).
      if (isSafe(units) && (rem === 0 || (units + 1) * den < 1e37)) return { n: units, s: places };
    }
  }
  const num = e >= 0 ? big(r.n) * pow10(e) : big(r.n);
  const den = e >= 0 ? big(p.n) : big(p.n) * pow10(-e);
  const q = num / den;
  const rem = num - q * den;
  const units = (f.s === places ? big(f.n) : big(f.n) * pow10(places - f.s)) + q;
  const width = (units + 1n) * den;
  const safe = rem === 0n ? digitCount(units) < PRECISION && digitCount(q) < PRECISION : rem * P38 > width && (den - rem) * P38 > width;
  return safe ? round(units, places) : undefined;
}

/** To `places` decimal places toward zero (Decimal.toDecimalPlaces(places, ROUND_DOWN)). */
export function truncate(a: Scaled, places: number): Scaled {
  if (a.s <= places) return a;
  const k = a.s - places;
  const n = a.n;
  if (typeof n === 'number' && k < POW10F.length) {
    const p = POW10F[k]!;
    // The double quotient can land on the next integer; the exact remainder puts it right.
    let q = Math.trunc(n / p);
    const r = n - q * p;
    if (n >= 0 ? r < 0 : r > 0) q -= Math.sign(n);
    else if (n >= 0 ? r >= p : r <= -p) q += Math.sign(n);
    return { n: q + 0, s: places };
  }
  // BigInt division truncates toward zero, as ROUND_DOWN does.
  return round(big(n) / pow10(k), places);
}

/** k when the step is exactly 10^-k (k >= 0), else undefined: quantizing is then a truncation. */
export function powerOfTenPlaces(step: Scaled): number | undefined {
  return (step.n === 1 || step.n === 1n) && step.s >= 0 ? step.s : undefined;
}

/**
 * quantizeAmountDown (domain/money/quantize.ts) step for step: a truncation to the step's places
 * when the step is 10^-k and the amount has at most 40 digits, else (amount / step) rounded,
 * truncated to an integer, times the step.
 */
export function quantizeDown(amount: Scaled, step: Scaled, places: number | undefined): Scaled {
  if (places !== undefined && (typeof amount.n === 'number' || digitCount(amount.n) <= PRECISION)) return truncate(amount, places);
  return mul(truncate(div(amount, step), 0), step);
}

const fromCache = new WeakMap<Decimal, Scaled | null>();
const MAX_EXPONENT = 100;
/** decimal.js keeps a value's digits in words of 7 (base 1e7), aligned on the decimal point. */
const WORD = 7;
const WORD_BASE = 1e7;
const WORD_BASE_BIG = 10n ** 7n;

/**
 * The exact scaled form of a finite Decimal, undefined for NaN, infinities and exponents beyond
 * +-100. Remembered per Decimal instance (they are immutable, and the book copier reuses
 * unchanged levels' Decimals).
 */
export function fromDecimal(d: Decimal): Scaled | undefined {
  let v = fromCache.get(d);
  if (v === undefined) {
    // Exponents far beyond money's (1e-500) would make huge integers: left to decimal.js.
    v = d.isFinite() && Math.abs(d.e) <= MAX_EXPONENT ? fromWords(d.d, d.e, d.s) : null;
    fromCache.set(d, v);
  }
  return v ?? undefined;
}

/**
 * The value of decimal.js's digit words (`d`, each 7 digits but the first, word k standing for
 * 10^(7 x (q - k)) with q = floor(e / 7)) as n x 10^-s, s the value's decimal places (none
 * trailing): read from the words directly, a tenth of the cost of `toFixed` and a parse (#17:
 * every new book level is converted once). Null past MAX_EXPONENT places.
 */
function fromWords(words: readonly number[], e: number, sign: number): Scaled | null {
  const last = words.length - 1;
  // Scale of the last word's units: 10^-(WORD x (last - q)).
  let s = WORD * (last - Math.floor(e / WORD));
  let tail = words[last]!;
  if (tail === 0) return S_ZERO;
  // The last word's trailing zeros are not decimal places.
  let drop = 0;
  while (tail % 10 === 0 && drop < s) {
    tail /= 10;
    drop += 1;
  }
  s -= drop;
  if (s > MAX_EXPONENT) return null;
  const unit = 10 ** (WORD - drop);
  let n: Int = 0;
  for (let k = 0; k < last; k += 1) n = n * WORD_BASE + words[k]!;
  n = last === 0 ? tail : n * unit + tail;
  if (!isSafe(n)) {
    let b = 0n;
    for (let k = 0; k < last; k += 1) b = b * WORD_BASE_BIG + BigInt(words[k]!);
    n = last === 0 ? BigInt(tail) : b * BigInt(unit) + BigInt(tail);
  }
  // An integer with trailing zero words (1e14 is the word 1): back to units.
  if (s < 0) {
    n = typeof n === 'number' && isSafe(n * 10 ** -s) ? n * 10 ** -s : big(n) * pow10(-s);
    s = 0;
  }
  if (typeof n === 'bigint' && n <= MAX_SAFE) n = Number(n);
  return { n: sign < 0 ? -n : n, s };
}

export function toDecimal(a: Scaled): Decimal {
  return new Decimal(a.s === 0 ? a.n.toString() : `${a.n.toString()}e${-a.s}`);
}
