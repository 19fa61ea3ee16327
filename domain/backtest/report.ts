import { z } from 'zod';
import { Decimal, ZERO } from '../money/decimal';
import { formatDecimal } from '../money/format';
import { decimalWire } from '../money/schemas';

/** One attempt the backtest's executor made, with what the decision expected of it. */
export interface TradeRecord {
  at: number;
  strategy: 'cross' | 'triangular';
  /** "kraken:BTC/USD -> binance:BTC/USDT" or the triangle's path on its exchange. */
  route: string;
  venues: string[];
  status: 'completed' | 'no-fill' | 'single-leg';
  pnlUsd: Decimal;
  feesUsd: Decimal;
  /** The decision's net profit valued in USD at the decision (undefined when it had no price). */
  expectedPnlUsd?: Decimal;
  decisionNetPercent: Decimal;
  thresholdPercent: Decimal;
}

/**
 * Where a run's net threshold came from: the market scanner's context over the recorded trades
 * (dynamic, 0.4-1 %), a fixed `--threshold`, or the configured baseline (no trades to read).
 */
export const THRESHOLD_SOURCES = ['market-scanner', 'fixed', 'baseline'] as const;
export type ThresholdSourceName = (typeof THRESHOLD_SOURCES)[number];

export interface RunResult {
  /** The fixed threshold of this run (percent), or null when the configured baseline or the market scanner applied. */
  thresholdPercent: Decimal | null;
  thresholdSource: ThresholdSourceName;
  trades: TradeRecord[];
  refusedByReason: Record<string, number>;
  evaluated: number;
  opportunityDurationsMs: number[];
}

const money = decimalWire;
const count = z.number().int().nonnegative();
const breakdown = z.record(z.string(), z.strictObject({ trades: count, netPnlUsd: money, feesUsd: money }));

export const runSummarySchema = z.strictObject({
  thresholdPercent: money.nullable(),
  thresholdSource: z.enum(THRESHOLD_SOURCES),
  trades: count,
  completed: count,
  singleLeg: count,
  noFill: count,
  wins: count,
  winRate: money,
  netPnlUsd: money,
  feesUsd: money,
  averageNetPercent: money,
  evaluated: count,
  refused: count,
  refusedByReason: z.record(z.string(), count),
  byStrategy: breakdown,
  byRoute: breakdown,
  byVenue: breakdown,
  equity: z.array(z.strictObject({ at: count, pnlUsd: money })),
  opportunities: z.strictObject({ count, medianMs: count, p90Ms: count, maxMs: count }),
  slippage: z.strictObject({ trades: count, totalUsd: money, meanUsd: money }),
  tradeList: z.array(z.strictObject({
    at: count, strategy: z.enum(['cross', 'triangular']), route: z.string(), status: z.enum(['completed', 'no-fill', 'single-leg']),
    pnlUsd: money, feesUsd: money, expectedPnlUsd: money.nullable(), decisionNetPercent: money, thresholdPercent: money,
  })),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const backtestReportSchema = z.strictObject({
  format: z.literal('qbot-backtest/1'),
  source: z.string(),
  books: count,
  latencyMs: count,
  fromMs: count,
  toMs: count,
  /** The headline run: the only one, or the best net PnL of a threshold range. */
  thresholdPercent: money.nullable(),
  thresholdSource: z.enum(THRESHOLD_SOURCES),
  trades: count,
  netPnlUsd: money,
  feesUsd: money,
  refusedByReason: z.record(z.string(), count),
  run: runSummarySchema,
  byThreshold: z.array(runSummarySchema.omit({ tradeList: true, equity: true })).optional(),
});
export type BacktestReport = z.infer<typeof backtestReportSchema>;

const s = (d: Decimal): string => formatDecimal(d);

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}

function addTo(map: Record<string, { trades: number; pnl: Decimal; fees: Decimal }>, key: string, t: TradeRecord): void {
  const e = (map[key] ??= { trades: 0, pnl: ZERO, fees: ZERO });
  e.trades += 1;
  e.pnl = e.pnl.plus(t.pnlUsd);
  e.fees = e.fees.plus(t.feesUsd);
}

const out = (map: Record<string, { trades: number; pnl: Decimal; fees: Decimal }>) =>
  Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { trades: v.trades, netPnlUsd: s(v.pnl), feesUsd: s(v.fees) }]));

