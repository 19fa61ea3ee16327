import { Decimal, ONE, ZERO } from '../money/decimal';
import { walkBookForBase, walkBookForQuote, midPrice, type OrderBook } from '../orderbook';
import type { Market } from '../market';
import type { TakerFeeFn } from './fees';

/** A live book with its market rules, as the scanners hold them. */
export interface MarketBook {
  market: Market;
  book: OrderBook;
}

export interface PegReading {
  stable: string;
  peg: string;
  /** |price - 1| in percent, the worst over the venues that quote it. */
  deviationPercent: Decimal;
  /** The book that gave the worst reading ("kraken:USDT/USD"). */
  source: string;
}

function mid(b: MarketBook): Decimal | undefined {
  return midPrice(b.book);
}

/**
 * How far a stablecoin trades from its peg, read from live books: STABLE/PEG directly, or
 * PEG/STABLE inverted. Takes the worst venue: a depeg seen anywhere is a reason to stop.
 * Undefined when no venue quotes the pair (then cross-quote trades find no conversion anyway).
 */
export function pegDeviation(stable: string, peg: string, books: Iterable<MarketBook>): PegReading | undefined {
  let worst: PegReading | undefined;
  for (const b of books) {
    const { base, quote } = b.market;
    let price: Decimal | undefined;
    if (base === stable && quote === peg) price = mid(b);
    else if (base === peg && quote === stable) price = mid(b)?.pow(-1);
    if (!price || price.lte(ZERO)) continue;
    const deviationPercent = price.minus(ONE).abs().times(100);
    if (!worst || deviationPercent.gt(worst.deviationPercent)) {
      worst = { stable, peg, deviationPercent, source: `${b.market.exchange}:${b.market.symbol}` };
    }
  }
  return worst;
}

/** The stables beyond the band, with their readings (for the STABLE_DEPEG figures). */
export function depeggedStables(
  stables: Record<string, string>,
  books: Iterable<MarketBook>,
  bandPercent: Decimal,
): Map<string, PegReading> {
  const list = [...books];
  const out = new Map<string, PegReading>();
  for (const [stable, peg] of Object.entries(stables)) {
    const r = pegDeviation(stable, peg, list);
    if (r && r.deviationPercent.gt(bandPercent)) out.set(stable, r);
  }
  return out;
}

export interface Conversion {
  from: string;
  to: string;
  amountIn: Decimal;
  /** After the conversion's taker fee. */
  amountOut: Decimal;
  /** Same, before the fee (for the gross figure). */
  amountOutBeforeFee: Decimal;
  via: string;
}

/**
 * Values `amount` of `from` in `to` as if converted now on the best live stable book (TO/FROM:
 * buy TO with FROM at the asks; FROM/TO: sell FROM at the bids), walking the book and paying its
 * taker fee. The conversion itself happens later, at rebalance time; this is what it is worth now.
 */
export function convertAtBooks(
  amount: Decimal,
  from: string,
  to: string,
  books: Iterable<MarketBook>,
  fee: TakerFeeFn,
): Conversion | undefined {
  if (from === to) return { from, to, amountIn: amount, amountOut: amount, amountOutBeforeFee: amount, via: 'same' };
  let best: Conversion | undefined;
  for (const b of books) {
    const { base, quote, exchange, symbol } = b.market;
    let out: Decimal | undefined;
    let f: Decimal | undefined;
    if (base === to && quote === from) {
      const w = walkBookForQuote(b.book.asks, amount);
      if (!w.complete) continue;
      out = w.filled;
      f = fee(exchange, symbol, 'buy');
    } else if (base === from && quote === to) {
      const w = walkBookForBase(b.book.bids, amount);
      if (!w.complete) continue;
      out = w.quote;
      f = fee(exchange, symbol, 'sell');
    }
    if (out === undefined || f === undefined) continue;
    const net = out.times(ONE.minus(f));
    if (!best || net.gt(best.amountOut)) best = { from, to, amountIn: amount, amountOut: net, amountOutBeforeFee: out, via: `${exchange}:${symbol}` };
  }
  return best;
}
