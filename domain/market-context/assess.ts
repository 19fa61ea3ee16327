import { Decimal } from '../money/decimal';
import type { CvdSummary } from './cvd';
import type { DailyPosition } from './daily-position';
import type { ContextBounds, ContextPolicy } from './policy';
import { baselineContext } from './source';
import { numbersForStrength } from './strength';
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
 * Numbers come from the context's strength in [-1, 1] (see numbersForStrength), mapped over the
 * Q-bot's whole configured ranges:
 *  - aggressive: how far inside the calm marks the range ratios are,
 *    max(daily / aggressive.maxRangeRatio, intraday / aggressive.maxIntradayRangeRatio) - 1, so a
 *    dead-still market reaches the minimum and one at the calm mark the baseline;
 *  - otherwise: caution units / strength.fullCautionSignals, capped at 1, where the units are the
 *    warnings plus, with high volatility, careful.minSignals x how far past its mark the range
 *    ratio is (at the mark it weighs as much as the warnings that make a market careful).
 * The level names the regime for people; the numbers move continuously inside each one.
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
  const caution = Decimal.min(ONE, cautionUnits(inputs, policy, warnings.length, highVolatility).div(policy.strength.fullCautionSignals));
  let strength = caution;
  if (highVolatility || warnings.length >= policy.careful.minSignals) {
    level = 'careful';
    reasons = [...volReasons, ...warnings];
  } else {
    const calm = calmReasons(inputs, policy);
    if (warnings.length === 0 && calm) {
      level = 'aggressive';
      reasons = calm;
      strength = calmStrength(inputs, policy);
    } else {
      reasons = warnings.length > 0 ? warnings : ['no strong signal'];
    }
  }
  const n = numbersForStrength(strength, bounds);
  return {
    level,
    thresholdPercent: n.thresholdPercent,
    depthMultiple: n.depthMultiple,
    highVolatility,
    reasons,
    computedAt: now,
  };
}

const ONE = new Decimal(1);
const ZERO_D = new Decimal(0);

/** Warnings, plus high volatility weighed as careful.minSignals warnings per multiple of its mark. */
function cautionUnits(i: ContextInputs, p: ContextPolicy, warnings: number, highVolatility: boolean): Decimal {
  let units = new Decimal(warnings);
  if (highVolatility) {
    let past = ONE;
    const daily = i.daily?.rangeRatio;
    if (daily?.gte(p.highRangeRatio)) past = Decimal.max(past, daily.div(p.highRangeRatio));
    const intraday = i.intradayRangeRatio;
    if (intraday?.gte(p.intradayHighRangeRatio)) past = Decimal.max(past, intraday.div(p.intradayHighRangeRatio));
    units = units.plus(past.times(p.careful.minSignals));
  }
  return units;
}

/** In [-1, 0]: the range ratios' place inside their calm marks (0 at the mark, -1 when still). */
function calmStrength(i: ContextInputs, p: ContextPolicy): Decimal {
  // calmReasons() has already required a known daily ratio; without one there is no calm to measure.
  const daily = i.daily?.rangeRatio;
  if (daily === undefined) return ZERO_D;
  let used = daily.div(p.aggressive.maxRangeRatio);
  if (i.intradayRangeRatio !== undefined) used = Decimal.max(used, i.intradayRangeRatio.div(p.aggressive.maxIntradayRangeRatio));
  return Decimal.min(ZERO_D, used.minus(ONE));
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