/** Everything the report says about one run, money as decimal strings. */
export function summarizeRun(r: RunResult): RunSummary {
  const byStrategy: Record<string, { trades: number; pnl: Decimal; fees: Decimal }> = {};
  const byRoute: typeof byStrategy = {};
  const byVenue: typeof byStrategy = {};
  let pnl = ZERO;
  let fees = ZERO;
  let pct = ZERO;
  let wins = 0;
  let slipN = 0;
  let slip = ZERO;
  const equity: Array<{ at: number; pnlUsd: string }> = [];
  const trades = [...r.trades].sort((a, b) => a.at - b.at);
  for (const t of trades) {
    pnl = pnl.plus(t.pnlUsd);
    fees = fees.plus(t.feesUsd);
    pct = pct.plus(t.decisionNetPercent);
    if (t.pnlUsd.gt(0)) wins += 1;
    addTo(byStrategy, t.strategy, t);
    addTo(byRoute, t.route, t);
    for (const v of new Set(t.venues)) addTo(byVenue, v, t);
    if (t.expectedPnlUsd) {
      slipN += 1;
      slip = slip.plus(t.pnlUsd.minus(t.expectedPnlUsd));
    }
    equity.push({ at: t.at, pnlUsd: s(pnl) });
  }
  const durations = [...r.opportunityDurationsMs].sort((a, b) => a - b);
  const refused = Object.values(r.refusedByReason).reduce((a, b) => a + b, 0);
  const n = trades.length;
  return {
    thresholdPercent: r.thresholdPercent ? s(r.thresholdPercent) : null,
    thresholdSource: r.thresholdSource,
    trades: n,
    completed: trades.filter((t) => t.status === 'completed').length,
    singleLeg: trades.filter((t) => t.status === 'single-leg').length,
    noFill: trades.filter((t) => t.status === 'no-fill').length,
    wins,
    winRate: n ? s(new Decimal(wins).div(n).toDecimalPlaces(4)) : '0',
    netPnlUsd: s(pnl),
    feesUsd: s(fees),
    averageNetPercent: n ? s(pct.div(n).toDecimalPlaces(6)) : '0',
    evaluated: r.evaluated,
    refused,
    refusedByReason: Object.fromEntries(Object.entries(r.refusedByReason).sort(([a], [b]) => a.localeCompare(b))),
    byStrategy: out(byStrategy),
    byRoute: out(byRoute),
    byVenue: out(byVenue),
    equity,
    opportunities: { count: durations.length, medianMs: quantile(durations, 0.5), p90Ms: quantile(durations, 0.9), maxMs: durations[durations.length - 1] ?? 0 },
    slippage: { trades: slipN, totalUsd: s(slip), meanUsd: slipN ? s(slip.div(slipN).toDecimalPlaces(8)) : '0' },
    tradeList: trades.map((t) => ({
      at: t.at, strategy: t.strategy, route: t.route, status: t.status, pnlUsd: s(t.pnlUsd), feesUsd: s(t.feesUsd),
      expectedPnlUsd: t.expectedPnlUsd ? s(t.expectedPnlUsd) : null, decisionNetPercent: s(t.decisionNetPercent), thresholdPercent: s(t.thresholdPercent),
    })),
  };
}

export interface ReportInput { source: string; books: number; latencyMs: number; fromMs: number; toMs: number; runs: RunResult[] }

/**
 * The report of one or more runs over the same books. With several (a threshold range) the
 * headline is the run with the best net PnL (the lowest threshold among equals) and every run has
 * its row in `byThreshold`.
 */
export function buildReport(i: ReportInput): BacktestReport {
  if (!i.runs.length) throw new Error('backtest report: no runs');
  const summaries = i.runs.map(summarizeRun);
  let best = summaries[0]!;
  for (const r of summaries) if (new Decimal(r.netPnlUsd).gt(best.netPnlUsd)) best = r;
  const report: BacktestReport = {
    format: 'qbot-backtest/1', source: i.source, books: i.books, latencyMs: i.latencyMs, fromMs: i.fromMs, toMs: i.toMs,
    thresholdPercent: best.thresholdPercent, thresholdSource: best.thresholdSource, trades: best.trades, netPnlUsd: best.netPnlUsd, feesUsd: best.feesUsd, refusedByReason: best.refusedByReason,
    run: best,
    ...(i.runs.length > 1 ? { byThreshold: summaries.map(({ tradeList: _t, equity: _e, ...row }) => row) } : {}),
  };
  return backtestReportSchema.parse(report);
}

/** The thresholds of a range "0.4..1" stepping by `step` (both ends included), in percent. */
export function thresholdRange(spec: string, step: Decimal = new Decimal('0.1')): Decimal[] {
  const m = /^(\d+(?:\.\d+)?)(?:\.\.(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!m) throw new Error(`--threshold must be a percent like 0.5 or a range like 0.4..1, got "${spec}"`);
  const from = new Decimal(m[1]!);
  const to = new Decimal(m[2] ?? m[1]!);
  if (from.gt(to)) throw new Error(`--threshold range goes down: ${spec}`);
  if (to.gt(100)) throw new Error(`--threshold is a percent (0-100), got ${spec}`);
  if (!step.gt(0)) throw new Error('--threshold-step must be above 0');
  const out: Decimal[] = [];
  for (let t = from; t.lte(to); t = t.plus(step)) {
    out.push(t);
    if (out.length > 1000) throw new Error(`--threshold ${spec} with step ${formatDecimal(step)} gives over 1000 runs`);
  }
  return out;
}
