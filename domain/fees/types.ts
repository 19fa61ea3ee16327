import type { Decimal } from '../money/decimal';
import type { ExchangeId, Symbol } from '../market';

/** Maker and taker fees as fractions (0.001 = 0.1 %). */
export interface FeeRates {
  maker: Decimal;
  taker: Decimal;
}

/** A fee discount for paying in an asset (Binance: 25 % off in BNB). */
export interface FeeDiscount {
  asset: string;
  /** Fraction taken off the rate (0.25). */
  fraction: Decimal;
}

/** No fee until a monthly (calendar month, UTC) notional volume is used up (Coinbase One). */
export interface ZeroFeeAllowance {
  name: string;
  monthlyVolumeUsd: Decimal;
}

/** What one account pays: defaults, per-market overrides, discounts and allowances. */
export interface AccountFeeSchedule {
  exchange: ExchangeId;
  defaults: FeeRates;
  markets: Partial<Record<Symbol, FeeRates>>;
  discount?: FeeDiscount;
  allowance?: ZeroFeeAllowance;
}

export type FeeSource = 'exchange' | 'config-market' | 'config-default';
export type Liquidity = 'taker' | 'maker';

export interface FeeQuote {
  /** The fraction to price the trade with: what will really be charged. */
  rate: Decimal;
  /** The schedule's rate before allowance and discount. */
  scheduleRate: Decimal;
  source: FeeSource;
  /** The asset the fee will be charged in: the quote currency, or the discount asset. */
  feeCurrency: string;
  discountApplied: boolean;
  /** Part of the notional (USD) that the zero-fee allowance covers; consumed on recordFee. */
  allowanceCoveredUsd: Decimal;
  /** Human-readable: why this rate (logged with the decision). */
  reason: string;
}

/** Optional context for a quote that only the caller knows. */
export interface FeeQuoteContext {
  /** USD value of the discount asset available to pay fees (BNB balance x price). */
  discountAssetValueUsd?: Decimal;
}
