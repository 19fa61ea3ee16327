import { Decimal, ZERO } from '../money/decimal';

export interface BnbReserveRule {
  /** Floor in USD, so a quiet week does not shrink the reserve to nothing. */
  minimumUsd: Decimal;
  daysOfFeeSpend: number;
}

export interface FeeSpendWindow {
  /** BNB paid in fees over the window (from the ledger). */
  bnbSpent: Decimal;
  /** Length of the window in days (> 0); may be fractional for a young account. */
  days: Decimal;
}

export interface BnbReserve {
  averageDailyBnb: Decimal;
  fromFeeSpendBnb: Decimal;
  fromMinimumBnb: Decimal;
  /** The reserve to keep: the larger of the two. */
  requiredBnb: Decimal;
  requiredUsd: Decimal;
  binding: 'fee-spend' | 'minimum';
}

/**
 * The dynamic BNB minimum on Binance: enough to pay `daysOfFeeSpend` days of fees at the recent
 * average rate, never less than `minimumUsd` worth. Running dry silently costs the fee discount
 * (Binance then charges the fee in the traded asset), which is worth more than holding a bit of BNB.
 */
export function bnbReserve(rule: BnbReserveRule, spend: FeeSpendWindow, bnbPriceUsd: Decimal): BnbReserve {
  if (!bnbPriceUsd.gt(ZERO)) throw new Error(`BNB price must be positive, got ${bnbPriceUsd.toFixed()}`);
  if (!spend.days.gt(ZERO)) throw new Error(`fee window must be longer than 0 days, got ${spend.days.toFixed()}`);
  if (spend.bnbSpent.isNegative()) throw new Error(`fee spend cannot be negative, got ${spend.bnbSpent.toFixed()}`);
  if (!Number.isInteger(rule.daysOfFeeSpend) || rule.daysOfFeeSpend < 1) throw new Error('daysOfFeeSpend must be a whole number >= 1');

  const averageDailyBnb = spend.bnbSpent.div(spend.days);
  const fromFeeSpendBnb = averageDailyBnb.times(rule.daysOfFeeSpend);
  const fromMinimumBnb = rule.minimumUsd.div(bnbPriceUsd);
  const binding = fromFeeSpendBnb.gt(fromMinimumBnb) ? 'fee-spend' : 'minimum';
  const requiredBnb = binding === 'fee-spend' ? fromFeeSpendBnb : fromMinimumBnb;
  return { averageDailyBnb, fromFeeSpendBnb, fromMinimumBnb, requiredBnb, requiredUsd: requiredBnb.times(bnbPriceUsd), binding };
}

/** BNB to buy to get back to the reserve (0 when the balance already covers it). */
export function bnbTopUp(balanceBnb: Decimal, reserve: BnbReserve): Decimal {
  return Decimal.max(ZERO, reserve.requiredBnb.minus(balanceBnb));
}
