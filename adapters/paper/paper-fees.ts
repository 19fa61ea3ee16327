import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId, Symbol } from '../../domain/market';
import type { BookLevel } from '../../domain/orderbook';
import type { FeeBook } from '../../domain/fees';

export interface PaperFees {
  rate: Decimal;
  currency: string;
  /** Fee of each fill, in `currency`. */
  perFill: Decimal[];
  total: Decimal;
  allowanceCoveredUsd: Decimal;
  reason: string;
}

export interface PaperFeeInput {
  exchange: ExchangeId;
  symbol: Symbol;
  quote: string;
  fills: readonly BookLevel[];
  cost: Decimal;
  at: number;
  liquidity: 'taker' | 'maker';
  /** The market's listed fee for that liquidity: used when no fee book is wired. */
  listedRate: Decimal;
  feeBook?: FeeBook;
  /** USD per unit of quote; undefined when unknown (then no allowance, no discount). */
  quoteUsd?: Decimal;
  /** Free balance and price (in quote) of the discount asset, when the account has one. */
  discount?: { asset: string; free: Decimal; priceInQuote?: Decimal };
}

/** Fees in a discount asset are charged at its 8-decimal precision, rounded against us. */
const DISCOUNT_ASSET_DP = 8;

/**
 * The fee a paper fill pays: the fee book's rate (allowance, BNB discount) charged in the
 * quote currency, or in the discount asset when the book grants it and the balance covers it.
 */
export function paperFees(i: PaperFeeInput): PaperFees {
  const inQuote = (rate: Decimal, reason: string, covered = ZERO): PaperFees => {
    const perFill = i.fills.map((f) => f.amount.times(f.price).times(rate));
    return { rate, currency: i.quote, perFill, total: perFill.reduce((a, b) => a.plus(b), ZERO), allowanceCoveredUsd: covered, reason };
  };
  if (!i.feeBook) return inQuote(i.listedRate, `listed ${i.liquidity} fee of the market (no fee book wired)`);
  const notionalUsd = i.quoteUsd ? i.cost.times(i.quoteUsd) : undefined;
  const book = i.feeBook;
  const quoteFee = (ctx: { discountAssetValueUsd?: Decimal }) =>
    i.liquidity === 'taker' ? book.effectiveTakerFee(i.exchange, i.symbol, notionalUsd, i.at, ctx) : book.effectiveMakerFee(i.exchange, i.symbol, notionalUsd, i.at, ctx);

  const d = i.discount;
  const discountValueUsd = d?.priceInQuote && i.quoteUsd ? d.free.times(d.priceInQuote).times(i.quoteUsd) : undefined;
  const q = quoteFee({ discountAssetValueUsd: discountValueUsd });
  if (q.feeCurrency === i.quote) return inQuote(q.rate, q.reason, q.allowanceCoveredUsd);
  const price = d?.priceInQuote;
  if (d && price) {
    const perFill = i.fills.map((f) => f.amount.times(f.price).times(q.rate).div(price).toDecimalPlaces(DISCOUNT_ASSET_DP, Decimal.ROUND_UP));
    const total = perFill.reduce((a, b) => a.plus(b), ZERO);
    if (total.lte(d.free)) return { rate: q.rate, currency: d.asset, perFill, total, allowanceCoveredUsd: q.allowanceCoveredUsd, reason: q.reason };
  }
  // The discount asset fell short after rounding: the exchange charges the quote at full rate.
  const full = quoteFee({ discountAssetValueUsd: ZERO });
  return inQuote(full.rate, full.reason, full.allowanceCoveredUsd);
}
