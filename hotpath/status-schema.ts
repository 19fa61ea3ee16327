import { z } from 'zod';
import { decimalString, percentageString } from '../domain/money/schemas';
import { feeScheduleStatusSchema } from './fee-schedule-status';

/**
 * The hot path's read-only status (GET /status on its metrics port): what a dashboard in another
 * process shows about it. One schema for both sides: the hot path builds the wire form
 * (`HotpathStatusWire`, money as decimal strings) and checks it before answering; the dashboard
 * parses what it receives into Decimals (`HotpathStatus`) and refuses anything else.
 * Figures stay raw here (no rounding): formatting for people is the dashboard's job.
 */

const count = z.number().int().nonnegative();
const isoTime = z.iso.datetime();

export const HOTPATH_STATUS_VERSION = 1;

export const hotpathStatusSchema = z.strictObject({
  version: z.literal(HOTPATH_STATUS_VERSION),
  at: isoTime,
  /** Which hot path answered ("host:pid"): several may report to one dashboard. */
  instance: z.string().min(1),
  /** The Temporal task queue only this hot path polls (null without Temporal): where a pause for it goes. */
  controlQueue: z.string().min(1).nullable(),
  /** The control surface as Temporal sees it (hotpath/control.ts snapshot). */
  control: z.strictObject({
    mode: z.enum(['BTC', 'GOLD']).nullable(),
    allocationPercent: z.strictObject({ qbot: percentageString, abot: percentageString, gbot: percentageString }).nullable(),
    paused: z.boolean(),
    pausedReason: z.string().nullable(),
    lastFlipId: z.string().nullable(),
    allocationsApplied: count,
    updatedAt: isoTime.nullable(),
    killSwitch: z.strictObject({ reason: z.string(), at: isoTime }).nullable(),
  }),
  /** The runtime gates' tripped kill switch, "CODE: message" (null while armed). */
  killSwitch: z.string().nullable(),
  counters: z.strictObject({ books: count, prefiltered: count, evaluated: count }),
  balances: z.array(z.strictObject({ exchange: z.string(), asset: z.string(), amount: decimalString, usdPrice: decimalString.nullable() })),
  feeds: z.array(z.strictObject({
    exchange: z.string(),
    live: count,
    total: count,
    worstAgeMs: count.nullable(),
    reconnects: count,
    // Request tokens and counts, not money.
    rateLimit: z.strictObject({ restTokens: z.number().nonnegative(), hits429: count, hits418: count, rateLimited: z.boolean(), backoffUntil: z.number().int().nullable() }),
  })),
  /** Scanner context of the most careful markets and of every market an opportunity below trades. */
  contexts: z.array(z.strictObject({ market: z.string(), level: z.string(), thresholdPercent: decimalString, depthMultiple: decimalString, reasons: z.array(z.string()) })),
  opportunities: z.array(z.strictObject({
    route: z.string(),
    strategy: z.enum(['cross', 'triangular']),
    markets: z.array(z.string()),
    size: decimalString,
    sizeAsset: z.string(),
    netProfit: decimalString,
    netProfitAsset: z.string(),
    netPercent: decimalString,
    thresholdPercent: decimalString,
    verdict: z.string(),
    seenAt: z.number().int(),
  })),
  decisions: z.array(z.strictObject({ at: z.number().int(), route: z.string(), netPercent: decimalString, outcome: z.enum(['taken', 'held']), reason: z.string() })),
  /** Per venue: the fee schedule pricing decisions (account or config fallback) and its age. */
  fees: feeScheduleStatusSchema.optional(),
  /** Positions a trade cut by a crash (kill -9 between legs) left open, until its recovery closes them. */
  openExposure: z.array(z.strictObject({
    attemptId: z.string(), strategy: z.enum(['cross', 'triangular']), exchange: z.string(), asset: z.string(), amount: decimalString,
    state: z.enum(['recovering', 'holding']), reason: z.string().nullable(), since: isoTime,
  })).optional(),
  /** Candidates refused since this hot path started, by gate code (PREFILTERED: dropped by the float prefilter). */
  refusedByReason: z.record(z.string(), count).optional(),
});

/** What the hot path sends (decimal strings). */
export type HotpathStatusWire = z.input<typeof hotpathStatusSchema>;
/** What the dashboard works with (Decimals). */
export type HotpathStatus = z.output<typeof hotpathStatusSchema>;

/** Parses a status answer; the error names the first bad fields (path: problem). */
export function parseHotpathStatus(raw: unknown): { ok: true; status: HotpathStatus } | { ok: false; reason: string } {
  const r = hotpathStatusSchema.safeParse(raw);
  if (r.success) return { ok: true, status: r.data };
  return { ok: false, reason: `not a hot path status: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}
