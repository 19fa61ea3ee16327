import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import { diffBooks, type BookDiff, type BookSides, type Level } from './book';
import type { SimMarket } from './markets';

/** One live book of one venue, with the sequence numbers its wire formats need. */
export interface LiveBook {
  market: SimMarket;
  book: BookSides;
  /** Binance lastUpdateId / Coinbase sequence base: grows with every change. */
  seq: number;
  /** Time of the last change (ms). */
  timestamp: number;
  /** Levels a side the model keeps for this book; grows when a client asks for a deeper book. */
  depth: number;
}

/** Grows a book to at least `levels` a side (the model's far end), or says it cannot. */
export type Deepener = (lb: LiveBook, levels: number) => { next: BookSides; diff: BookDiff } | undefined;

export interface BookUpdate {
  exchange: ExchangeId;
  /** Every symbol showing this book (Coinbase BTC/USD and its BTC/USDC alias). */
  symbols: string[];
  diff: BookDiff;
  firstSeq: number;
  lastSeq: number;
  timestamp: number;
  /** Set when the simulator skips sequence numbers on purpose (fault injection). */
  gap?: boolean;
  /** Levels per side before this change (a venue splitting the diff keeps every side non-empty). */
  before: { bids: number; asks: number };
}

export interface TradePrint { exchange: ExchangeId; symbols: string[]; id: number; price: Decimal; amount: Decimal; side: 'buy' | 'sell'; timestamp: number }

/** A gap fault's update went out (the subscribers' books broke), or a snapshot of the book did. */
export interface BookEvent { exchange: ExchangeId; symbol: string; kind: 'gap' | 'snapshot'; at: number }

type Listener = (u: BookUpdate) => void;
type TradeListener = (t: TradePrint) => void;

/**
 * All books of all venues. Whatever drives prices (the model, a replay, a test, an order that
 * takes liquidity) goes through `apply`, so every subscriber sees the same diffs and sequences.
 */
export class BookStore {
  private readonly books = new Map<string, LiveBook>();
  private readonly markets = new Map<ExchangeId, Map<string, SimMarket>>();
  private readonly listeners = new Set<Listener>();
  private readonly tradeListeners = new Set<TradeListener>();
  private tradeId = 1;
  /** Symbols whose next update skips sequence numbers (fault injection). */
  private readonly pendingGaps = new Set<string>();
  private deepener: Deepener | undefined;
  private readonly events: BookEvent[] = [];

  constructor(private readonly now: () => number) {}

  addMarket(market: SimMarket, initialSeq = 1_000_000): void {
    let byEx = this.markets.get(market.exchange);
    if (!byEx) this.markets.set(market.exchange, (byEx = new Map()));
    byEx.set(market.symbol, market);
    if (market.aliasOf) return;
    this.books.set(key(market.exchange, market.symbol), { market, book: { bids: [], asks: [] }, seq: initialSeq, timestamp: this.now(), depth: 0 });
  }

  marketsOf(exchange: ExchangeId): SimMarket[] {
    return [...(this.markets.get(exchange)?.values() ?? [])];
  }

  market(exchange: ExchangeId, symbol: string): SimMarket | undefined {
    return this.markets.get(exchange)?.get(symbol);
  }

  marketById(exchange: ExchangeId, id: string): SimMarket | undefined {
    return this.marketsOf(exchange).find((m) => m.id === id);
  }

  /** The live book behind a symbol (an alias resolves to its source book). */
  live(exchange: ExchangeId, symbol: string): LiveBook | undefined {
    const m = this.market(exchange, symbol);
    if (!m) return undefined;
    return this.books.get(key(exchange, m.aliasOf ?? symbol));
  }

  sourceBooks(): LiveBook[] {
    return [...this.books.values()];
  }

  symbolsShowing(exchange: ExchangeId, sourceSymbol: string): string[] {
    return this.marketsOf(exchange).filter((m) => (m.aliasOf ?? m.symbol) === sourceSymbol).map((m) => m.symbol);
  }

