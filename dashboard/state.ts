import type { Client } from '@temporalio/client';
import { Decimal } from '../domain/money/decimal';
import { formatForPeople } from '../domain/money/format';
import type { Ledger } from '../ports/ledger';
import { MODE_WORKFLOW_ID, modeQuery, reconcileQuery, type ModeView } from '../signals/defs';
import { describeFeeSchedule } from '../hotpath/fee-schedule-status';
import type { HotpathStatus } from '../hotpath/status-schema';
import { RECONCILE_WORKFLOW_ID } from '../workers/reconcile';
import type { HotpathReading, HotpathSource } from './hotpath-source';
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
  /** The first hot path that answered (or why none did); the panels below show that one. */
  hotpath: { state: 'running' | 'paused' | 'stopped' | 'down'; reason: string | null; killSwitch: string | null; evaluated: number; books: number; prefiltered: number };
  /** Every hot path the dashboard reads, each up (running/paused, its mode and split) or down with the reason. */
  hotpaths: Array<{ source: string; instance: string; state: 'running' | 'paused' | 'down'; detail: string }>;
  balances: Array<{ exchange: string; asset: string; amount: string; usd: string }>;
  venues: Array<{ exchange: string; usd: string; sharePercent: string; targetPercent: string; driftPercent: string; barWidth: string }>;
  totalUsd: string;
  opportunities: Array<{ route: string; strategy: string; markets: string[]; size: string; netProfit: string; netPercent: string; threshold: string; verdict: string; seenAt: number; context: string }>;
  /** Markets whose scanner context is not the calm default, most careful first. */
  contexts: Array<{ market: string; level: string; threshold: string; depth: string; reasons: string }>;
  decisions: Array<{ at: string; route: string; netPercent: string; outcome: string; reason: string }>;
  /** `simulated`: booked against the local simulator (the demo), not a real or paper venue. */
  trades: Array<{ at: string; kind: string; exchange: string; asset: string; delta: string; note: string; simulated: boolean }>;
  pnl: { realisedUsd: string; fees: Array<{ exchange: string; asset: string; amount: string }>; chart: PnlChart; sweep: SweepAvailability };
  health: Array<{ exchange: string; live: number; total: number; worstAgeMs: string; reconnects: number; state: string; rateBudget: string; rateLimited: boolean }>;
  bots: BotPanels;
  workflows: WorkflowPanels;
  /** Which fee schedule prices each venue's decisions (the account's own or the config's fallback tier). */
  feeSchedules: Array<{ exchange: string; source: 'account' | 'fallback'; detail: string }>;
  /** The periodic reconciliation: ledger against every venue, each difference listed (never corrected). */
  reconcile: { state: 'agrees' | 'differs' | 'not checked yet' | 'not running'; summary: string; differences: Array<{ exchange: string; asset: string; ledger: string; exchange_: string; difference: string }>; link: string | null };
  temporalUiUrl: string | null;
}

