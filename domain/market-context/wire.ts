import { z } from 'zod';
import { formatDecimal } from '../money/format';
import { positiveDecimalString } from '../money/schemas';
import type { MarketContext } from './types';

/**
 * The context as it travels (snapshot, metrics labels, decision log, Temporal payloads): money-like
 * figures as decimal strings, validated by zod on the way back in.
 */
export const marketContextWireSchema = z.strictObject({
  level: z.enum(['aggressive', 'normal', 'careful']),
  thresholdPercent: positiveDecimalString,
  depthMultiple: positiveDecimalString,
  highVolatility: z.boolean(),
  reasons: z.array(z.string()),
  computedAt: z.number().int().nonnegative(),
});
export type MarketContextWire = z.input<typeof marketContextWireSchema>;

export function marketContextToWire(ctx: MarketContext): MarketContextWire {
  return {
    level: ctx.level,
    thresholdPercent: formatDecimal(ctx.thresholdPercent),
    depthMultiple: formatDecimal(ctx.depthMultiple),
    highVolatility: ctx.highVolatility,
    reasons: [...ctx.reasons],
    computedAt: ctx.computedAt,
  };
}

export function marketContextFromWire(wire: unknown): MarketContext {
  return marketContextWireSchema.parse(wire);
}
