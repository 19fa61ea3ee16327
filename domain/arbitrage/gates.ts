import type { OrderBook } from '../orderbook';
import { reject, type GateRejection } from './rejection';
import { bookShapeProblem } from './book-integrity';
import { exchangeAgeMs, type ClockOffsets } from './book-clock';

export type FeedStateLike = 'live' | 'stale' | 'reconnecting' | 'disconnected';

export interface BookFreshness {
  book: OrderBook;
  state: FeedStateLike;
}

/** The market a refusal names (built only when one is: the gate runs for every book of every evaluated cycle). */
const whereOf = (book: OrderBook): string => `${book.exchange}:${book.symbol}`;

/**
 * Book gates, before any profit maths: every book a decision uses must come from a live feed,
 * be younger than the latency profile allows by our arrival clock and, where the venue stamps
 * its books, by the venue's own clock (moved onto ours by `clocks`: a connected feed delivering
 * old or frozen data is not live), have both sides, be sorted best first and not crossed.
 * `now` is the caller's clock.
 */
export function bookGate(books: readonly BookFreshness[], now: number, maxBookAgeMs: number, clocks?: ClockOffsets): GateRejection | undefined {
  for (const { book, state } of books) {
    if (state !== 'live') return reject('FEED_NOT_LIVE', { market: whereOf(book), state });
    const age = now - book.receivedAt;
    if (age > maxBookAgeMs) return reject('BOOK_STALE', { market: whereOf(book), ageMs: age, maxAgeMs: maxBookAgeMs });
    const exAge = exchangeAgeMs(book, now, clocks);
    if (exAge !== undefined && exAge > maxBookAgeMs) {
      return reject('BOOK_EXCHANGE_STALE', { market: whereOf(book), exchangeAgeMs: Math.round(exAge), maxAgeMs: maxBookAgeMs, clockOffsetMs: Math.round(clocks?.offsetMs(book.exchange) ?? 0) });
    }
    if (book.bids.length === 0 || book.asks.length === 0) return reject('BOOK_EMPTY', { market: whereOf(book), bids: book.bids.length, asks: book.asks.length });
    const shape = bookShapeProblem(book);
    if (shape?.kind === 'unsorted') return reject('BOOK_UNSORTED', { market: whereOf(book), side: shape.side, level: shape.level });
    if (shape?.kind === 'crossed') return reject('BOOK_CROSSED', { market: whereOf(book), bestBid: shape.bestBid.price, bestAsk: shape.bestAsk.price });
  }
  return undefined;
}

/** Coins held by an attempt in flight cannot back a second one ("binance:BTC"). */
export function lockGate(keys: readonly string[], locked: ReadonlySet<string>): GateRejection | undefined {
  for (const k of keys) if (locked.has(k)) return reject('ASSET_LOCKED', { asset: k });
  return undefined;
}
