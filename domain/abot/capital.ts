import { Decimal, ZERO } from '../money/decimal';
import { percentOf } from '../money/percent';

/** One slot's share: the A-bot's share of the capital (percent of the mode) divided by the slots. */
export function slotBudgetUsd(capitalUsd: Decimal, abotPercent: Decimal, slots: number): Decimal {
  if (slots < 1) throw new Error('the A-bot needs at least one slot');
  if (capitalUsd.lte(ZERO) || abotPercent.lte(ZERO)) return ZERO;
  return percentOf(capitalUsd, abotPercent).div(slots);
}

/** Realised PnL of closing a position: net proceeds in USD minus the USD cost basis. */
export function realisedPnlUsd(proceedsUsd: Decimal, costUsd: Decimal): Decimal {
  return proceedsUsd.minus(costUsd);
}

