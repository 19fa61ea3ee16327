import { Decimal, ZERO } from './money/decimal';
import type { ExchangeId, Symbol } from './market';

export interface BookLevel {
  price: Decimal;
  amount: Decimal;
}

/**
 * A copy of an order book at one moment. Bids best (highest) first, asks best (lowest) first.
 * `receivedAt` is our clock when it arrived (ms since epoch); `exchangeTimestamp` the venue's
 * own (absent on some venues, skewed on all): the book gate judges age on both, the venue's
 * moved onto our clock by a per-venue offset estimate (arbitrage/book-clock.ts).
 */
export interface OrderBook {
  exchange: ExchangeId;
  symbol: Symbol;
  bids: BookLevel[];
  asks: BookLevel[];
  receivedAt: number;
  exchangeTimestamp?: number;
  /** Exchange sequence / update id when the venue has one. */
  sequence?: number;
}

/** The book side a taker order consumes: a buy eats asks, a sell eats bids. */
export function takerSide(book: OrderBook, side: 'buy' | 'sell'): BookLevel[] {
  return side === 'buy' ? book.asks : book.bids;
}

export interface BookWalk {
  /** Base amount that the visible levels can fill (<= requested). */
  filled: Decimal;
  /** Quote amount paid (buy) or received (sell) before fees. */
  quote: Decimal;
  /** Volume-weighted average price of the filled part (0 when nothing filled). */
  vwap: Decimal;
  /** Price of the last level touched: the limit an IOC order needs to fill this much. */
  worstPrice: Decimal;
  levelsUsed: number;
  complete: boolean;
}

/**
 * The walk's figures; the VWAP is divided out on first read only (a division at 40 digits is the
 * dearest step of a walk, and most walks in a scan are never booked).
 */
function walkResult(filled: Decimal, quote: Decimal, worstPrice: Decimal, levelsUsed: number, complete: boolean): BookWalk {
  let vwap: Decimal | undefined;
  return {
    filled, quote, worstPrice, levelsUsed, complete,
    get vwap() {
      return (vwap ??= filled.isZero() ? ZERO : quote.div(filled));
    },
  };
}

/** Walks levels to fill `amount` of base, level by level, exactly. */
export function walkBookForBase(levels: readonly BookLevel[], amount: Decimal): BookWalk {
  let remaining = amount;
  let quote = ZERO;
  let worstPrice = ZERO;
  let levelsUsed = 0;
  for (const level of levels) {
    if (remaining.lte(ZERO)) break;
    // Not Decimal.min: it copies both arguments into new Decimals on every level (same value).
    const take = remaining.lte(level.amount) || remaining.isNaN() ? remaining : level.amount;
    if (take.lte(ZERO)) continue;
    quote = quote.plus(take.times(level.price));
    remaining = remaining.minus(take);
    worstPrice = level.price;
    levelsUsed += 1;
  }
  const filled = amount.minus(remaining);
  return walkResult(filled, quote, worstPrice, levelsUsed, remaining.lte(ZERO));
}

/** Walks asks spending up to `quoteBudget` of quote currency (a buy sized in money). */
export function walkBookForQuote(asks: readonly BookLevel[], quoteBudget: Decimal): BookWalk {
  let remaining = quoteBudget;
  let filled = ZERO;
  let worstPrice = ZERO;
  let levelsUsed = 0;
  for (const level of asks) {
    if (remaining.lte(ZERO)) break;
    const levelCost = level.amount.times(level.price);
    const whole = levelCost.lte(remaining);
    const take = whole ? level.amount : remaining.div(level.price);
    if (take.lte(ZERO)) continue;
    filled = filled.plus(take);
    // A partial level spends the whole rest of the budget. Subtracting take x price instead can
    // leave a 1e-38 crumb (remaining / price rounded to 40 digits), which then "touches" the next
    // level and reports its price as the worst price and the walk as one level deeper.
    remaining = whole ? remaining.minus(levelCost) : ZERO;
    worstPrice = level.price;
    levelsUsed += 1;
  }
  const quote = quoteBudget.minus(remaining);
  return walkResult(filled, quote, worstPrice, levelsUsed, remaining.lte(ZERO));
}

/** Total base volume of the first `levels` levels (the depth check's measure). */
export function depthOfTopLevels(levels: readonly BookLevel[], count: number): Decimal {
  let total = ZERO;
  for (let i = 0; i < Math.min(count, levels.length); i += 1) total = total.plus(levels[i]!.amount);
  return total;
}

export function bestBid(book: OrderBook): BookLevel | undefined {
  return book.bids[0];
}

export function bestAsk(book: OrderBook): BookLevel | undefined {
  return book.asks[0];
}

export function midPrice(book: OrderBook): Decimal | undefined {
  const b = book.bids[0];
  const a = book.asks[0];
  return b && a ? b.price.plus(a.price).div(2) : undefined;
}

export function bookAgeMs(book: OrderBook, now: number): number {
  return now - book.receivedAt;
}
