import type { Decimal } from '../money/decimal';
import type { CvdSummary } from './cvd';
import type { DailyPosition } from './daily-position';
import type { ContextBounds, ContextPolicy } from './policy';
import { baselineContext, clampDecimal } from './source';
import { oneDp, twoDp } from './stats';
import type { ContextLevel, MarketContext } from './types';
import type { ValueAreaPosition } from './volume-profile';
import type { WhaleOrderSummary, WhaleTradeSummary } from './whales';
import type { WyckoffReading } from './wyckoff';

/** Indicator readings of one market at one moment; any of them may be unknown yet. */
export interface ContextInputs {
  tradesInWindow: number;
  daily?: DailyPosition | undefined;
  intradayRangeRatio?: Decimal | undefined;
  spreadRatio?: Decimal | undefined;
  imbalance?: Decimal | undefined;
  whaleTrades?: WhaleTradeSummary | undefined;
  whaleOrders?: WhaleOrderSummary | undefined;
  cvd?: CvdSummary | undefined;
  valueArea?: ValueAreaPosition | undefined;
  wyckoff?: WyckoffReading | undefined;
}

/**
 * Turns readings into a level with reasons, then numbers:
 *  - high volatility (daily range ratio >= highRangeRatio, or intraday >= intradayHighRangeRatio)
 *    sets the flag and alone makes the market careful;
 *  - warning signals: spread >= careful.spreadRatio x norm; whale trades or whale walls on one
 *    side >= their counts; a CVD divergence; |imbalance| >= careful.imbalance; a Wyckoff markup or
 *    markdown (a trending market moves between our two legs); price outside the value area.
 *    careful.minSignals of them make it careful;
 *  - aggressive only with no warning at all, the daily range ratio known and <=
 *    aggressive.maxRangeRatio, the intraday ratio (when known) <= aggressive.maxIntradayRangeRatio,
 *    and the spread known and <= aggressive.maxSpreadRatio;
 *  - otherwise normal.
 * Numbers come from policy.levels[level], clamped into the Q-bot's bounds.
 */
export function assessContext(inputs: ContextInputs, policy: ContextPolicy, bounds: ContextBounds, now: number): MarketContext {
  const volReasons: string[] = [];
  const dailyRatio = inputs.daily?.rangeRatio;
  if (dailyRatio?.gte(policy.highRangeRatio)) volReasons.push(`daily range ${oneDp(dailyRatio)}x average`);
  const intraday = inputs.intradayRangeRatio;
  if (intraday?.gte(policy.intradayHighRangeRatio)) volReasons.push(`intraday range ${oneDp(intraday)}x norm`);
  const highVolatility = volReasons.length > 0;

  if (inputs.tradesInWindow < policy.minTrades && !highVolatility) {
    return baselineContext(bounds, now, `warming up: ${inputs.tradesInWindow}/${policy.minTrades} trades in window`);
  }

  const warnings = warningSignals(inputs, policy);
  let level: ContextLevel = 'normal';
  let reasons: string[];
  if (highVolatility || warnings.length >= policy.careful.minSignals) {
    level = 'careful';
    reasons = [...volReasons, ...warnings];
  } else {
    const calm = calmReasons(inputs, policy);
    if (warnings.length === 0 && calm) {
      level = 'aggressive';
      reasons = calm;
    } else {
      reasons = warnings.length > 0 ? warnings : ['no strong signal'];
    }
  }
  const n = policy.levels[level];
  const t = bounds.qbot.netThresholdPercent;
  const d = bounds.qbot.depthCheck;
  return {
    level,
    thresholdPercent: clampDecimal(n.thresholdPercent, t.min, t.max),
    depthMultiple: clampDecimal(n.depthMultiple, d.minMultiple, d.maxMultiple),
    highVolatility,
    reasons,
    computedAt: now,
  };
}

function warningSignals(i: ContextInputs, p: ContextPolicy): string[] {
  const out: string[] = [];
  if (i.spreadRatio?.gte(p.careful.spreadRatio)) out.push(`spread ${oneDp(i.spreadRatio)}x norm`);
  const w = i.whaleTrades;
  if (w && w.sells >= p.careful.whaleTrades) out.push(`whale sells ${w.sells}`);
  if (w && w.buys >= p.careful.whaleTrades) out.push(`whale buys ${w.buys}`);
  const o = i.whaleOrders;
  if (o && o.askWalls >= p.careful.whaleWalls) out.push(`whale ask walls ${o.askWalls}`);
  if (o && o.bidWalls >= p.careful.whaleWalls) out.push(`whale bid walls ${o.bidWalls}`);
  if (i.cvd?.divergence === 'bearish') out.push('CVD divergence: price up, CVD down');
  if (i.cvd?.divergence === 'bullish') out.push('CVD divergence: price down, CVD up');
  if (i.imbalance && i.imbalance.abs().gte(p.careful.imbalance)) {
    out.push(`book imbalance ${twoDp(i.imbalance)} toward ${i.imbalance.gt(0) ? 'bids' : 'asks'}`);
  }
  const phase = i.wyckoff?.phase;
  if (phase === 'markup' || phase === 'markdown') out.push(`wyckoff ${phase}`);
  if (i.valueArea === 'above' || i.valueArea === 'below') out.push(`price ${i.valueArea} value area`);
  return out;
}

/** Reasons to be aggressive, or undefined when the market is not demonstrably calm. */
function calmReasons(i: ContextInputs, p: ContextPolicy): string[] | undefined {
  const reasons: string[] = [];
  const daily = i.daily?.rangeRatio;
  if (daily === undefined || daily.gt(p.aggressive.maxRangeRatio)) return undefined;
  reasons.push(`calm: daily range ${oneDp(daily)}x average`);
  const intraday = i.intradayRangeRatio;
  if (intraday !== undefined) {
    if (intraday.gt(p.aggressive.maxIntradayRangeRatio)) return undefined;
    reasons.push(`calm: intraday range ${oneDp(intraday)}x norm`);
  }
  if (!i.spreadRatio || i.spreadRatio.gt(p.aggressive.maxSpreadRatio)) return undefined;
  reasons.push(`spread ${oneDp(i.spreadRatio)}x norm`);
  return reasons;
}
