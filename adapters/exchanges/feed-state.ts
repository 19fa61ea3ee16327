import type { ExchangeId, Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { BookHealth, FeedState } from '../../ports/market-data';

interface Slot {
  symbol: Symbol;
  state: FeedState;
  lastAt: number | null;
  reconnects: number;
  resyncs: number;
  book?: OrderBook;
}

/**
 * Per-book health: the latest copy, when it arrived (our clock), and the live/stale/reconnecting
 * state. Kept apart from the socket loops so the watchdog and health() read one consistent table.
 */
export class FeedStates {
  private readonly slots = new Map<Symbol, Slot>();

  constructor(private readonly exchange: ExchangeId) {}

  ensure(symbol: Symbol): void {
    if (!this.slots.has(symbol)) this.slots.set(symbol, { symbol, state: 'reconnecting', lastAt: null, reconnects: 0, resyncs: 0 });
  }

  has(symbol: Symbol): boolean {
    return this.slots.has(symbol);
  }

  update(book: OrderBook): void {
    const slot = this.slots.get(book.symbol);
    if (!slot) return;
    slot.book = book;
    slot.lastAt = book.receivedAt;
    slot.state = 'live';
  }

  latest(symbol: Symbol): OrderBook | undefined {
    return this.slots.get(symbol)?.book;
  }

  mark(symbols: Symbol[], state: FeedState, count?: 'reconnect' | 'resync'): void {
    for (const s of symbols) {
      const slot = this.slots.get(s);
      if (!slot) continue;
      slot.state = state;
      if (count === 'reconnect') slot.reconnects += 1;
      if (count === 'resync') slot.resyncs += 1;
    }
  }

  /** Marks live books older than `staleAfterMs` as stale; returns the symbols that just went stale. */
  sweep(now: number, staleAfterMs: number): Symbol[] {
    const out: Symbol[] = [];
    for (const slot of this.slots.values()) {
      if (slot.state === 'live' && slot.lastAt !== null && now - slot.lastAt > staleAfterMs) {
        slot.state = 'stale';
        out.push(slot.symbol);
      }
    }
    return out;
  }

  health(now: number): Array<BookHealth & { resyncs: number }> {
    return [...this.slots.values()].map((s) => ({
      exchange: this.exchange,
      symbol: s.symbol,
      state: s.state,
      ageMs: s.lastAt === null ? null : now - s.lastAt,
      reconnects: s.reconnects,
      resyncs: s.resyncs,
    }));
  }

  markAll(state: FeedState): void {
    for (const slot of this.slots.values()) slot.state = state;
  }
}
