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
  unknownBooks = 0;

  constructor(markets: Iterable<Market>) {
    for (const m of markets) this.marketsByKey.set(`${m.exchange}:${m.symbol}`, m);
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
    for (const l of this.listeners) l(entry);
    return entry;
  }

  /** Feed state from the adapter's health (stale, reconnecting...). */
  setState(exchange: string, symbol: string, state: FeedState): void {
    const key = `${exchange}:${symbol}`;
    this.states.set(key, state);
    const e = this.entries.get(key);
    if (e) this.entries.set(key, { ...e, state });
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
