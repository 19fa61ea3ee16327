import { Decimal, ZERO } from '../money/decimal';
import { formatDecimal } from '../money/format';

/** The ledger lines the analysis reads (the Ledger port's entries, structurally). */
export interface AnalysisEntry {
  kind: string;
  at: number;
  correlationId: string;
  asset?: string;
  delta?: Decimal;
  details?: Record<string, unknown>;
}

export interface StrategyAnalysis {
  attempts: number;
  completed: number;
  wins: number;
  winRate: string;
  netPnlUsd: string;
  feesUsd: string;
  /** Mean of the decisions' net % (what the Q-bot expected when it took them). */
  averageNetPercent: string;
}

export interface TradingAnalysis {
  since: number | null;
  byStrategy: Record<string, StrategyAnalysis>;
  refusedByReason: Record<string, number>;
  /** Fee lines whose asset had no USD price in their attempt's result line (not in feesUsd). */
  unpricedFees: number;
}

/**
 * Counts one book's refusals the way the backtest report does (and the dashboard, so the two read
 * alike): each evaluated candidate by its gate code, and the candidates the float prefilter dropped
 * before any Decimal evaluation as PREFILTERED.
 */
export function countRefusals(into: Record<string, number>, prefiltered: number, evaluated: Iterable<{ rejection?: { code: string } | undefined }>): void {
  if (prefiltered) into.PREFILTERED = (into.PREFILTERED ?? 0) + prefiltered;
  for (const ev of evaluated) if (ev.rejection) into[ev.rejection.code] = (into[ev.rejection.code] ?? 0) + 1;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * Per-strategy performance of the Q-bot from its ledger lines, live or paper alike: each attempt's
 * result line (strategy, status, realised PnL in USD, the USD prices it used), its decision line
 * (the net % expected) and its fee lines (valued at the result line's prices). Refusals come from
 * the hot path's counters: the ledger only holds what was taken.
 */
export function analyzeTrading(entries: readonly AnalysisEntry[], refusedByReason: Record<string, number> = {}, since: number | null = null): TradingAnalysis {
  const attempts = new Map<string, { strategy: string; status: string; pnl: Decimal; prices: Record<string, unknown> }>();
  const expected = new Map<string, Decimal>();
  const fees = new Map<string, Array<{ asset: string; amount: Decimal }>>();
  for (const e of entries) {
    if (since !== null && e.at < since) continue;
    const d = e.details ?? {};
    if (e.kind === 'decision' && d.type === 'attempt-result') {
      const pnl = str(d.realisedPnlUsd);
      attempts.set(e.correlationId, { strategy: str(d.strategy) ?? 'unknown', status: str(d.status) ?? 'unknown', pnl: pnl ? new Decimal(pnl) : ZERO, prices: (d.usdPrices ?? {}) as Record<string, unknown> });
    } else if (e.kind === 'decision' && d.type === 'opportunity' && str(d.netPercent)) {
      expected.set(e.correlationId, new Decimal(str(d.netPercent)!));
    } else if (e.kind === 'fee' && e.asset && e.delta) {
      const list = fees.get(e.correlationId) ?? [];
      list.push({ asset: e.asset, amount: e.delta.negated() });
      fees.set(e.correlationId, list);
    }
  }
  const acc = new Map<string, { attempts: number; completed: number; wins: number; pnl: Decimal; fees: Decimal; pct: Decimal; pctN: number }>();
  let unpricedFees = 0;
  for (const [id, a] of attempts) {
    const s = acc.get(a.strategy) ?? { attempts: 0, completed: 0, wins: 0, pnl: ZERO, fees: ZERO, pct: ZERO, pctN: 0 };
    s.attempts += 1;
    if (a.status === 'completed') s.completed += 1;
    if (a.pnl.gt(0)) s.wins += 1;
    s.pnl = s.pnl.plus(a.pnl);
    for (const f of fees.get(id) ?? []) {
      const price = str(a.prices[f.asset]);
      if (price) s.fees = s.fees.plus(f.amount.times(price));
      else unpricedFees += 1;
    }
    const p = expected.get(id);
    if (p) {
      s.pct = s.pct.plus(p);
      s.pctN += 1;
    }
    acc.set(a.strategy, s);
  }
  const f = (d: Decimal) => formatDecimal(d);
  return {
    since,
    byStrategy: Object.fromEntries([...acc].sort(([x], [y]) => x.localeCompare(y)).map(([k, s]) => [k, {
      attempts: s.attempts, completed: s.completed, wins: s.wins, winRate: s.attempts ? f(new Decimal(s.wins).div(s.attempts).toDecimalPlaces(4)) : '0',
      netPnlUsd: f(s.pnl), feesUsd: f(s.fees), averageNetPercent: s.pctN ? f(s.pct.div(s.pctN).toDecimalPlaces(6)) : '0',
    }])),
    refusedByReason: Object.fromEntries(Object.entries(refusedByReason).sort(([a], [b]) => a.localeCompare(b))),
    unpricedFees,
  };
}
