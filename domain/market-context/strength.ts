import { Decimal, ZERO } from '../money/decimal';
import type { ContextBounds } from './policy';

const ONE = new Decimal(1);

/**
 * A context's strength is one signed number in [-1, 1]: -1 a market as quiet as it gets, 0 no
 * signal either way (the baseline), +1 as wild as the policy measures. It maps linearly onto the
 * Q-bot's whole configured ranges: -1 -> min threshold and minMultiple, 0 -> baseline and
 * defaultMultiple, +1 -> max threshold and maxMultiple (two straight pieces meeting at the
 * baseline, so the baseline need not sit in the middle of its range).
 *
 * Rounded toward caution: the threshold up to 0.0001 %, the depth multiple up to 0.01x, so a
 * rounding never lets through a trade the exact figure would refuse.
 */
export function numbersForStrength(strength: Decimal, bounds: ContextBounds): { thresholdPercent: Decimal; depthMultiple: Decimal } {
  const s = Decimal.min(ONE, Decimal.max(ONE.neg(), strength));
  const t = bounds.qbot.netThresholdPercent;
  const d = bounds.qbot.depthCheck;
  const along = (low: Decimal, mid: Decimal, high: Decimal) => (s.gte(ZERO) ? mid.plus(s.times(high.minus(mid))) : mid.plus(s.times(mid.minus(low))));
  const threshold = along(t.min, t.baseline, t.max).toDecimalPlaces(4, Decimal.ROUND_UP);
  const depth = along(d.minMultiple, d.defaultMultiple, d.maxMultiple).toDecimalPlaces(2, Decimal.ROUND_UP);
  // Rounding up must not step over the top of a range.
  return { thresholdPercent: Decimal.min(threshold, t.max), depthMultiple: Decimal.min(depth, d.maxMultiple) };
}
