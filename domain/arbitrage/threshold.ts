import { Decimal } from '../money/decimal';

export type Strategy = 'cross' | 'triangular';

/**
 * What the market context tells the Q-bot right now. Until the market scanner feeds it, the
 * baseline source answers with the configured defaults.
 */
/** The part of a context recorded with each decision. */
export interface DecisionContext {
  reason: string;
  depthMultiple: Decimal;
  highVolatility: boolean;
}

export interface TradingContext {
  /** Net profit the trade must reach, percent (0.5 = 0.5 %), already within [min, max]. */
  thresholdPercent: Decimal;
  /** Top-of-book depth must be this multiple of the trade size (2.5-5). */
  depthMultiple: Decimal;
  /** High range: cycle times are multiplied by the slowdown factor. */
  highVolatility: boolean;
  /** Why (for logs): "baseline", "context: distribution phase", ... */
  reason: string;
}

export interface ThresholdSource {
  current(strategy: Strategy, base?: string): TradingContext;
}

export interface ThresholdBounds {
  baseline: Decimal;
  min: Decimal;
  max: Decimal;
}

export interface DepthBounds {
  minMultiple: Decimal;
  maxMultiple: Decimal;
  defaultMultiple: Decimal;
}

/** A context's suggestion never leaves the configured band, whatever the scanner says. */
export function clampThreshold(suggested: Decimal, b: ThresholdBounds): Decimal {
  return Decimal.min(b.max, Decimal.max(b.min, suggested));
}

export function clampDepthMultiple(suggested: Decimal, b: DepthBounds): Decimal {
  return Decimal.min(b.maxMultiple, Decimal.max(b.minMultiple, suggested));
}

export function baselineThresholdSource(t: ThresholdBounds, d: DepthBounds): ThresholdSource {
  const ctx: TradingContext = { thresholdPercent: t.baseline, depthMultiple: d.defaultMultiple, highVolatility: false, reason: 'baseline' };
  return { current: () => ctx };
}

/**
 * Wraps any context source so its answer is always clamped to the configured bands: the scanner
 * may ask for 0.3 % on a calm day; the Q-bot still asks 0.4 %.
 */
export function clampedThresholdSource(inner: ThresholdSource, t: ThresholdBounds, d: DepthBounds): ThresholdSource {
  return {
    current(strategy, base) {
      const c = inner.current(strategy, base);
      return { ...c, thresholdPercent: clampThreshold(c.thresholdPercent, t), depthMultiple: clampDepthMultiple(c.depthMultiple, d) };
    },
  };
}
