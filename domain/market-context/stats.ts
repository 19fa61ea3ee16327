import { Decimal, ZERO } from '../money/decimal';

/** Median of Decimals (mean of the two middle values for an even count); undefined when empty. */
export function medianOf(values: readonly Decimal[]): Decimal | undefined {
  if (values.length === 0) return undefined;
  // Sort on float keys (cheap: a Decimal compare costs about as much as a division) and read the
  // Decimals back. Amounts and prices carry well under 15 significant digits, so the float order
  // is their order; the median returned is always one of the exact Decimals (or their mean).
  const sorted = values.map((d) => ({ d, k: d.toNumber() })).sort((a, b) => a.k - b.k).map((x) => x.d);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid];
  return sorted[mid - 1]!.plus(sorted[mid]!).div(2);
}

export function meanOf(values: readonly Decimal[]): Decimal | undefined {
  if (values.length === 0) return undefined;
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total.div(values.length);
}

/** a / b, or undefined when b is zero: a ratio against an empty norm means "unknown", not infinity. */
export function ratioOrUndefined(a: Decimal, b: Decimal | undefined): Decimal | undefined {
  if (b === undefined || b.isZero()) return undefined;
  return a.div(b);
}

/** "2.3" style for reasons: one decimal place, never exponent form. */
export function oneDp(d: Decimal): string {
  return d.toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1);
}

export function twoDp(d: Decimal): string {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}
