import type { ContextBounds, ContextPolicy, WyckoffRules } from '../../domain/market-context';
import { percentToFraction, type Decimal } from '../../domain/money';
import type { Settings } from '../../config/schemas';

/** Everything the scanner needs, parsed once from the settings. */
export interface ScannerConfig {
  policy: ContextPolicy;
  bounds: ContextBounds;
  updateIntervalMs: number;
  windowMs: number;
  tradeBuffer: number;
  spreadSamples: number;
  intradayCandles: number;
  intradayCandleMs: number;
  intradayRecentCandles: number;
  dailySource: 'rest' | 'trades';
  averageDays: number;
  fetchesPerUpdate: number;
  fetchRetryMs: number;
  whaleMultiple: Decimal;
  bookLevels: number;
  profileBuckets: number;
  valueAreaFraction: Decimal;
  cvdMinMoveFraction: Decimal;
  wyckoff: WyckoffRules;
}

export function scannerConfigFromSettings(settings: Settings): ScannerConfig {
  const m = settings.marketContext;
  return {
    policy: {
      minTrades: m.minTradesInWindow,
      highRangeRatio: settings.qbot.volatility.highRangeRatio,
      intradayHighRangeRatio: m.intraday.highRangeRatio,
      careful: m.careful,
      aggressive: m.aggressive,
      strength: m.strength,
    },
    bounds: { qbot: { netThresholdPercent: settings.qbot.netThresholdPercent, depthCheck: settings.qbot.depthCheck } },
    updateIntervalMs: m.updateIntervalMs,
    windowMs: m.windowMs,
    tradeBuffer: m.buffers.trades,
    spreadSamples: m.buffers.spreadSamples,
    intradayCandles: m.buffers.intradayCandles,
    intradayCandleMs: m.intraday.candleMs,
    intradayRecentCandles: m.intraday.recentCandles,
    dailySource: m.daily.source,
    averageDays: m.daily.averageDays,
    fetchesPerUpdate: m.daily.fetchesPerUpdate,
    fetchRetryMs: m.daily.retryAfterMs,
    whaleMultiple: m.whaleMultiple,
    bookLevels: m.bookLevels,
    profileBuckets: m.volumeProfile.buckets,
    valueAreaFraction: percentToFraction(m.volumeProfile.valueAreaPercent),
    cvdMinMoveFraction: percentToFraction(m.cvdMinMovePercent),
    wyckoff: m.wyckoff,
  };
}
