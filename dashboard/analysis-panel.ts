import { z } from 'zod';
import type { Ledger } from '../ports/ledger';
import { analyzeTrading, type TradingAnalysis } from '../domain/backtest/analysis';
import { Decimal } from '../domain/money/decimal';
import { formatForPeople } from '../domain/money/format';
import { decimalWire } from '../domain/money/schemas';
import type { HotpathReading, HotpathSource } from './hotpath-source';

/** The hot paths' refusals by gate code, and in words where they were counted. */
export interface Refusals {
  byReason: Record<string, number>;
  from: string;
}

export interface AnalysisPanelOptions {
  /** The ledger, or how to get it now (the dashboard worker may start before the ledger file exists). */
  ledger: Ledger | (() => Ledger);
  /** The hot paths' refusals (their status endpoints); none when absent. */
  refusals?: () => Refusals | Promise<Refusals>;
  /** Recompute at most this often (ms): the panel reads the ledger, never the hot path's loop. */
  everyMs?: number;
  now?: () => number;
}

const count = z.number().int().nonnegative();

/** GET /api/analysis: the analysis (money as decimal strings) plus the same figures formatted for people. */
export const analysisAnswerSchema = z.strictObject({
  at: z.iso.datetime(),
  since: z.number().int().nonnegative().nullable(),
  byStrategy: z.record(z.string(), z.strictObject({
    attempts: count, completed: count, wins: count, winRate: decimalWire, netPnlUsd: decimalWire, feesUsd: decimalWire, averageNetPercent: decimalWire,
  })),
  refusedByReason: z.record(z.string(), count),
  /** Where the refusals were counted (the ledger holds only what was taken). */
  refusalsFrom: z.string(),
  unpricedFees: count,
  rows: z.array(z.strictObject({
    strategy: z.string(), attempts: count, completed: count, wins: count, winRate: z.string(), netPnlUsd: z.string(), feesUsd: z.string(), averageNetPercent: z.string(),
  })),
});
export type AnalysisAnswer = z.infer<typeof analysisAnswerSchema>;

/**
 * Refusals summed over the hot paths that answered: each counts its own candidates, since it
 * started. One that is down is named, so a missing count is never read as "nothing refused".
 */
export function hotpathRefusals(readings: readonly HotpathReading[]): Refusals {
  const byReason: Record<string, number> = {};
  const up = readings.filter((r): r is Extract<HotpathReading, { ok: true }> => r.ok);
  for (const r of up) for (const [code, n] of Object.entries(r.status.refusedByReason ?? {})) byReason[code] = (byReason[code] ?? 0) + n;
  const down = readings.filter((r): r is Extract<HotpathReading, { ok: false }> => !r.ok);
  const missing = down.length ? ` (not read: ${down.map((r) => `${r.source}: ${r.reason}`).join('; ')})` : '';
  if (!readings.length) return { byReason, from: 'no hot path configured' };
  return { byReason, from: `counted by ${up.length} of ${readings.length} hot path${readings.length === 1 ? '' : 's'} since each started${missing}` };
}

/**
 * The dashboard's trading analysis (per-strategy PnL, win rate, average net %, fees, refusals by
 * reason), computed in the dashboard's process from the ledger, off the hot path, and cached so
 * page refreshes do not re-read the ledger. Live and paper trading book the same ledger lines, so
 * one computation serves both. Served as GET /api/analysis by dashboard/server.ts.
 */
export class AnalysisPanel {
  private cached?: { at: number; since: number | null; value: AnalysisAnswer; analysis: TradingAnalysis };

  constructor(private readonly o: AnalysisPanelOptions) {}

  /** The analysis itself (the same function the backtest's agreement test checks). */
  async get(since: number | null = null): Promise<TradingAnalysis> {
    return (await this.compute(since)).analysis;
  }

  /** The HTTP answer: the analysis, where refusals came from, and rows for people. */
  async answer(since: number | null = null): Promise<AnalysisAnswer> {
    return (await this.compute(since)).value;
  }

  private async compute(since: number | null): Promise<NonNullable<AnalysisPanel['cached']>> {
    const now = (this.o.now ?? Date.now)();
    if (this.cached && since === this.cached.since && now - this.cached.at < (this.o.everyMs ?? 5000)) return this.cached;
    const refusals = (await this.o.refusals?.()) ?? { byReason: {}, from: 'no hot path configured' };
    const ledger = typeof this.o.ledger === 'function' ? this.o.ledger() : this.o.ledger;
    const analysis = analyzeTrading(ledger.entries(since === null ? {} : { since }), refusals.byReason, since);
    const rows = Object.entries(analysis.byStrategy).map(([strategy, s]) => ({
      strategy, attempts: s.attempts, completed: s.completed, wins: s.wins,
      winRate: `${formatForPeople(new Decimal(s.winRate).times(100), 1)} %`,
      netPnlUsd: formatForPeople(new Decimal(s.netPnlUsd), 2),
      feesUsd: formatForPeople(new Decimal(s.feesUsd), 2),
      averageNetPercent: `${formatForPeople(new Decimal(s.averageNetPercent), 4)} %`,
    }));
    const value: AnalysisAnswer = { at: new Date(now).toISOString(), ...analysis, refusalsFrom: refusals.from, rows };
    // A figure the page or another client would refuse is a bug here: fail in this process.
    analysisAnswerSchema.parse(value);
    this.cached = { at: now, since, value, analysis };
    return this.cached;
  }
}

/** The panel a dashboard serves: its ledger and the refusals of the hot paths it reads. */
export function dashboardAnalysis(ledger: Ledger | (() => Ledger), hotpath: HotpathSource): AnalysisPanel {
  return new AnalysisPanel({ ledger, refusals: async () => hotpathRefusals(await hotpath.read()) });
}

/** `?since=` of GET /api/analysis: absent = all time; otherwise whole milliseconds since the epoch. */
export function parseSince(raw: string | null): { ok: true; since: number | null } | { ok: false; message: string } {
  if (raw === null) return { ok: true, since: null };
  if (!/^\d{1,15}$/.test(raw)) return { ok: false, message: `since must be whole milliseconds since the epoch (e.g. 1764553200000), got ${JSON.stringify(raw.slice(0, 40))}` };
  return { ok: true, since: Number(raw) };
}
