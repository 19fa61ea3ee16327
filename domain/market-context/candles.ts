import { Decimal, ZERO } from '../money/decimal';
import type { OhlcCandle, TradePrint } from './types';

export const DAY_MS = 86_400_000;

/** Start of the period holding `timestamp` (UTC: epoch ms are UTC, so flooring is exact). */
export function periodStart(timestamp: number, periodMs: number): number {
  return Math.floor(timestamp / periodMs) * periodMs;
}

export function utcDayStart(timestamp: number): number {
  return periodStart(timestamp, DAY_MS);
}

/** A candle holding one trade. */
export function candleFromTrade(trade: TradePrint, periodMs: number): OhlcCandle {
  return {
    openTime: periodStart(trade.timestamp, periodMs),
    open: trade.price,
    high: trade.price,
    low: trade.price,
    close: trade.price,
    volume: trade.amount,
  };
}

/**
 * Folds a trade of the same period into a candle (returns a new object). Trades are assumed to
 * arrive in time order, so the last one is the close.
 */
export function addTrade(candle: OhlcCandle, trade: TradePrint): OhlcCandle {
  return {
    openTime: candle.openTime,
    open: candle.open,
    high: Decimal.max(candle.high, trade.price),
    low: Decimal.min(candle.low, trade.price),
    close: trade.price,
    volume: candle.volume.plus(trade.amount),
  };
}

/** Candles of `periodMs` from time-ordered trades; periods without trades are absent. */
export function candlesFromTrades(trades: readonly TradePrint[], periodMs: number): OhlcCandle[] {
  const out: OhlcCandle[] = [];
  for (const t of trades) {
    const last = out[out.length - 1];
    if (last && last.openTime === periodStart(t.timestamp, periodMs)) out[out.length - 1] = addTrade(last, t);
    else out.push(candleFromTrade(t, periodMs));
  }
  return out;
}

/**
 * Merges a candle fetched by REST with the one built from trades for the same period: the fetched
 * open is the true open (the scanner may have started mid-day), the extremes are the wider of the
 * two, the close is the latest trade's when we saw any. Volume takes the larger of the two: the
 * sets overlap and neither is complete, so adding them would double-count.
 */
export function mergeCandles(fetched: OhlcCandle, built: OhlcCandle | undefined): OhlcCandle {
  if (!built) return fetched;
  return {
    openTime: fetched.openTime,
    open: fetched.open,
    high: Decimal.max(fetched.high, built.high),
    low: Decimal.min(fetched.low, built.low),
    close: built.close,
    volume: Decimal.max(fetched.volume, built.volume),
  };
}

export function candleRange(c: OhlcCandle): Decimal {
  return c.high.minus(c.low);
}

/** True range: the candle's range widened by a gap from the previous close. */
export function trueRange(c: OhlcCandle, previousClose: Decimal | undefined): Decimal {
  const range = candleRange(c);
  if (previousClose === undefined) return range;
  return Decimal.max(range, c.high.minus(previousClose).abs(), c.low.minus(previousClose).abs());
}

export function totalVolume(candles: readonly OhlcCandle[]): Decimal {
  let v = ZERO;
  for (const c of candles) v = v.plus(c.volume);
  return v;
}
