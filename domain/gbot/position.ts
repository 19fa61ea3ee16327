import { Decimal, ZERO } from '../money/decimal';
import { percentOf } from '../money/percent';
import { quantizeAmountDown } from '../money/quantize';

/**
 * The G-bot's PAXG at average cost. Amounts and costs are Decimals here; the workflow keeps them
 * as decimal strings.
 */
export interface GoldLot {
  amount: Decimal;
  /** USD paid for `amount`, fees included. */
  costUsd: Decimal;
}

export const NO_GOLD: GoldLot = { amount: ZERO, costUsd: ZERO };

export function addGold(lot: GoldLot, amount: Decimal, costUsd: Decimal): GoldLot {
  if (amount.lt(ZERO) || costUsd.lt(ZERO)) throw new Error('a purchase cannot be negative');
  return { amount: lot.amount.plus(amount), costUsd: lot.costUsd.plus(costUsd) };
}

/** USD per PAXG paid on average; zero for an empty lot. */
export function averageCost(lot: GoldLot): Decimal {
  return lot.amount.isZero() ? ZERO : lot.costUsd.div(lot.amount);
}

/** Takes `amount` out at the average cost: what remains, and the cost basis that left with it. */
export function removeGold(lot: GoldLot, amount: Decimal): { remaining: GoldLot; removedCostUsd: Decimal } {
  if (amount.gt(lot.amount)) throw new Error(`cannot remove ${amount.toFixed()} PAXG from ${lot.amount.toFixed()}`);
  if (amount.eq(lot.amount)) return { remaining: NO_GOLD, removedCostUsd: lot.costUsd };
  const removedCostUsd = averageCost(lot).times(amount);
  return { remaining: { amount: lot.amount.minus(amount), costUsd: lot.costUsd.minus(removedCostUsd) }, removedCostUsd };
}

/**
 * The flip-to-BTC split: sell `sellPercent` (85 %) rounded down to the market's step, keep the
 * rest (15 % plus the rounding crumb) for the cold wallet. Rounding toward the kept part means the
 * cold wallet never gets less than its 15 %.
 */
export function flipSplit(amount: Decimal, sellPercent: Decimal, amountStep?: Decimal): { sell: Decimal; keep: Decimal } {
  if (amount.lte(ZERO)) return { sell: ZERO, keep: ZERO };
  const raw = percentOf(amount, sellPercent);
  const sell = amountStep ? quantizeAmountDown(raw, amountStep) : raw;
  return { sell, keep: amount.minus(sell) };
}

/** What the G-bot should still buy: its share of the capital minus the gold it already holds. */
export function goldBudgetUsd(capitalUsd: Decimal, gbotPercent: Decimal, heldValueUsd: Decimal): Decimal {
  const target = percentOf(capitalUsd, gbotPercent);
  return Decimal.max(ZERO, target.minus(heldValueUsd));
}
