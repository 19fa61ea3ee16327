import { Decimal, ZERO } from './decimal';

/**
 * Quantization to exchange grids. All four venues use TICK_SIZE precision: a step is a decimal
 * increment ("0.00001"), not a count of digits.
 */

function assertStep(step: Decimal, what: string): void {
  if (!step.isFinite() || step.lte(ZERO)) throw new Error(`${what} must be a positive decimal, got ${step.toString()}`);
}

/**
 * An order amount down to the market's step. Always toward zero: rounding an amount up could
 * spend money the account does not have or sell more than it holds.
 */
export function quantizeAmountDown(amount: Decimal, step: Decimal): Decimal {
  const places = powerOfTenPlaces(step);
  // A step of 10^-k on an amount of at most `precision` digits: amount / step is exact (a shift),
  // so truncating to k places gives the very same value without a division.
  if (places !== undefined && amount.isFinite() && amount.precision() <= PRECISION) return amount.toDecimalPlaces(places, Decimal.ROUND_DOWN);
  return amount.div(step).toDecimalPlaces(0, Decimal.ROUND_DOWN).times(step);
}

const PRECISION = Decimal.precision;
/** Steps seen so far: k when the step is exactly 10^-k (k >= 0), else null. Markets reuse theirs. */
const stepPlaces = new WeakMap<Decimal, number | null>();

function powerOfTenPlaces(step: Decimal): number | undefined {
  let k = stepPlaces.get(step);
  if (k === undefined) {
    assertStep(step, 'amount step');
    const dp = step.decimalPlaces();
    k = step.eq(new Decimal(`1e-${dp}`)) ? dp : null;
    stepPlaces.set(step, k);
  }
  return k ?? undefined;
}

export type PriceSide = 'buy' | 'sell';

/**
 * A limit price to the market's tick, in the direction that keeps the order conservative:
 * a buy limit rounds down (never pay more than intended), a sell limit rounds up (never
 * accept less). `nearest` is for display and for mid prices.
 */
export function quantizePrice(price: Decimal, tick: Decimal, side: PriceSide | 'nearest'): Decimal {
  assertStep(tick, 'price tick');
  const units = price.div(tick);
  const rounding =
    side === 'buy' ? Decimal.ROUND_FLOOR : side === 'sell' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_EVEN;
  return units.toDecimalPlaces(0, rounding).times(tick);
}

/** True when `value` lies exactly on the grid of `step`. */
export function isOnGrid(value: Decimal, step: Decimal): boolean {
  assertStep(step, 'step');
  return value.mod(step).isZero();
}

/** Number of decimal places a step implies ("0.001" -> 3), for exchanges that want digits. */
export function stepDecimals(step: Decimal): number {
  assertStep(step, 'step');
  return step.decimalPlaces();
}
