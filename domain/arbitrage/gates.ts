import type { OrderBook } from '../orderbook';
import { reject, type GateRejection } from './rejection';

export type FeedStateLike = 'live' | 'stale' | 'reconnecting' | 'disconnected';

export interface BookFreshness {
  book: OrderBook;
  state: FeedStateLike;
}

/**
 * Book gates, before any profit maths: every book a decision uses must come from a live feed,
 * be younger than the latency profile allows, and have both sides. `now` is the caller's clock.
 */
export function bookGate(books: readonly BookFreshness[], now: number, maxBookAgeMs: number): GateRejection | undefined {
  for (const { book, state } of books) {
    const where = `${book.exchange}:${book.symbol}`;
    if (state !== 'live') return reject('FEED_NOT_LIVE', { market: where, state });
    const age = now - book.receivedAt;
    if (age > maxBookAgeMs) return reject('BOOK_STALE', { market: where, ageMs: age, maxAgeMs: maxBookAgeMs });
    if (book.bids.length === 0 || book.asks.length === 0) return reject('BOOK_EMPTY', { market: where, bids: book.bids.length, asks: book.asks.length });
  }
  return undefined;
}

/** Coins held by an attempt in flight cannot back a second one ("binance:BTC"). */
export function lockGate(keys: readonly string[], locked: ReadonlySet<string>): GateRejection | undefined {
  for (const k of keys) if (locked.has(k)) return reject('ASSET_LOCKED', { asset: k });
  return undefined;
}
