import type { AppConfig } from '../config/loader';
import type { LatencyMode } from '../config/schemas';
import { Decimal } from '../domain/money/decimal';
import type { TradingMode } from '../domain/allocation';
import type { DepthBounds, SingleLegPolicy, ThresholdBounds } from '../domain/arbitrage';

/** The Q-bot's knobs, parsed once from settings and the latency profile in force. */
export interface QbotConfig {
  latencyMode: LatencyMode;
  maxBookAgeMs: number;
  staleAfterMs: number;
  cycleTimeMultiplier: Decimal;
  restRequestsPerMinute: number;
  cycleTimeMs: { cross: number; triangular: number };
  slowdownFactor: number;
  threshold: ThresholdBounds;
  depth: DepthBounds & { levels: number };
  splitPercent: { cross: Decimal; triangular: Decimal };
  qbotPercent: Record<TradingMode, Decimal>;
  initialMode: TradingMode;
  pegBandPercent: Decimal;
  /** A depeg trip holds until the stable has been back in band this long. */
  depegRecoverAfterMs: number;
  rebalanceCostPercent: Decimal;
  singleLeg: { policy: SingleLegPolicy; maxLossPercent: Decimal };
  killSwitch: { maxDailyLossUsd: Decimal; maxConsecutiveFailures: number };
  minTradeUsd: Decimal;
  /** Gross profit above which a candidate is treated as bad data (IMPLAUSIBLE_PROFIT). */
  maxPlausibleGrossPercent: Decimal;
  arbitrageAssets: string[];
  quoteCurrencies: string[];
  stablecoins: Record<string, string>;
}

/**
 * Not in settings.json (yet): on BTC/ETH/SOL and the majors, a gross edge above 5 % has always
 * been a frozen price, a delisted pair or a broken book, never money to take blindly.
 */
export const MAX_PLAUSIBLE_GROSS_PERCENT = new Decimal(5);

export function qbotConfigFrom(cfg: AppConfig, latencyMode: LatencyMode = cfg.env.LATENCY_MODE): QbotConfig {
  const q = cfg.settings.qbot;
  const lp = cfg.settings.latencyProfiles[latencyMode];
  const alloc = cfg.settings.modes.allocationPercent;
  return {
    latencyMode,
    maxBookAgeMs: lp.maxBookAgeMs,
    staleAfterMs: lp.staleAfterMs,
    cycleTimeMultiplier: lp.cycleTimeMultiplier,
    restRequestsPerMinute: lp.restRequestsPerMinute,
    cycleTimeMs: q.cycleTimeMs,
    slowdownFactor: q.volatility.slowdownFactor,
    threshold: q.netThresholdPercent,
    depth: { ...q.depthCheck },
    splitPercent: q.splitPercent,
    qbotPercent: { BTC: alloc.BTC.qbot, GOLD: alloc.GOLD.qbot },
    initialMode: cfg.settings.modes.initialMode,
    pegBandPercent: q.stablecoinPegBandPercent,
    depegRecoverAfterMs: q.depegGuard.recoverAfterMs,
    rebalanceCostPercent: q.rebalanceCostPerTradePercent,
    singleLeg: { policy: q.singleLeg.policy, maxLossPercent: q.singleLeg.maxUnwindLossPercent },
    killSwitch: q.killSwitch,
    minTradeUsd: q.minTradeUsd,
    maxPlausibleGrossPercent: MAX_PLAUSIBLE_GROSS_PERCENT,
    arbitrageAssets: cfg.coins.arbitrageAssets,
    quoteCurrencies: cfg.coins.quoteCurrencies,
    stablecoins: cfg.coins.stablecoins,
  };
}

/** The currencies a triangular cycle may start from: the quotes and the arbitrage assets we hold. */
export function triStartCurrencies(c: QbotConfig): string[] {
  return [...new Set([...c.quoteCurrencies, ...c.arbitrageAssets])];
}

/** Capital of the Q-bot and its split, from the account's total value and the mode's percent. */
export function qbotCapital(c: QbotConfig, totalUsd: Decimal, qbotPercent: Decimal): { cross: Decimal; triangular: Decimal } {
  const qbot = totalUsd.times(qbotPercent).div(100);
  const triangular = qbot.times(c.splitPercent.triangular).div(100);
  return { cross: qbot.minus(triangular), triangular };
}
