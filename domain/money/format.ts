import { Decimal } from './decimal';

/**
 * A Decimal as a plain decimal string, never in exponent form ("0.00000001", not "1e-8").
 * With `dp`, rounds half-even to that many places (for display and wire values that have a
 * fixed scale); without it, prints every significant digit.
 */
export function formatDecimal(value: Decimal, dp?: number): string {
  if (!value.isFinite()) throw new Error(`cannot format a non-finite decimal: ${value.toString()}`);
  const s = dp === undefined ? value.toFixed() : value.toFixed(dp, Decimal.ROUND_HALF_EVEN);
  // toFixed keeps the sign of negative zero ("-0"); money never needs it.
  return s.startsWith('-') && new Decimal(s).isZero() ? s.slice(1) : s;
}

/** Human display with thousands separators, e.g. "9,001.25" (dashboard, CLI). */
export function formatForPeople(value: Decimal, dp: number): string {
  const fixed = formatDecimal(value, dp);
  const negative = fixed.startsWith('-');
  const [intPart = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}
