import { z } from 'zod';
import type { VenueFeeStatus } from '../adapters/exchanges/account-fees';

/**
 * Which fee schedule prices each venue's decisions, for the dashboard (GET /status `fees`) and
 * logs: the account's own (read from the venue) or the config's fallback tier, and how old it is.
 * Percents stay decimal strings on the wire.
 */
export const feeScheduleStatusSchema = z.array(z.strictObject({
  exchange: z.string().min(1),
  ccxtId: z.string().min(1),
  source: z.enum(['account', 'fallback']),
  appliedAt: z.number().int().nullable(),
  ageMs: z.number().int().nonnegative().nullable(),
  markets: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  sample: z.strictObject({ symbol: z.string(), makerPercent: z.string().regex(/^\d+(\.\d+)?$/), takerPercent: z.string().regex(/^\d+(\.\d+)?$/) }).nullable(),
  /** Binance's "pay fees with BNB" switch as the venue said; null: not read (the config's discount applies). */
  discountSwitch: z.enum(['on', 'off']).nullable(),
}));
export type FeeScheduleStatusWire = z.infer<typeof feeScheduleStatusSchema>;

export function feeScheduleStatusWire(statuses: VenueFeeStatus[]): FeeScheduleStatusWire {
  return statuses.map((s) => ({
    exchange: s.exchange,
    ccxtId: s.ccxtId,
    source: s.source,
    appliedAt: s.appliedAt ?? null,
    ageMs: s.ageMs === undefined ? null : Math.round(s.ageMs),
    markets: s.markets,
    lastError: s.lastError ?? null,
    sample: s.sample ? { symbol: s.sample.symbol, makerPercent: s.sample.makerPercent, takerPercent: s.sample.takerPercent } : null,
    discountSwitch: s.discountSwitch ?? null,
  }));
}

function age(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** One line per venue for people: "kraken: account schedule, 3.2 h old (BTC/USD taker 0.1 %, maker 0.05 %)". */
export function describeFeeSchedule(s: FeeScheduleStatusWire[number]): string {
  const rates = s.sample ? ` (${s.sample.symbol} taker ${s.sample.takerPercent} %, maker ${s.sample.makerPercent} %)` : '';
  const venue = s.ccxtId === s.exchange ? s.exchange : `${s.exchange} (${s.ccxtId})`;
  const what = s.source === 'account' ? `account schedule, ${age(s.ageMs ?? 0)} old` : 'config fallback tier';
  const discount = s.discountSwitch ? `; fees in BNB ${s.discountSwitch}` : '';
  return `${venue}: ${what}${rates}${discount}${s.lastError ? `; last read refused: ${s.lastError}` : ''}`;
}
