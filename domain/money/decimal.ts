import DecimalJs from 'decimal.js';

/**
 * The one Decimal of the project. 40 significant digits is far beyond any price x amount we meet
 * (a BTC price has ~10, an amount ~10); HALF_EVEN avoids a systematic bias when a sum of many
 * rounded values is booked. Exponent limits are wide so toString() never switches notation by
 * accident, but formatting goes through `formatDecimal` anyway.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);
export const HUNDRED = new Decimal(100);
export const TEN_THOUSAND = new Decimal(10_000);

export const ROUND_DOWN = DecimalJs.ROUND_DOWN;
export const ROUND_UP = DecimalJs.ROUND_UP;
export const ROUND_HALF_EVEN = DecimalJs.ROUND_HALF_EVEN;

export function isDecimal(x: unknown): x is Decimal {
  return DecimalJs.isDecimal(x);
}

/**
 * `x.cmp(y)` (-1, 0, 1; NaN if either is NaN) for two Decimals, without allocating: decimal.js's
 * cmp (and gt, lt, eq...) first copies `y` into a new Decimal with its own digit array, which on
 * a check of every level of every book update is most of what the check allocates. Same steps as
 * decimal.js 10's cmp on the instances' sign, exponent and base-1e7 digits.
 */
export function compareDecimals(x: Decimal, y: Decimal): number {
  const xd = x.d;
  const yd = y.d;
  const xs = x.s;
  const ys = y.s;
  // NaN or an infinity (no digits).
  if (!xd || !yd) return !xs || !ys ? NaN : xs !== ys ? xs : xd === yd ? 0 : !xd !== xs < 0 ? 1 : -1;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -ys : 0;
  if (xs !== ys) return xs;
  if (x.e !== y.e) return x.e > y.e !== xs < 0 ? 1 : -1;
  const n = Math.min(xd.length, yd.length);
  for (let i = 0; i < n; i += 1) if (xd[i] !== yd[i]) return xd[i]! > yd[i]! !== xs < 0 ? 1 : -1;
  return xd.length === yd.length ? 0 : xd.length > yd.length !== xs < 0 ? 1 : -1;
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}
