import type { Strategy, ThresholdSource, TradingContext } from '../../domain/arbitrage/threshold';
import type { MarketId } from '../../domain/market';
import { baselineContext, type ContextBounds, type MarketContext, type MarketContextSource } from '../../domain/market-context';

const RANK = { aggressive: 0, normal: 1, careful: 2 } as const;

/**
 * The Q-bot's ThresholdSource (domain/arbitrage/threshold.ts) over the scanner's per-market
 * contexts. The Q-bot asks per strategy and base, while contexts are per market, and a cross
 * trade spans two venues: the answer is the most careful context among the markets of that base
 * (all markets when no base is given): the highest threshold, the highest depth multiple, high
 * volatility when any market has it; the reason names the market with the highest threshold. A market the scanner has never computed (computedAt 0)
 * does not count; with none computed the answer is the baseline.
 */
export function scannerThresholdSource(
  source: MarketContextSource,
  markets: ReadonlyArray<MarketId & { base: string }>,
  bounds: ContextBounds,
): ThresholdSource {
  const baseline = baselineContext(bounds);
  return {
    current(_strategy: Strategy, base?: string): TradingContext {
      let worst: MarketContext | undefined;
      let worstAt = '';
      let threshold = baseline.thresholdPercent;
      let depth = baseline.depthMultiple;
      let highVolatility = false;
      for (const m of markets) {
        if (base !== undefined && m.base !== base) continue;
        const c = source.contextFor(m.exchange, m.symbol);
        if (c.computedAt === 0) continue;
        if (!worst) {
          threshold = c.thresholdPercent;
          depth = c.depthMultiple;
        } else {
          if (c.thresholdPercent.gt(threshold)) threshold = c.thresholdPercent;
          if (c.depthMultiple.gt(depth)) depth = c.depthMultiple;
        }
        highVolatility ||= c.highVolatility;
        // The context named in the reason is the one that set the numbers: with a continuous
        // mapping two careful markets differ, and the stricter one is what the Q-bot obeys.
        const stricter = !worst || c.thresholdPercent.gt(worst.thresholdPercent)
          || (c.thresholdPercent.eq(worst.thresholdPercent) && (c.depthMultiple.gt(worst.depthMultiple)
            || (c.depthMultiple.eq(worst.depthMultiple) && RANK[c.level] > RANK[worst.level])));
        if (stricter) {
          worst = c;
          worstAt = `${m.exchange}:${m.symbol}`;
        }
      }
      if (!worst) return { thresholdPercent: baseline.thresholdPercent, depthMultiple: baseline.depthMultiple, highVolatility: false, reason: 'baseline' };
      return { thresholdPercent: threshold, depthMultiple: depth, highVolatility, reason: `context ${worst.level} (${worstAt}): ${worst.reasons.join('; ')}` };
    },
  };
}
