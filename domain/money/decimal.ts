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
