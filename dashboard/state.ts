import type { Client } from '@temporalio/client';
import { Decimal } from '../domain/money/decimal';
import { formatForPeople } from '../domain/money/format';
import type { Ledger } from '../ports/ledger';
import type { ExchangeId } from '../domain/market';
import type { MarketContext } from '../domain/market-context/types';
import { MODE_WORKFLOW_ID, modeQuery, type ModeView } from '../signals/defs';
import type { HotpathProcess } from '../workers/hotpath';
import type { OpportunityTap } from './opportunities';
import { workflowPanels, type WorkflowPanels } from './workflows';
import { botPanels, type BotPanels } from './bots';
import { pnlChart, sweepAvailability, type PnlChart, type SweepAvailability } from './pnl';

/**
 * Everything the page shows, already formatted for people on the server (decimal strings, no
 * floats in the browser). Built once a second and pushed to every open page.
 */
export interface DashboardState {
  at: string;
  tradingMode: string;
  marketData: string;
  mode: { mode: string; split: string; changedAt: string; reason: string; lastFlip: string; link: string | null } | { error: string };
  hotpath: { state: 'running' | 'paused' | 'stopped'; reason: string | null; killSwitch: string | null; evaluated: number; books: number; prefiltered: number };
  balances: Array<{ exchange: string; asset: string; amount: string; usd: string }>;
  venues: Array<{ exchange: string; usd: string; sharePercent: string; targetPercent: string; driftPercent: string; barWidth: string }>;
  totalUsd: string;
  opportunities: Array<ReturnType<OpportunityTap['best']>[number] & { context: string }>;
  /** Markets whose scanner context is not the calm default, most careful first. */
  contexts: Array<{ market: string; level: string; threshold: string; depth: string; reasons: string }>;
  decisions: Array<{ at: string; route: string; netPercent: string; outcome: string; reason: string }>;
  trades: Array<{ at: string; kind: string; exchange: string; asset: string; delta: string; note: string }>;
  pnl: { realisedUsd: string; fees: Array<{ exchange: string; asset: string; amount: string }>; chart: PnlChart; sweep: SweepAvailability };
  health: Array<{ exchange: string; live: number; total: number; worstAgeMs: string; reconnects: number; state: string; rateBudget: string; rateLimited: boolean }>;
  bots: BotPanels;
  workflows: WorkflowPanels;
  temporalUiUrl: string | null;
}

export interface StateSources {
  client: Client;
  hotpath: HotpathProcess;
  ledger: Ledger;
  tap: OpportunityTap;
  temporalUiUrl: string | undefined;
  namespace: string;
  tradingMode: string;
  marketData: string;
  /** settings.sweep.profitPercent; the settings default (15) when the caller does not pass it. */
  sweepProfitPercent?: string;
  now?: () => number;
}

const ZERO = new Decimal(0);

