import { Decimal, HUNDRED, ZERO } from '../money/decimal';
import type { ExchangeId } from '../market';
import { totalWeight, type ExchangeWeights } from './targets';

export interface ExchangeDrift {
  exchange: ExchangeId;
  amount: Decimal;
  targetAmount: Decimal;
  /** Signed: positive = surplus, negative = deficit (asset units). */
  excess: Decimal;
  /**
   * |amount - target| / target in percent. An exchange with no target that still holds the
   * asset reports 100: all of it is misplaced (a ratio to a zero target has no finite value).
   */
  deviationPercent: Decimal;
}

export interface AssetDrift {
  asset: string;
  total: Decimal;
  /** The largest deviation of any exchange from its target, in percent. */
  driftPercent: Decimal;
  limitPercent: Decimal;
  /** Strictly greater than the limit: the rule is "drift more than 15 %". */
  exceedsLimit: boolean;
  exchanges: ExchangeDrift[];
}

export interface RebalancePlan {
  asset: string;
  from: ExchangeId;
  to: ExchangeId;
  /** Asset units to move from the largest surplus to the largest deficit. */
  amount: Decimal;
  amountUsd: Decimal;
  driftPercent: Decimal;
}

/** Drift of one asset across exchanges against target weights. */
export function assetDrift(
  asset: string,
  amounts: Partial<Record<ExchangeId, Decimal>>,
  weights: ExchangeWeights,
  limitPercent: Decimal,
): AssetDrift {
  const weightSum = totalWeight(weights);
  if (weightSum.isZero()) throw new Error(`exchange weights for ${asset} add up to 0`);
  const exchanges = [...new Set([...Object.keys(weights), ...Object.keys(amounts)])].sort() as ExchangeId[];
  let total = ZERO;
  for (const e of exchanges) {
    const a = amounts[e] ?? ZERO;
    if (a.isNegative()) throw new Error(`negative amount ${a.toFixed()} ${asset} on ${e}`);
    total = total.plus(a);
  }

  const rows = exchanges.map((exchange): ExchangeDrift => {
    const amount = amounts[exchange] ?? ZERO;
    const w = weights[exchange] ?? ZERO;
    const targetAmount = total.times(w).div(weightSum);
    // Relative deviation computed as |a*W - T*w| / (T*w): exact for integer weights, so the
    // limit's boundary (15 % vs 15.01 %) is not blurred by a 1/3 that cannot be represented.
    let deviationPercent = ZERO;
    if (total.gt(ZERO)) {
      deviationPercent = w.isZero()
        ? amount.gt(ZERO) ? HUNDRED : ZERO
        : amount.times(weightSum).minus(total.times(w)).abs().times(HUNDRED).div(total.times(w));
    }
    return { exchange, amount, targetAmount, excess: amount.minus(targetAmount), deviationPercent };
  });

  const driftPercent = rows.reduce((max, r) => Decimal.max(max, r.deviationPercent), ZERO);
  return { asset, total, driftPercent, limitPercent, exceedsLimit: driftPercent.gt(limitPercent), exchanges: rows };
}

/**
 * The move that restores balance: from the largest surplus to the largest deficit, the smaller
 * of the two, so one side lands exactly on target and the other moves toward it without
 * overshooting. Returns undefined when the drift is within the limit.
 */
export function planRebalance(drift: AssetDrift, priceUsd: Decimal): RebalancePlan | undefined {
  if (!drift.exceedsLimit) return undefined;
  let surplus: ExchangeDrift | undefined;
  let deficit: ExchangeDrift | undefined;
  for (const r of drift.exchanges) {
    if (r.excess.gt(ZERO) && (!surplus || r.excess.gt(surplus.excess))) surplus = r;
    if (r.excess.lt(ZERO) && (!deficit || r.excess.lt(deficit.excess))) deficit = r;
  }
  // Over the limit implies some exchange is above and another below target; guard anyway.
  if (!surplus || !deficit) return undefined;
  const amount = Decimal.min(surplus.excess, deficit.excess.neg());
  return {
    asset: drift.asset,
    from: surplus.exchange,
    to: deficit.exchange,
    amount,
    amountUsd: amount.times(priceUsd),
    driftPercent: drift.driftPercent,
  };
}
