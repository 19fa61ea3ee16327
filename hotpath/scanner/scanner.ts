import { assessContext, baselineContext, marketContextToWire, utcDayStart, type MarketContext, type MarketContextSource, type MarketContextWire } from '../../domain/market-context';
import { marketKey, type ExchangeId, type Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { Clock } from '../../ports/clock';
import type { Trade } from '../../ports/market-data';
import { readMarket, type Readings } from './compute';
import type { ScannerConfig } from './config';
import { startDailyFetches, type DailyCandleFetcher, type MarketKeyParts } from './daily-fetch';
import { MarketState } from './market-state';
import type { ScannerMetrics } from './metrics';
import { RingBuffer } from './ring-buffer';
import { summarise, type ScannerSnapshot } from './snapshot';

/** Calls `fn` every `ms`; returns a cancel function. Injected so tests drive time themselves. */
export interface ScannerTimer {
  every(ms: number, fn: () => unknown): () => void;
}

export const intervalTimer: ScannerTimer = {
  every(ms, fn) {
    const h = setInterval(fn, ms);
    h.unref(); // the scanner alone must not keep the process alive
    return () => clearInterval(h);
  },
};

/** The context attached to a trade decision, so the log says why the threshold was 0.8 % at 14:02. */
export interface ContextRecord extends MarketContextWire {
  exchange: ExchangeId;
  symbol: Symbol;
}

export interface MarketScannerDeps {
  config: ScannerConfig;
  clock: Clock;
  timer?: ScannerTimer;
  /** Needed when config.dailySource is 'rest'; without it daily candles are built from trades. */
  fetchDailyCandles?: DailyCandleFetcher;
  metrics?: ScannerMetrics;
  /** Called when a market's level, numbers or flag change (the hot path logs it). */
  onChange?: (record: ContextRecord) => void;
}

interface Entry extends MarketKeyParts {
  state: MarketState;
  context: MarketContext;
  readings?: Readings;
  changes: RingBuffer<ContextRecord>;
}

const HISTORY = 50;

/**
 * The market scanner: fed book and trade events by the hot path, it recomputes one context per
 * market on its own schedule and answers the Q-bot's `contextFor` with the latest (a map lookup).
 * Events only append to bounded buffers; the indicators run in `update`, one market per turn of
 * the event loop on the scheduled path so a Q-bot book update never waits behind all of them.
 */
export class MarketScanner implements MarketContextSource {
  private readonly markets = new Map<string, Entry>();
  private readonly baseline: MarketContext;
  private cancel: (() => void) | undefined;
  private running = false;
  private inflight = new Set<Promise<void>>();
  private stats = { updatedAt: null as number | null, updates: 0, skipped: 0, lastMs: null as number | null, lastError: undefined as string | undefined };

  constructor(private readonly deps: MarketScannerDeps) {
    this.baseline = baselineContext(deps.config.bounds);
  }

  onBook(book: OrderBook): void {
    this.entry(book.exchange, book.symbol).state.latestBook = book;
  }

  onTrade(trade: Trade): void {
    this.entry(trade.exchange, trade.symbol).state.onTrade(trade);
  }

  contextFor(exchange: ExchangeId, symbol: Symbol): MarketContext {
    return this.markets.get(marketKey({ exchange, symbol }))?.context ?? this.baseline;
  }

  decisionRecord(exchange: ExchangeId, symbol: Symbol): ContextRecord {
    return { exchange, symbol, ...marketContextToWire(this.contextFor(exchange, symbol)) };
  }

  /** The last context changes of a market, oldest first. */
  history(exchange: ExchangeId, symbol: Symbol): ContextRecord[] {
    return this.markets.get(marketKey({ exchange, symbol }))?.changes.toArray() ?? [];
  }

  start(): void {
    if (this.cancel) return;
    const timer = this.deps.timer ?? intervalTimer;
    this.cancel = timer.every(this.deps.config.updateIntervalMs, () => this.scheduledUpdate());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /** The scheduled path: skips a tick while the previous update still runs, yields between markets. */
  async scheduledUpdate(): Promise<void> {
    if (this.running) {
      this.stats.skipped += 1;
      return;
    }
    this.running = true;
    try {
      const started = performance.now();
      const now = this.deps.clock.now();
      this.startFetches(now);
      for (const e of [...this.markets.values()]) {
        this.updateOne(e, now);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.finish(now, performance.now() - started);
    } catch (err) {
      // A timer callback must not reject into the void: record it, keep the last contexts.
      this.stats.lastError = err instanceof Error ? err.message : String(err);
    } finally {
      this.running = false;
    }
  }

  /** Every market at once, synchronously (tests, and a first update at start-up). */
  updateNow(): void {
    const started = performance.now();
    const now = this.deps.clock.now();
    this.startFetches(now);
    for (const e of this.markets.values()) this.updateOne(e, now);
    this.finish(now, performance.now() - started);
  }

  /** Resolves when every daily-candle fetch started so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  snapshot(): ScannerSnapshot {
    return {
      updatedAt: this.stats.updatedAt,
      updates: this.stats.updates,
      skippedUpdates: this.stats.skipped,
      lastUpdateMs: this.stats.lastMs,
      ...(this.stats.lastError ? { lastError: this.stats.lastError } : {}),
      markets: [...this.markets.values()].map((e) => ({
        exchange: e.exchange,
        symbol: e.symbol,
        context: marketContextToWire(e.context),
        tradesBuffered: e.state.trades.size,
        dailyCandles: e.state.fetchedForDay !== undefined && e.state.fetchedForDay === utcDayStart(this.stats.updatedAt ?? 0) ? 'rest' : 'trades',
        ...(e.state.lastFetchError ? { lastFetchError: e.state.lastFetchError } : {}),
        indicators: e.readings ? summarise(e.readings) : {},
      })),
    };
  }

  private entry(exchange: ExchangeId, symbol: Symbol): Entry {
    const key = marketKey({ exchange, symbol });
    let e = this.markets.get(key);
    if (!e) {
      e = { exchange, symbol, state: new MarketState(this.deps.config), context: this.baseline, changes: new RingBuffer(HISTORY) };
      this.markets.set(key, e);
    }
    return e;
  }

  private startFetches(now: number): void {
    const fetcher = this.deps.fetchDailyCandles;
    if (!fetcher || this.deps.config.dailySource !== 'rest') return;
    const pairs = [...this.markets.values()].map((e): [MarketKeyParts, MarketState] => [e, e.state]);
    for (const p of startDailyFetches(pairs, fetcher, this.deps.config, now)) {
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  private updateOne(e: Entry, now: number): void {
    const cfg = this.deps.config;
    e.readings = readMarket(e.state, cfg, now);
    const next = assessContext(e.readings.inputs, cfg.policy, cfg.bounds, now);
    const prev = e.context;
    e.context = next;
    this.deps.metrics?.record(e.exchange, e.symbol, next);
    const changed = prev.level !== next.level || prev.highVolatility !== next.highVolatility
      || !prev.thresholdPercent.eq(next.thresholdPercent) || !prev.depthMultiple.eq(next.depthMultiple);
    if (changed) {
      const record: ContextRecord = { exchange: e.exchange, symbol: e.symbol, ...marketContextToWire(next) };
      e.changes.push(record);
      this.deps.onChange?.(record);
    }
  }

  private finish(now: number, ms: number): void {
    this.stats.updatedAt = now;
    this.stats.updates += 1;
    this.stats.lastMs = ms;
    this.deps.metrics?.updateTook(ms);
  }
}
