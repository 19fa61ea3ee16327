import { Decimal, ZERO } from '../money/decimal';

/** What one venue that lists PAXG with a usable book can spend on it now, in USD. */
export interface GoldVenueCapacity {
  exchange: string;
  spendableUsd: Decimal;
}

export interface GoldAllocation {
  exchange: string;
  usd: Decimal;
}

/**
 * Splits the G-bot's purchase across the venues by what each can spend: no single venue holds
 * 85 % of a portfolio in stables, so refusing until one does would leave the G-bot with nothing.
 * When the venues together can spend more than the budget, each gets the budget in proportion to
 * its capacity (no venue's stables are drained first); otherwise each spends all it can and the
 * caller tops up the rest later. Shares below `minUsd` are not worth an order's fees and are
 * dropped. Amounts are rounded down to the cent, so the sum never exceeds the budget.
 */
export function splitGoldBudget(budgetUsd: Decimal, venues: readonly GoldVenueCapacity[], minUsd: Decimal): GoldAllocation[] {
  if (!budgetUsd.gt(ZERO)) return [];
  const usable = venues.filter((v) => v.spendableUsd.gt(ZERO));
  const total = usable.reduce((t, v) => t.plus(v.spendableUsd), ZERO);
  if (total.isZero()) return [];
  const scale = total.gt(budgetUsd) ? budgetUsd.div(total) : new Decimal(1);
  return usable
    .map((v) => ({ exchange: v.exchange, usd: v.spendableUsd.times(scale).toDecimalPlaces(2, Decimal.ROUND_DOWN) }))
    .filter((a) => a.usd.gte(minUsd) && a.usd.gt(ZERO));
}
