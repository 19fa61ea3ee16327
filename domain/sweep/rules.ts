import { Decimal, ZERO } from '../money/decimal';
import { percentOf } from '../money/percent';

/**
 * The monthly sweep's rules: 15 % of the realised profit since the last sweep, to the cold wallet
 * as PAXG, only in the allowed modes (BTC), at most once per calendar month (UTC).
 */

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "YYYY-MM" of a time in UTC. The caller passes the time: the domain never reads a clock. */
export function monthKey(ms: number): string {
  const d = new Date(ms);
  if (!Number.isFinite(d.getTime())) throw new Error(`not a time: ${ms}`);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function isMonthKey(s: string): boolean {
  return MONTH_KEY.test(s);
}

export const SWEEP_ID_PREFIX = 'sweep-';

export function sweepWorkflowId(month: string): string {
  if (!isMonthKey(month)) throw new Error(`month must be YYYY-MM, got "${month}"`);
  return `${SWEEP_ID_PREFIX}${month}`;
}

export type SweepVerdict =
  | { ok: true; amountUsd: Decimal; profitUsd: Decimal }
  | { ok: false; code: 'WRONG_MODE' | 'ALREADY_SWEPT' | 'WRONG_MONTH' | 'NO_PROFIT'; reason: string };

export interface SweepRequest {
  /** The month the sweep is for (its id) and the month it is now (by the workflow's clock). */
  month: string;
  currentMonth: string;
  mode: string;
  allowedModes: readonly string[];
  /** Months already swept, from the durable history. */
  sweptMonths: readonly string[];
  maxPerMonth: number;
  /** Realised profit since the last sweep (USD). */
  profitSinceLastUsd: Decimal;
  profitPercent: Decimal;
}

/** Accepts or refuses a sweep, checks in the order an operator would want to hear them. */
export function judgeSweep(r: SweepRequest): SweepVerdict {
  if (r.month !== r.currentMonth) return { ok: false, code: 'WRONG_MONTH', reason: `a sweep for ${r.month} cannot run in ${r.currentMonth}` };
  if (!r.allowedModes.includes(r.mode)) {
    return { ok: false, code: 'WRONG_MODE', reason: `sweeps run only in ${r.allowedModes.join('/')} mode; the mode is ${r.mode}` };
  }
  const done = r.sweptMonths.filter((m) => m === r.month).length;
  if (done >= r.maxPerMonth) return { ok: false, code: 'ALREADY_SWEPT', reason: `the sweep for ${r.month} already ran (at most ${r.maxPerMonth} per calendar month)` };
  if (r.profitSinceLastUsd.lte(ZERO)) {
    return { ok: false, code: 'NO_PROFIT', reason: `no realised profit since the last sweep (${r.profitSinceLastUsd.toFixed()} USD): nothing to sweep` };
  }
  return { ok: true, profitUsd: r.profitSinceLastUsd, amountUsd: percentOf(r.profitSinceLastUsd, r.profitPercent) };
}

