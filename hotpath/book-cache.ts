import type { FeedState } from '../ports/market-data';
import type { Market } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';
import { VenueClocks } from '../domain/arbitrage/book-clock';

export interface CachedBook {
  market: Market;
  book: OrderBook;
  state: FeedState;
}

export type BookUpdateListener = (entry: CachedBook) => void;

/**
 * The latest copy of every watched book, with its feed state. Short-lived by design: a book is
 * only as good as its `receivedAt`, which the gates judge against the latency profile. Books for
 * markets we do not know are ignored (counted), never guessed.
 */
export class BookCache {
  private readonly entries = new Map<string, CachedBook>();
  private readonly marketsByKey = new Map<string, Market>();
  private readonly states = new Map<string, FeedState>();
  private readonly listeners: BookUpdateListener[] = [];
  /** Per-venue clock offsets from the books' exchange timestamps (the book gate's second clock). */
  readonly clocks = new VenueClocks();
  /** Every known market has a fixed slot: scanners resolve it once and then read `at(slot)`. */
  private readonly slots = new Map<string, number>();
  private readonly bySlot: Array<CachedBook | undefined> = [];
  unknownBooks = 0;

  constructor(markets: Iterable<Market>) {
    for (const m of markets) {
      const key = `${m.exchange}:${m.symbol}`;
      this.marketsByKey.set(key, m);
      if (!this.slots.has(key)) {
        this.slots.set(key, this.bySlot.length);
        this.bySlot.push(undefined);
      }
    }
  }

  /** The fixed slot of a known market (undefined for an unknown one). */
  slotOf(exchange: string, symbol: string): number | undefined {
    return this.slots.get(`${exchange}:${symbol}`);
  }

  /** The latest entry in a slot: what `get` returns, without building a string key. */
  at(slot: number): CachedBook | undefined {
    return this.bySlot[slot];
  }

  onUpdate(l: BookUpdateListener): void {
    this.listeners.push(l);
  }

  market(exchange: string, symbol: string): Market | undefined {
    return this.marketsByKey.get(`${exchange}:${symbol}`);
  }

  markets(): Market[] {
    return [...this.marketsByKey.values()];
  }

  /** Stores the book (the caller hands over a copy it owns) and notifies the scanners. */
  apply(book: OrderBook): CachedBook | undefined {
    const key = `${book.exchange}:${book.symbol}`;
    const market = this.marketsByKey.get(key);
    if (!market) {
      this.unknownBooks += 1;
      return undefined;
    }
    // A book that just arrived proves its feed is flowing, unless the adapter says it redials.
    const known = this.states.get(key);
    const state: FeedState = known === 'reconnecting' || known === 'disconnected' ? known : 'live';
    const entry: CachedBook = { market, book, state };
    this.clocks.observe(book);
    this.entries.set(key, entry);
    this.bySlot[this.slots.get(key)!] = entry;
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** Feed state from the adapter's health (stale, reconnecting...). */
  setState(exchange: string, symbol: string, state: FeedState): void {
    const key = `${exchange}:${symbol}`;
    this.states.set(key, state);
    const e = this.entries.get(key);
    if (e) {
      const next = { ...e, state };
      this.entries.set(key, next);
      this.bySlot[this.slots.get(key)!] = next;
    }
  }

  get(exchange: string, symbol: string): CachedBook | undefined {
    return this.entries.get(`${exchange}:${symbol}`);
  }

  all(): IterableIterator<CachedBook> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}
