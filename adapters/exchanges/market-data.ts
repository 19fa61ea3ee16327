import type { Exchange, Market as CcxtMarket, OrderBook as CcxtBook, Trade as CcxtTrade } from 'ccxt';
import type { ExchangeId, Market, Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { Clock } from '../../ports/clock';
import type { BookHealth, BookListener, Candle, MarketData, TradeListener } from '../../ports/market-data';
import { runWatchLoop } from './book-loop';
import { BookStamp, chunk, type MarketDataConfig } from './market-data-config';
import { BookCopier } from './book-copier';
import { dec, toMarket } from './convert';
import { FeedStates } from './feed-state';
import { BrokenBookError } from './book-loop';
import { bookShapeProblem, describeShapeProblem } from '../../domain/arbitrage/book-integrity';
import { loadMarketsRecovering } from './load-markets';
import type { Logger } from './log';
import type { RateBudget } from './rate-budget';
import { copyTrade } from './trades';
import type { VenueQuirks } from './venues/types';

/** Market data by WebSocket only, over one ccxt.pro instance used for nothing else. */
export { marketDataConfig, type MarketDataConfig } from './market-data-config';

export class CcxtMarketData implements MarketData {
  readonly exchange: ExchangeId;
  private readonly states: FeedStates;
  /** streamed symbol -> requested symbols it serves (Coinbase X/USD also serves X/USDC). */
  private readonly bookAliases = new Map<Symbol, Set<Symbol>>();
  private readonly tradeAliases = new Map<Symbol, Set<Symbol>>();
  private readonly bookListeners: Array<{ symbols: Set<Symbol>; fn: BookListener }> = [];
  private readonly tradeListeners: Array<{ symbols: Set<Symbol>; fn: TradeListener }> = [];
  private readonly loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private watchdog: NodeJS.Timeout | undefined;
  private marketList: Market[] | undefined;

  constructor(
    private readonly ex: Exchange,
    private readonly quirks: VenueQuirks,
    private readonly budget: RateBudget,
    private readonly clock: Clock,
    private readonly cfg: MarketDataConfig,
    private readonly log: Logger,
  ) {
    this.exchange = quirks.exchange;
    this.states = new FeedStates(quirks.exchange, cfg.staleAfterMs);
  }

  async markets(): Promise<Market[]> {
    if (!this.marketList) {
      await this.budget.acquire('rest');
      await loadMarketsRecovering(this.ex);
      this.marketList = Object.values(this.ex.markets ?? {}).flatMap((m) => toMarket(this.exchange, m as CcxtMarket) ?? []);
    }
    return this.marketList;
  }

  private async checkSymbols(symbols: Symbol[]): Promise<void> {
    const known = new Set((await this.markets()).map((m) => m.symbol));
    const unknown = symbols.filter((s) => !known.has(s));
    if (unknown.length) throw new Error(`${this.exchange}: unknown symbol(s) ${unknown.join(', ')}`);
  }

  /** Adds requested symbols; returns the streamed symbols not yet streamed. */
  private register(symbols: Symbol[], aliases: Map<Symbol, Set<Symbol>>): Symbol[] {
    const fresh: Symbol[] = [];
    for (const s of symbols) {
      const streamed = this.quirks.bookSymbol(s);
      let set = aliases.get(streamed);
      if (!set) {
        set = new Set();
        aliases.set(streamed, set);
        fresh.push(streamed);
      }
      set.add(s);
    }
    return fresh;
  }

  async watchBooks(symbols: Symbol[], onBook: BookListener): Promise<void> {
    if (this.abort.signal.aborted) throw new Error(`${this.exchange}: market data is closed`);
    await this.checkSymbols(symbols);
    this.bookListeners.push({ symbols: new Set(symbols), fn: onBook });
    for (const s of symbols) this.states.ensure(s);
    const fresh = this.register(symbols, this.bookAliases);
    const limit = this.quirks.bookLimit(this.cfg.bookDepth);
    for (const group of chunk(fresh, this.quirks.bookGroupSize)) {
      this.loops.push(
        runWatchLoop<CcxtBook>('books', this.ex, this.quirks, group, () => this.ex.watchOrderBookForSymbols(group, limit), {
          onData: (raw) => this.acceptGroup(raw, group),
          onSilence: () => this.states.sweep(this.clock.now(), this.cfg.staleAfterMs),
          onTrouble: (kind) => this.states.mark(this.requestedFor(group, this.bookAliases), 'reconnecting', kind),
          closed: () => this.abort.signal.aborted,
          signal: this.abort.signal,
        }, this.budget, this.cfg, this.log),
      );
    }
    this.startWatchdog();
    await this.firstBooks(symbols);
  }

  private requestedFor(streamed: Symbol[], aliases: Map<Symbol, Set<Symbol>>): Symbol[] {
    return streamed.flatMap((s) => [...(aliases.get(s) ?? [])]);
  }

  /**
   * A grouped watch resolves for ONE symbol, but ws may deliver several frames in one tick, so
   * other books of the group can have changed with no one waiting for them (their notification is
   * lost). Every resolve therefore also copies any group book ccxt changed since our last copy.
   */
  private acceptGroup(raw: CcxtBook, group: Symbol[]): void {
    this.acceptBook(raw);
    const books = (this.ex as unknown as { orderbooks: Record<string, CcxtBook | undefined> }).orderbooks ?? {};
    for (const s of group) {
      const ob = books[s];
      // An empty book is one whose snapshot has not arrived yet (Binance fetches it by REST).
      if (ob && ob !== raw && ob.bids.length + ob.asks.length > 0 && this.changed(s, ob)) this.acceptBook(ob);
    }
  }

  private readonly seen = new Map<Symbol, BookStamp>();
  private readonly copiers = new Map<Symbol, BookCopier>();

  private copierFor(symbol: Symbol): BookCopier {
    let c = this.copiers.get(symbol);
    if (!c) {
      c = new BookCopier(this.exchange, this.cfg.bookDepth);
      this.copiers.set(symbol, c);
    }
    return c;
  }

  private changed(symbol: Symbol, ob: CcxtBook): boolean {
    return this.seen.get(symbol)?.differs(ob) ?? true;
  }

  /** Synchronous from the resolved watch to the stored copy: ccxt mutates `raw` on the next message. */
  private acceptBook(raw: CcxtBook): void {
    const receivedAt = this.clock.now();
    const streamed = raw.symbol;
    if (!streamed) return;
    let stamp = this.seen.get(streamed);
    if (!stamp) this.seen.set(streamed, (stamp = new BookStamp()));
    stamp.record(raw);
    for (const symbol of this.bookAliases.get(streamed) ?? []) {
      const copier = this.copierFor(symbol);
      const book = copier.copy(symbol, raw, receivedAt);
      // A crossed or unsorted book has missed an update: never hand it out; the watch loop marks
      // the feed for a resync and redials, so only a fresh snapshot makes it live again. The copy
      // already judged its shape on the raw numbers; the Decimal check only describes a bad one.
      const shape = copier.lastSound ? undefined : bookShapeProblem(book);
      if (shape) throw new BrokenBookError(`${this.exchange} ${symbol}: book ${describeShapeProblem(shape)}`);
      this.states.update(book);
      for (const l of this.bookListeners) {
        if (!l.symbols.has(symbol)) continue;
        try {
          l.fn({ ...book, bids: book.bids.slice(), asks: book.asks.slice() });
        } catch (e) {
          this.log.error({ exchange: this.exchange, symbol, err: (e as Error).message }, 'book listener threw');
        }
      }
    }
  }

  private async firstBooks(symbols: Symbol[]): Promise<void> {
    const deadline = Date.now() + this.cfg.staleAfterMs * 2;
    while (Date.now() < deadline && !this.abort.signal.aborted && symbols.some((s) => !this.states.latest(s))) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      const gone = this.states.sweep(this.clock.now(), this.cfg.staleAfterMs);
      if (gone.length) this.log.warn({ exchange: this.exchange, symbols: gone, staleAfterMs: this.cfg.staleAfterMs }, 'books went stale');
    }, this.cfg.watchdogMs);
    this.watchdog.unref();
  }

  async watchTrades(symbols: Symbol[], onTrade: TradeListener): Promise<void> {
    if (this.abort.signal.aborted) throw new Error(`${this.exchange}: market data is closed`);
    await this.checkSymbols(symbols);
    this.tradeListeners.push({ symbols: new Set(symbols), fn: onTrade });
    const fresh = this.register(symbols, this.tradeAliases);
    // Trades are sparse: silence is normal, so only errors (not quiet periods) trigger a redial.
    const cfg = { ...this.cfg, watchTimeoutMs: 60_000, reconnectAfterSilentMs: Number.POSITIVE_INFINITY };
    for (const group of chunk(fresh, this.quirks.bookGroupSize)) {
      this.loops.push(
        runWatchLoop<CcxtTrade[]>('trades', this.ex, this.quirks, group, () => this.ex.watchTradesForSymbols(group), {
          onData: (raw) => this.acceptTrades(raw),
          onSilence: () => undefined,
          onTrouble: () => undefined,
          closed: () => this.abort.signal.aborted,
          signal: this.abort.signal,
        }, this.budget, cfg, this.log),
      );
    }
  }

  private acceptTrades(raw: CcxtTrade[]): void {
    for (const t of raw) {
      for (const symbol of this.tradeAliases.get(t.symbol ?? '') ?? []) {
        const trade = copyTrade(this.exchange, symbol, t);
        if (!trade) continue;
        for (const l of this.tradeListeners) if (l.symbols.has(symbol)) l.fn(trade);
      }
    }
  }

  latestBook(symbol: Symbol): OrderBook | undefined {
    return this.states.latest(symbol);
  }

  health(): BookHealth[] {
    return this.states.health(this.clock.now());
  }

  async fetchDailyCandles(symbol: Symbol, limit: number): Promise<Candle[]> {
    await this.budget.acquire('rest');
    const rows = await this.ex.fetchOHLCV(symbol, '1d', undefined, limit);
    return rows.map(([t, o, h, l, c, v]) => ({ openTime: Number(t), open: dec(o), high: dec(h), low: dec(l), close: dec(c), volume: dec(v) }));
  }

  async close(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    if (this.watchdog) clearInterval(this.watchdog);
    this.states.markAll('disconnected');
    await this.ex.close();
    await Promise.allSettled(this.loops);
  }
}
