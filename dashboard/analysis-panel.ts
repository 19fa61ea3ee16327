import type { Ledger } from '../ports/ledger';
import { analyzeTrading, type TradingAnalysis } from '../domain/backtest/analysis';

export interface AnalysisPanelOptions {
  ledger: Ledger;
  /** The hot path's refusals by gate code (its status endpoint or /metrics); none when absent. */
  refusals?: () => Record<string, number> | Promise<Record<string, number>>;
  /** Recompute at most this often (ms): the panel reads the ledger, never the hot path's loop. */
  everyMs?: number;
  now?: () => number;
}

/**
 * The dashboard's trading analysis (per-strategy PnL, win rate, average net %, fees, refusals by
 * reason), computed in the dashboard's process from the ledger, off the hot path, and cached so
 * page refreshes do not re-read the ledger. Serve `get()` as JSON (e.g. GET /api/analysis).
 */
export class AnalysisPanel {
  private cached?: { at: number; value: TradingAnalysis };

  constructor(private readonly o: AnalysisPanelOptions) {}

  async get(since: number | null = null): Promise<TradingAnalysis> {
    const now = (this.o.now ?? Date.now)();
    if (this.cached && since === this.cached.value.since && now - this.cached.at < (this.o.everyMs ?? 5000)) return this.cached.value;
    const refusals = (await this.o.refusals?.()) ?? {};
    const value = analyzeTrading(this.o.ledger.entries(since === null ? {} : { since }), refusals, since);
    this.cached = { at: now, value };
    return value;
  }
}
