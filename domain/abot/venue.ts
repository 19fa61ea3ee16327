import { Decimal, ONE, ZERO } from '../money/decimal';
import { walkBookForBase, walkBookForQuote } from '../orderbook';
import type { ExchangeId, Market } from '../market';
import type { OrderBook } from '../orderbook';

/**
 * Choosing where to trade by net price: the book walk for the actual size, the taker fee, and
 * the quote currency's USD value. A venue that cannot fill the whole size is a worse venue, not
 * a cheaper one, so incomplete walks are left out.
 */

export interface VenueInput {
  market: Market;
  book: OrderBook;
  takerFee: Decimal;
  /** USD per unit of the market's quote (1 for USD, about 1 for USDT/USDC). */
  quoteUsd: Decimal;
}

export interface BuyQuote {
  exchange: ExchangeId;
  symbol: string;
  quote: string;
  /** Base amount the budget buys, before quantization. */
  baseAmount: Decimal;
  /** Quote spent before the fee. */
  quoteSpent: Decimal;
  /** Limit price for an IOC order that fills this much. */
  limitPrice: Decimal;
  /** USD per base unit, fee included: what is compared. */
  netUsdPerUnit: Decimal;
}

export interface SellQuote {
  exchange: ExchangeId;
  symbol: string;
  quote: string;
  baseAmount: Decimal;
  limitPrice: Decimal;
  /** USD received per base unit after the fee. */
  netUsdPerUnit: Decimal;
}

/** What `budgetUsd` buys on one market; null when the book cannot take it. */
export function buyQuote(v: VenueInput, budgetUsd: Decimal): BuyQuote | null {
  if (v.quoteUsd.lte(ZERO) || budgetUsd.lte(ZERO)) return null;
  // The fee comes on top of the notional: spend budget / (1 + fee) on the book itself.
  const quoteBudget = budgetUsd.div(v.quoteUsd).div(ONE.plus(v.takerFee));
  const walk = walkBookForQuote(v.book.asks, quoteBudget);
  if (!walk.complete || walk.filled.isZero()) return null;
  const netUsdPerUnit = walk.quote.times(ONE.plus(v.takerFee)).times(v.quoteUsd).div(walk.filled);
  return { exchange: v.market.exchange, symbol: v.market.symbol, quote: v.market.quote, baseAmount: walk.filled, quoteSpent: walk.quote, limitPrice: walk.worstPrice, netUsdPerUnit };
}

/** What selling `amount` fetches on one market; null when the bids cannot take it all. */
export function sellQuote(v: VenueInput, amount: Decimal): SellQuote | null {
  if (v.quoteUsd.lte(ZERO) || amount.lte(ZERO)) return null;
  const walk = walkBookForBase(v.book.bids, amount);
  if (!walk.complete) return null;
  const netUsdPerUnit = walk.quote.times(ONE.minus(v.takerFee)).times(v.quoteUsd).div(amount);
  return { exchange: v.market.exchange, symbol: v.market.symbol, quote: v.market.quote, baseAmount: amount, limitPrice: walk.worstPrice, netUsdPerUnit };
}

/** The cheapest net price; ties go to the earlier candidate (callers list venues in config order). */
export function bestBuy(quotes: ReadonlyArray<BuyQuote | null>): BuyQuote | null {
  let best: BuyQuote | null = null;
  for (const q of quotes) if (q && (!best || q.netUsdPerUnit.lt(best.netUsdPerUnit))) best = q;
  return best;
}

/** The highest net proceeds. */
export function bestSell(quotes: ReadonlyArray<SellQuote | null>): SellQuote | null {
  let best: SellQuote | null = null;
  for (const q of quotes) if (q && (!best || q.netUsdPerUnit.gt(best.netUsdPerUnit))) best = q;
  return best;
}