  onUpdate(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  onTrade(l: TradeListener): () => void {
    this.tradeListeners.add(l);
    return () => this.tradeListeners.delete(l);
  }

  scheduleGap(exchange: ExchangeId, symbol: string): void {
    const lb = this.live(exchange, symbol);
    if (lb) this.pendingGaps.add(key(exchange, lb.market.symbol));
  }

  /** A venue served a snapshot of this book (a REST depth, a WebSocket subscription's first message). */
  noteSnapshot(exchange: ExchangeId, symbol: string): void {
    this.note({ exchange, symbol, kind: 'snapshot', at: this.now() });
  }

  /** Gaps and snapshots, oldest first (the last 1000), so a test can tell when a book was broken. */
  bookEvents(): BookEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  private note(e: BookEvent): void {
    this.events.push(e);
    if (this.events.length > 1000) this.events.shift();
  }

  setDeepener(d: Deepener): void {
    this.deepener = d;
  }

  /**
   * Makes sure a book shows `levels` a side where its driver can grow it (a full-book snapshot, a
   * large REST depth). The new far levels are published like any change, so every subscriber's
   * copy stays whole. A replayed book keeps the depth it was recorded with.
   */
  ensureDepth(exchange: ExchangeId, symbol: string, levels: number): void {
    const lb = this.live(exchange, symbol);
    if (!lb || !this.deepener || lb.depth >= levels) return;
    const grown = this.deepener(lb, levels);
    if (grown) this.publish(lb, grown.next, grown.diff, lb.timestamp);
  }

  /** Replaces a book and publishes the difference. */
  apply(exchange: ExchangeId, symbol: string, next: BookSides, timestamp = this.now()): void {
    const lb = this.live(exchange, symbol);
    if (!lb) throw new Error(`no market ${symbol} on ${exchange}`);
    this.publish(lb, { bids: next.bids.map(copyLevel), asks: next.asks.map(copyLevel) }, diffBooks(lb.book, next), timestamp);
  }

  /**
   * Replaces a book with one whose difference the caller already knows (the model's step): no
   * level-by-level comparison of a deep book. `next` must not be changed afterwards.
   */
  applyKnown(exchange: ExchangeId, symbol: string, next: BookSides, diff: BookDiff, timestamp = this.now()): void {
    const lb = this.live(exchange, symbol);
    if (!lb) throw new Error(`no market ${symbol} on ${exchange}`);
    this.publish(lb, next, diff, timestamp);
  }

  private publish(lb: LiveBook, next: BookSides, diff: BookDiff, timestamp: number): void {
    const exchange = lb.market.exchange;
    const before = { bids: lb.book.bids.length, asks: lb.book.asks.length };
    lb.book = next;
    lb.timestamp = timestamp;
    const changes = diff.bids.length + diff.asks.length;
    if (changes === 0) return;
    const k = key(exchange, lb.market.symbol);
    const gap = this.pendingGaps.delete(k);
    // A gap fault burns sequence numbers that no subscriber ever receives.
    if (gap) {
      lb.seq += 7;
      this.note({ exchange, symbol: lb.market.symbol, kind: 'gap', at: this.now() });
    }
    const firstSeq = lb.seq + 1;
    lb.seq += changes;
    const update: BookUpdate = { exchange, symbols: this.symbolsShowing(exchange, lb.market.symbol), diff, firstSeq, lastSeq: lb.seq, timestamp, before, ...(gap ? { gap } : {}) };
    for (const l of this.listeners) l(update);
  }

  publishTrade(exchange: ExchangeId, symbol: string, price: Decimal, amount: Decimal, side: 'buy' | 'sell'): void {
    const lb = this.live(exchange, symbol);
    if (!lb) return;
    const t: TradePrint = { exchange, symbols: this.symbolsShowing(exchange, lb.market.symbol), id: this.tradeId++, price, amount, side, timestamp: this.now() };
    for (const l of this.tradeListeners) l(t);
  }
}

function copyLevel(l: Level): Level {
  return [l[0], l[1]];
}

function key(exchange: ExchangeId, symbol: string): string {
  return `${exchange}:${symbol}`;
}