export interface StateSources {
  client: Client;
  /** The hot path object in this process, or the hot paths' status endpoints (dashboard/hotpath-source.ts). */
  hotpath: HotpathSource;
  /** The ledger, or how to get it now (a dashboard process may start before the ledger file exists). */
  ledger: Ledger | (() => Ledger);
  temporalUiUrl: string | undefined;
  namespace: string;
  tradingMode: string;
  marketData: string;
  /** settings.sweep.profitPercent; the settings default (15) when the caller does not pass it. */
  sweepProfitPercent?: string;
  now?: () => number;
  /**
   * How long each Temporal read (a query, a describe, the rebalance list) may take (default 4 s).
   * A query no worker takes fails only after Temporal's own 30 s: a worker that is down or starved
   * of CPU must cost its panel an error, not the page its answer.
   */
  temporalReadMs?: number;
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

type Context = HotpathStatus['contexts'][number];

function contextText(c: Context | undefined, market: string): string {
  return c ? `${market.split(':')[0]} ${c.level} ${formatForPeople(c.thresholdPercent, 2)} %${c.reasons.length ? ` (${c.reasons.join('; ')})` : ''}` : `${market}: no context`;
}

const LEVEL_ORDER: Record<string, number> = { careful: 0, aggressive: 1, normal: 2 };

function contextRows(contexts: readonly Context[]): DashboardState['contexts'] {
  // Most careful first; then by symbol, so one market's venues sit side by side.
  const symbolOf = (m: string) => m.slice(m.indexOf(':') + 1);
  return [...contexts]
    .sort((a, b) => (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) || symbolOf(a.market).localeCompare(symbolOf(b.market)) || a.market.localeCompare(b.market))
    .slice(0, 12)
    .map((c) => ({ market: c.market, level: c.level, threshold: `${formatForPeople(c.thresholdPercent, 2)} %`, depth: `${formatForPeople(c.depthMultiple, 1)}x`, reasons: c.reasons.join('; ') || '—' }));
}

/** The reconcile workflow's last comparison, as the page shows it; a workflow that is not running says so. */
async function reconcilePanel(s: StateSources): Promise<DashboardState['reconcile']> {
  const link = workflowLink(s, RECONCILE_WORKFLOW_ID);
  try {
    const v = await s.client.workflow.getHandle(RECONCILE_WORKFLOW_ID).query(reconcileQuery);
    if (!v.last) return { state: 'not checked yet', summary: v.lastError ? `last round failed: ${v.lastError}` : 'no comparison yet', differences: [], link };
    const unavailable = v.last.unavailable.length ? `; not read: ${v.last.unavailable.join(', ')}` : '';
    const missing = (v.last.missingDeposits ?? []).map((m) => `${m.inTransit} ${m.asset} ${m.from} -> ${m.to} (txid ${m.txid}, since ${m.since})`);
    const inTransit = missing.length ? `; DEPOSIT MISSING, in transit: ${missing.join(', ')}` : '';
    const differences = v.last.differences.map((d) => ({
      exchange: d.exchange, asset: d.asset, ledger: d.ledgerAmount, exchange_: d.exchangeAmount, difference: d.difference,
    }));
    return {
      state: differences.length ? 'differs' : 'agrees',
      summary: `${v.checks} checks, last at ${v.last.at}${v.differingSince ? `; differing since ${v.differingSince}` : ''}${unavailable}${inTransit}${v.lastError ? `; last error: ${v.lastError}` : ''}`,
      differences, link,
    };
  } catch (err) {
    return { state: 'not running', summary: `reconcile workflow not answering: ${(err as Error).message}`, differences: [], link: null };
  }
}

function feeScheduleRows(readings: HotpathReading[]): DashboardState['feeSchedules'] {
  const first = readings.find((r): r is Extract<HotpathReading, { ok: true }> => r.ok);
  return (first?.status.fees ?? []).map((f) => ({ exchange: f.exchange, source: f.source, detail: describeFeeSchedule(f) }));
}

function hotpathRow(r: HotpathReading): DashboardState['hotpaths'][number] {
  if (!r.ok) return { source: r.source, instance: '', state: 'down', detail: r.reason };
  const c = r.status.control;
  const split = c.allocationPercent ? `Q-bot ${c.allocationPercent.qbot.toFixed()} % · A-bot ${c.allocationPercent.abot.toFixed()} % · G-bot ${c.allocationPercent.gbot.toFixed()} %` : 'no allocation yet';
  return {
    source: r.source, instance: r.status.instance, state: c.paused ? 'paused' : 'running',
    detail: `${c.mode ?? 'no mode yet'} · ${split}${c.paused && c.pausedReason ? ` · ${c.pausedReason}` : ''}`,
  };
}

/** The panels that come from one hot path's status (or empty ones when no hot path answers). */
function hotpathPanels(readings: HotpathReading[]): Pick<DashboardState, 'hotpath' | 'balances' | 'venues' | 'totalUsd' | 'opportunities' | 'contexts' | 'decisions' | 'health'> {
  const first = readings.find((r): r is Extract<HotpathReading, { ok: true }> => r.ok);
  if (!first) {
    const reason = readings.length ? readings.map((r) => `${r.source}: ${r.ok ? 'up' : r.reason}`).join('; ') : 'no hot path configured';
    return {
      hotpath: { state: 'down', reason: `hot path down: ${reason}`, killSwitch: null, evaluated: 0, books: 0, prefiltered: 0 },
      balances: [], venues: [], totalUsd: formatForPeople(ZERO, 2), opportunities: [], contexts: [], decisions: [], health: [],
    };
  }
  const st = first.status;
  const balances: DashboardState['balances'] = [];
  const perVenue = new Map<string, Decimal>();
  for (const b of [...st.balances].sort((a, c) => a.exchange.localeCompare(c.exchange) || a.asset.localeCompare(c.asset))) {
    const usd = b.usdPrice ? b.amount.times(b.usdPrice) : undefined;
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
  const health = st.feeds.map((f) => {
    const r = f.rateLimit;
    return {
      exchange: f.exchange, live: f.live, total: f.total, worstAgeMs: f.worstAgeMs === null ? 'no book yet' : `${f.worstAgeMs} ms`,
      reconnects: f.reconnects, state: f.live === f.total && f.total > 0 ? 'live' : f.live > 0 ? 'partly stale' : 'down',
      // Request tokens, not money: a count is fine as a number.
      rateBudget: `${r.rateLimited && r.backoffUntil ? `cooling down until ${new Date(r.backoffUntil).toISOString().slice(11, 19)}` : `${Math.floor(r.restTokens)} REST tokens left`} · 429s ${r.hits429} · 418s ${r.hits418}`,
      rateLimited: r.rateLimited,
    };
  });
  const byMarket = new Map(st.contexts.map((c) => [c.market, c]));
  const c = st.control;
  return {
    hotpath: {
      state: c.paused ? 'paused' : 'running', reason: c.pausedReason, killSwitch: st.killSwitch,
      evaluated: st.counters.evaluated, books: st.counters.books, prefiltered: st.counters.prefiltered,
    },
    balances,
    venues,
    totalUsd: formatForPeople(total, 2),
    opportunities: st.opportunities.map((o) => ({
      route: o.route, strategy: o.strategy, markets: o.markets, seenAt: o.seenAt, verdict: o.verdict,
      size: `${formatForPeople(o.size, 6)} ${o.sizeAsset}`, netProfit: `${formatForPeople(o.netProfit, 6)} ${o.netProfitAsset}`,
      netPercent: `${formatForPeople(o.netPercent, 4)} %`, threshold: `${formatForPeople(o.thresholdPercent, 2)} %`,
      context: o.markets.map((m) => contextText(byMarket.get(m), m)).join(' | '),
    })),
    contexts: contextRows(st.contexts),
    decisions: st.decisions.map((d) => ({ at: new Date(d.at).toISOString().slice(11, 19), route: d.route, netPercent: `${formatForPeople(d.netPercent, 4)} %`, outcome: d.outcome, reason: d.reason })),
    health,
  };
}

export async function collectState(s: StateSources): Promise<DashboardState> {
  const now = (s.now ?? Date.now)();
  // The Temporal panels at once, each within the read deadline (their own catch says "not answering").
  const bounded = <T>(read: () => Promise<T>) => s.client.withDeadline(Date.now() + (s.temporalReadMs ?? 4_000), read);
  const temporal = Promise.all([bounded(() => modePanel(s)), bounded(() => workflowPanels(s)), bounded(() => botPanels(s.client)), bounded(() => reconcilePanel(s))]);
  const readings = await s.hotpath.read();
  const ledger = typeof s.ledger === 'function' ? s.ledger() : s.ledger;

  const since = now - 3600_000;
  const trades = ledger.entries({ since })
    .filter((e) => e.kind === 'fill' || e.kind === 'order-rejected' || e.kind === 'fee' || e.kind === 'mode-flip')
    .slice(-15).reverse()
    .map((e) => ({
      at: new Date(e.at).toISOString().slice(11, 19), kind: e.kind, exchange: e.exchange ?? '', asset: e.asset ?? '',
      delta: e.delta ? formatForPeople(e.delta, 8) : '', note: typeof e.details?.reason === 'string' ? e.details.reason : e.correlationId,
      simulated: e.details?.simulated === true,
    }));

  const [mode, workflows, bots, reconcile] = await temporal;
  return {
    at: new Date(now).toISOString(),
    tradingMode: s.tradingMode,
    marketData: s.marketData,
    mode,
    ...hotpathPanels(readings),
    hotpaths: readings.map(hotpathRow),
    trades,
    pnl: {
      realisedUsd: formatForPeople(ledger.realisedPnlUsd(), 2),
      fees: ledger.feesPaid().map((f) => ({ exchange: f.exchange, asset: f.asset, amount: formatForPeople(f.amount, 8) })),
      chart: pnlChart(ledger, now),
      sweep: sweepAvailability(ledger, new Decimal(s.sweepProfitPercent ?? '15')),
    },
    workflows,
    bots,
    feeSchedules: feeScheduleRows(readings),
    reconcile,
    temporalUiUrl: s.temporalUiUrl ?? null,
  };
}
