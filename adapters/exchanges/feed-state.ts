import type { ExchangeId, Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { BookHealth, FeedState } from '../../ports/market-data';
import { ClockOffsetEstimate } from '../../domain/arbitrage/book-clock';

interface Slot {
  symbol: Symbol;
  state: FeedState;
  /** When the latest book's data was current, on our clock (see `dataTime`). */
  lastAt: number | null;
  reconnects: number;
  resyncs: number;
  book?: OrderBook;
}

/**
 * Per-book health: the latest copy, how old its data is, and the live/stale/reconnecting state.
 * Kept apart from the socket loops so the watchdog and health() read one consistent table.
 * Age is judged by the later of two clocks' verdicts: arrival (ours) and, where the venue stamps
 * its books, the venue's timestamp moved onto our clock by this venue's offset estimate. A feed
 * that keeps delivering old or frozen data is therefore stale, not live.
 */
export class FeedStates {
  private readonly slots = new Map<Symbol, Slot>();
  private readonly clock = new ClockOffsetEstimate();

  /** `staleAfterMs`: a book whose data is already this old when it arrives is not live. */
  constructor(private readonly exchange: ExchangeId, private readonly staleAfterMs = Number.POSITIVE_INFINITY) {}

  /** When the book's data was current on our clock: its arrival, or earlier by the venue's own stamp. */
  private dataTime(book: OrderBook): number {
    if (book.exchangeTimestamp === undefined) return book.receivedAt;
    this.clock.observe(book.receivedAt, book.exchangeTimestamp);
    return Math.min(book.receivedAt, book.exchangeTimestamp + (this.clock.offsetMs() ?? 0));
  }

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
    slot.lastAt = this.dataTime(book);
    slot.state = book.receivedAt - slot.lastAt > this.staleAfterMs ? 'stale' : 'live';
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
