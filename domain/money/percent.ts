import { Decimal, HUNDRED, TEN_THOUSAND } from './decimal';

/**
 * Rates are kept as fractions internally (0.005 = 0.5 % = 50 bps). Config and people speak in
 * percent, so conversions are explicit and named.
 */
export function percentToFraction(percent: Decimal): Decimal {
  return percent.div(HUNDRED);
}

export function fractionToPercent(fraction: Decimal): Decimal {
  return fraction.times(HUNDRED);
}

export function bpsToFraction(bps: Decimal): Decimal {
  return bps.div(TEN_THOUSAND);
}

export function fractionToBps(fraction: Decimal): Decimal {
  return fraction.times(TEN_THOUSAND);
}

/** `percent` % of `amount`, e.g. percentOf(9000, 85) = 7650. */
export function percentOf(amount: Decimal, percent: Decimal): Decimal {
  return amount.times(percent).div(HUNDRED);
}

/** (to - from) / from as a fraction; throws on a zero base rather than returning Infinity. */
export function relativeChange(from: Decimal, to: Decimal): Decimal {
  if (from.isZero()) throw new Error('relative change from zero is undefined');
  return to.minus(from).div(from);
}
