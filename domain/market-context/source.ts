import { Decimal } from '../money/decimal';
import type { ExchangeId, Symbol } from '../market';
import type { ContextBounds } from './policy';
import type { MarketContext } from './types';

export type { MarketContext, ContextLevel } from './types';

/**
 * What the Q-bot reads before each decision: the latest context of one market. Must be cheap
 * (a map lookup) and must always answer: for a market it knows nothing about, the baseline.
 */
export interface MarketContextSource {
  contextFor(exchange: ExchangeId, symbol: Symbol): MarketContext;
}

/** The context when nothing is known: the configured baseline threshold and default depth multiple. */
export function baselineContext(settings: ContextBounds, computedAt = 0, reason = 'no market context yet: baseline'): MarketContext {
  return {
    level: 'normal',
    thresholdPercent: settings.qbot.netThresholdPercent.baseline,
    depthMultiple: settings.qbot.depthCheck.defaultMultiple,
    highVolatility: false,
    reasons: [reason],
    computedAt,
  };
}

/** A source that always answers the baseline: for a Q-bot running without a scanner. */
export function baselineSource(settings: ContextBounds): MarketContextSource {
  const ctx = baselineContext(settings);
  return { contextFor: () => ctx };
}

/** Clamps `x` into [min, max]. */
export function clampDecimal(x: Decimal, min: Decimal, max: Decimal): Decimal {
  return Decimal.min(Decimal.max(x, min), max);
}
