import {
  candleRange, closesVsValueArea, cvdDivergence, dailyCandlePosition, meanOf, medianOf, ratioOrUndefined, spreadFraction,
  spreadVsNorm, topLevelImbalance, volumeProfile, whaleOrders, whaleTrades, wyckoffPhase,
  type ContextInputs, type OhlcCandle, type VolumeProfile,
} from '../../domain/market-context';
import type { Decimal } from '../../domain/money/decimal';
import { midPrice } from '../../domain/orderbook';
import type { ScannerConfig } from './config';
import type { MarketState } from './market-state';

/** A spread norm from fewer samples than this is no norm. */
const MIN_SPREAD_SAMPLES = 5;

export interface Readings {
  inputs: ContextInputs;
  price: Decimal | undefined;
  profile: VolumeProfile | undefined;
}

/**
 * The heavy part, run on the scanner's schedule, never per event: cuts the window from the
 * buffers and runs every indicator. Samples the spread as a side effect (one sample per update,
 * so the norm is a rolling median over spreadSamples x updateIntervalMs).
 */
export function readMarket(state: MarketState, cfg: ScannerConfig, now: number): Readings {
  const from = now - cfg.windowMs;
  const trades = state.trades.tailWhile((t) => t.timestamp >= from);
  const book = state.latestBook;
  const price = trades[trades.length - 1]?.price ?? (book ? midPrice(book) : undefined);

  let spreadRatio: Decimal | undefined;
  const spread = book ? spreadFraction(book) : undefined;
  if (spread !== undefined) {
    state.spreads.push(spread);
    const samples = state.spreads.toArray();
    if (samples.length >= MIN_SPREAD_SAMPLES) spreadRatio = spreadVsNorm(spread, samples);
  }

  const candles = state.intraday.toArray();
  const profile = volumeProfile(trades, cfg.profileBuckets, cfg.valueAreaFraction);
  const inputs: ContextInputs = {
    tradesInWindow: trades.length,
    daily: price ? dailyCandlePosition(state.dailyCandles(), price, now, cfg.averageDays) : undefined,
    intradayRangeRatio: intradayRangeRatio(candles, cfg.intradayRecentCandles),
    spreadRatio,
    imbalance: book ? topLevelImbalance(book, cfg.bookLevels) : undefined,
    whaleTrades: whaleTrades(trades, cfg.whaleMultiple),
    whaleOrders: book ? whaleOrders(book, cfg.whaleMultiple, cfg.bookLevels) : undefined,
    cvd: cvdDivergence(trades, cfg.cvdMinMoveFraction),
    valueArea: profile ? closesVsValueArea(profile, candles.slice(-cfg.intradayRecentCandles).map((c) => c.close)) : undefined,
    wyckoff: wyckoffPhase(candles.filter((c) => c.openTime >= from), cfg.wyckoff),
  };
  return { inputs, price, profile };
}

/**
 * Mean range of the latest `recent` intraday candles against the median range of the older
 * ones: "how wide are the last few minutes compared with usual". Undefined until there are at
 * least `recent` older candles to form a norm. The median keeps an earlier spike from becoming
 * the norm, so the ratio falls back once the market calms.
 */
export function intradayRangeRatio(candles: readonly OhlcCandle[], recent: number): Decimal | undefined {
  if (candles.length < recent * 2) return undefined;
  const older = candles.slice(0, candles.length - recent).map(candleRange);
  const latest = candles.slice(-recent).map(candleRange);
  const recentMean = meanOf(latest);
  return recentMean === undefined ? undefined : ratioOrUndefined(recentMean, medianOf(older));
}
