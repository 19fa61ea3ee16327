import type { CrossEvaluation, TriEvaluation } from '../domain/arbitrage';
import type { BookOutcome, Qbot } from '../hotpath/qbot';
import type { HotpathStatusWire } from '../hotpath/status-schema';
import { countRefusals } from '../domain/backtest/analysis';

type Evaluation = CrossEvaluation | TriEvaluation;

/** Raw figures (decimal strings): the hot path sends them in its status, the dashboard formats them. */
export type OpportunityRow = HotpathStatusWire['opportunities'][number];
export type DecisionRow = HotpathStatusWire['decisions'][number];

interface Best {
  ev: Evaluation;
  at: number;
}

/**
 * Watches the Q-bot's evaluations (every book the hot path hands it) and keeps, per route, the
 * latest sized evaluation; the dashboard shows the best of those that are still fresh, plus the
 * recent taken/held decisions. Observes only: the Q-bot's result is returned unchanged.
 */
export class OpportunityTap {
  private readonly latest = new Map<string, Best>();
  private readonly decisions: DecisionRow[] = [];
  evaluated = 0;
  books = 0;
  /** Candidates the float prefilter dropped before any Decimal evaluation (far from profitable). */
  prefiltered = 0;
  /** Refusals by gate code since start, counted as the backtest counts them (GET /api/analysis). */
  private readonly refused: Record<string, number> = {};

  constructor(private readonly now: () => number = Date.now, private readonly freshMs = 60_000) {}

  attach(q: Qbot): void {
    const original = q.onBook.bind(q);
    // The hot path calls qbot.onBook through the instance, so an own property sees every book.
    q.onBook = (book) => {
      const out = original(book);
      this.record(out);
      return out;
    };
  }

  record(out: BookOutcome): void {
    const at = this.now();
    this.books += 1;
    this.prefiltered += out.cross.prefiltered + out.tri.prefiltered;
    countRefusals(this.refused, out.cross.prefiltered + out.tri.prefiltered, out.cross.evaluated);
    countRefusals(this.refused, 0, out.tri.evaluated);
    for (const ev of [...out.cross.evaluated, ...out.tri.evaluated]) {
      this.evaluated += 1;
      this.latest.set(routeOf(ev), { ev, at });
    }
    for (const ev of out.started) this.decide(ev, at, 'taken');
    for (const ev of out.held) this.decide(ev, at, 'held');
  }

  best(limit = 8): OpportunityRow[] {
    const cutoff = this.now() - this.freshMs;
    const rows = [...this.latest.entries()].filter(([, b]) => b.at >= cutoff);
    // Sized evaluations first (their figures are real), then those refused before sizing.
    rows.sort((a, b) => Number(a[1].ev.size.isZero()) - Number(b[1].ev.size.isZero()) || b[1].ev.netPercent.comparedTo(a[1].ev.netPercent));
    return rows.slice(0, limit).map(([key, { ev, at }]) => ({
      route: key,
      strategy: ev.strategy,
      markets: ev.strategy === 'cross' ? [ev.buyAt, ev.sellAt] : ev.legs.map((l) => `${l.exchange}:${l.symbol}`),
      size: ev.size.toFixed(),
      sizeAsset: ev.strategy === 'cross' ? ev.base : ev.start,
      netProfit: ev.netProfit.toFixed(),
      netProfitAsset: ev.strategy === 'cross' ? ev.buyQuote : ev.start,
      netPercent: ev.netPercent.toFixed(),
      thresholdPercent: ev.thresholdPercent.toFixed(),
      verdict: ev.rejection ? `${ev.rejection.code}: ${ev.rejection.message}` : 'above threshold',
      seenAt: at,
    }));
  }

  refusedByReason(): Record<string, number> {
    return { ...this.refused };
  }

  recentDecisions(): DecisionRow[] {
    return [...this.decisions].reverse();
  }

  private decide(ev: Evaluation, at: number, outcome: 'taken' | 'held'): void {
    this.decisions.push({ at, route: routeOf(ev), netPercent: ev.netPercent.toFixed(), outcome, reason: ev.rejection ? `${ev.rejection.code}: ${ev.rejection.message}` : 'sent to the executor' });
    if (this.decisions.length > 20) this.decisions.shift();
  }
}

function routeOf(ev: Evaluation): string {
  return ev.strategy === 'cross' ? `${ev.buyAt} → ${ev.sellAt}` : `${ev.exchange} ${ev.path}`;
}
