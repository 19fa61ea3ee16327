import { addTrade, candleFromTrade, DAY_MS, mergeCandles, periodStart, type OhlcCandle, type TradePrint } from '../../domain/market-context';
import type { Decimal } from '../../domain/money/decimal';
import type { OrderBook } from '../../domain/orderbook';
import type { ScannerConfig } from './config';
import { RingBuffer } from './ring-buffer';

/**
 * Everything the scanner keeps about one market. Events touch it in O(1): a trade is pushed and
 * folded into the open intraday and daily candles, a book replaces the latest one. Every
 * collection is a ring buffer, so memory is bounded whatever the feed does.
 */
export class MarketState {
  readonly trades: RingBuffer<TradePrint>;
  readonly intraday: RingBuffer<OhlcCandle>;
  readonly builtDays: RingBuffer<OhlcCandle>;
  readonly spreads: RingBuffer<Decimal>;
  latestBook: OrderBook | undefined;
  /** Daily candles from REST (time-ordered) and the UTC day they were fetched for. */
  fetchedDays: OhlcCandle[] = [];
  fetchedForDay: number | undefined;
  fetching = false;
  nextFetchAt = 0;
  lastFetchError: string | undefined;

  constructor(private readonly cfg: ScannerConfig) {
    this.trades = new RingBuffer(cfg.tradeBuffer);
    this.intraday = new RingBuffer(cfg.intradayCandles);
    // Today plus the days averaged plus the one before them (its close widens the first true range).
    this.builtDays = new RingBuffer(cfg.averageDays + 2);
    this.spreads = new RingBuffer(cfg.spreadSamples);
  }

  onTrade(trade: TradePrint): void {
    this.trades.push(trade);
    fold(this.intraday, trade, this.cfg.intradayCandleMs);
    fold(this.builtDays, trade, DAY_MS);
  }

  /**
   * Daily candles for the position measure: REST candles where we have them, merged day by day
   * with those built from trades (which carry today's latest prints), in time order.
   */
  dailyCandles(): OhlcCandle[] {
    const byDay = new Map<number, OhlcCandle>();
    for (const c of this.fetchedDays) byDay.set(c.openTime, c);
    for (const built of this.builtDays.toArray()) {
      const fetched = byDay.get(built.openTime);
      byDay.set(built.openTime, fetched ? mergeCandles(fetched, built) : built);
    }
    return [...byDay.values()].sort((a, b) => a.openTime - b.openTime);
  }
}

/**
 * A trade in the open candle's period updates it; a later one opens a new candle. A trade older
 * than the open candle (rare reordering) is folded into it rather than reopening a closed period.
 */
function fold(candles: RingBuffer<OhlcCandle>, trade: TradePrint, periodMs: number): void {
  const open = candles.last();
  if (open && periodStart(trade.timestamp, periodMs) <= open.openTime) candles.replaceLast(addTrade(open, trade));
  else candles.push(candleFromTrade(trade, periodMs));
}