export function workflowLink(s: Pick<StateSources, 'temporalUiUrl' | 'namespace'>, workflowId: string): string | null {
  return s.temporalUiUrl ? `${s.temporalUiUrl}/namespaces/${encodeURIComponent(s.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}

async function modePanel(s: StateSources): Promise<DashboardState['mode']> {
  try {
    const v: ModeView = await s.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
    const last = v.history.at(-1);
    const p = v.allocationPercent;
    return {
      mode: v.mode,
      split: `Q-bot ${p.qbot} % · A-bot ${p.abot} % · G-bot ${p.gbot} %`,
      changedAt: v.changedAt ?? 'never',
      reason: v.reason,
      lastFlip: last ? `${last.from} → ${last.to} at ${last.at} (${last.reason})` : 'no flip yet',
      link: workflowLink(s, MODE_WORKFLOW_ID),
    };
  } catch (err) {
    return { error: `mode workflow not answering: ${(err as Error).message}` };
  }
}

function contextOf(s: StateSources, market: string): MarketContext | undefined {
  const i = market.indexOf(':');
  try {
    return s.hotpath.scanner.contextFor(market.slice(0, i) as ExchangeId, market.slice(i + 1));
  } catch {
    return undefined;
  }
}

function contextText(s: StateSources, market: string): string {
  const c = contextOf(s, market);
  return c ? `${market.split(':')[0]} ${c.level} ${formatForPeople(c.thresholdPercent, 2)} %${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}` : `${market}: no context`;
}

const LEVEL_ORDER: Record<string, number> = { careful: 0, aggressive: 1, normal: 2 };

function contextRows(s: StateSources): DashboardState['contexts'] {
  const rows: DashboardState['contexts'] = [];
  for (const v of s.hotpath.venues) {
    for (const h of v.marketData.health()) {
      const market = `${h.exchange}:${h.symbol}`;
      const c = contextOf(s, market);
      if (!c) continue;
      rows.push({ market, level: c.level, threshold: `${formatForPeople(c.thresholdPercent, 2)} %`, depth: `${formatForPeople(c.depthMultiple, 1)}x`, reasons: c.reasons.join('; ') || '—' });
    }
  }
  // Most careful first; then by symbol, so one market's venues sit side by side.
  const symbolOf = (m: string) => m.slice(m.indexOf(':') + 1);
  rows.sort((a, b) => (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) || symbolOf(a.market).localeCompare(symbolOf(b.market)) || a.market.localeCompare(b.market));
  return rows.slice(0, 12);
}

export async function collectState(s: StateSources): Promise<DashboardState> {
  const now = (s.now ?? Date.now)();
  const q = s.hotpath.qbot;
  const snap = s.hotpath.control.snapshot();
  const kill = q.gates.kill.tripped;

  const balances: DashboardState['balances'] = [];
  const perVenue = new Map<string, Decimal>();
  for (const b of q.balanceEntries().sort((a, c) => a.exchange.localeCompare(c.exchange) || a.asset.localeCompare(c.asset))) {
    const price = q.usd(b.asset);
    const usd = price ? b.amount.times(price) : undefined;
    if (usd) perVenue.set(b.exchange, (perVenue.get(b.exchange) ?? ZERO).plus(usd));
    balances.push({ exchange: b.exchange, asset: b.asset, amount: formatForPeople(b.amount, 8), usd: usd ? formatForPeople(usd, 2) : 'no price' });
  }
  const total = [...perVenue.values()].reduce((a, b) => a.plus(b), ZERO);
  // Without a per-venue target in config, the target is an equal share of the capital per venue.
  const target = perVenue.size ? new Decimal(100).div(perVenue.size) : ZERO;
  const venues = [...perVenue.entries()].map(([exchange, usd]) => {
    const share = total.isZero() ? ZERO : usd.div(total).times(100);
    const drift = share.minus(target);
    return {
      exchange, usd: formatForPeople(usd, 2), sharePercent: formatForPeople(share, 1), targetPercent: formatForPeople(target, 1),
      driftPercent: `${drift.isNegative() ? '' : '+'}${formatForPeople(drift, 1)}`, barWidth: `${formatForPeople(Decimal.min(share, 100), 1)}%`,
    };
  });

  const health = s.hotpath.venues.map((v) => {
    const h = v.marketData.health();
    const live = h.filter((x) => x.state === 'live').length;
    const ages = h.map((x) => x.ageMs).filter((x): x is number => x !== null);
    const worst = ages.length ? Math.max(...ages) : null;
    const r = v.health().rateLimit;
    return {
      exchange: v.exchange, live, total: h.length, worstAgeMs: worst === null ? 'no book yet' : `${worst} ms`,
      reconnects: h.reduce((n, x) => n + x.reconnects, 0), state: live === h.length && h.length > 0 ? 'live' : live > 0 ? 'partly stale' : 'down',
      // Request tokens, not money: a count is fine as a number.
      rateBudget: `${r.rateLimited && r.backoffUntil ? `cooling down until ${new Date(r.backoffUntil).toISOString().slice(11, 19)}` : `${Math.floor(r.restTokens)} REST tokens left`} · 429s ${r.hits429} · 418s ${r.hits418}`,
      rateLimited: r.rateLimited,
    };
  });

  const since = now - 3600_000;
  const trades = s.ledger.entries({ since })
    .filter((e) => e.kind === 'fill' || e.kind === 'order-rejected' || e.kind === 'fee' || e.kind === 'mode-flip')
    .slice(-15).reverse()
    .map((e) => ({
      at: new Date(e.at).toISOString().slice(11, 19), kind: e.kind, exchange: e.exchange ?? '', asset: e.asset ?? '',
      delta: e.delta ? formatForPeople(e.delta, 8) : '', note: typeof e.details?.reason === 'string' ? e.details.reason : e.correlationId,
    }));

  return {
    at: new Date(now).toISOString(),
    tradingMode: s.tradingMode,
    marketData: s.marketData,
    mode: await modePanel(s),
    hotpath: { state: snap.paused ? 'paused' : 'running', reason: snap.pausedReason, killSwitch: kill ? `${kill.reason.code}: ${kill.reason.message}` : null, evaluated: s.tap.evaluated, books: s.tap.books, prefiltered: s.tap.prefiltered },
    balances,
    venues,
    totalUsd: formatForPeople(total, 2),
    opportunities: s.tap.best().map((o) => ({ ...o, context: o.markets.map((m) => contextText(s, m)).join(' | ') })),
    contexts: contextRows(s),
    decisions: s.tap.recentDecisions().map((d) => ({ ...d, at: new Date(d.at).toISOString().slice(11, 19) })),
    trades,
    pnl: {
      realisedUsd: formatForPeople(s.ledger.realisedPnlUsd(), 2),
      fees: s.ledger.feesPaid().map((f) => ({ exchange: f.exchange, asset: f.asset, amount: formatForPeople(f.amount, 8) })),
      chart: pnlChart(s.ledger, now),
      sweep: sweepAvailability(s.ledger, new Decimal(s.sweepProfitPercent ?? '15')),
    },
    health,
    workflows: await workflowPanels(s),
    bots: await botPanels(s.client),
    temporalUiUrl: s.temporalUiUrl ?? null,
  };
}
