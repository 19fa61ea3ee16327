import * as os from 'node:os';
import type * as http from 'node:http';
import type { ExchangeId } from '../domain/market';
import type { MarketContext } from '../domain/market-context/types';
import { hotpathStatusSchema, HOTPATH_STATUS_VERSION, type HotpathStatusWire } from '../hotpath/status-schema';
import type { HotpathControl } from '../hotpath/control';
import type { MarketScanner } from '../hotpath/scanner';
import type { Qbot } from '../hotpath/qbot';
import type { ExchangeAdapters } from '../adapters/exchanges/factory';
import type { OpportunityTap } from '../dashboard/opportunities';
import { tokenMatches } from '../dashboard/auth';
import type { VenueFeeStatus } from '../adapters/exchanges/account-fees';
import { feeScheduleStatusWire } from '../hotpath/fee-schedule-status';
import type { OpenExposure } from '../hotpath/leg-recovery';

export interface StatusParts {
  qbot: Qbot;
  control: HotpathControl;
  venues: ExchangeAdapters[];
  scanner: MarketScanner;
  tap: OpportunityTap;
  /** This hot path's own Temporal task queue (HotpathLink), null without Temporal. */
  controlQueue: () => string | null;
  /** Tied to Temporal: the Q-bot does not trade before the mode's allocation arrives (say so). */
  gatedOnAllocation: boolean;
  /** The account fee source's view: which schedule prices each venue (adapters/exchanges/account-fees.ts). */
  fees?: () => VenueFeeStatus[];
  /** Positions a trade cut by a crash left open, until recovered (hotpath/leg-recovery.ts). */
  exposure?: () => OpenExposure[];
}

const LEVEL_ORDER: Record<string, number> = { careful: 0, aggressive: 1, normal: 2 };
const CONTEXT_ROWS = 12;

function contextOf(scanner: MarketScanner, market: string): MarketContext | undefined {
  const i = market.indexOf(':');
  try {
    return scanner.contextFor(market.slice(0, i) as ExchangeId, market.slice(i + 1));
  } catch {
    return undefined;
  }
}

/** Most careful first; then by symbol, so one market's venues sit side by side. */
export function compareContexts(a: { market: string; level: string }, b: { market: string; level: string }): number {
  const symbolOf = (m: string) => m.slice(m.indexOf(':') + 1);
  return (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) || symbolOf(a.market).localeCompare(symbolOf(b.market)) || a.market.localeCompare(b.market);
}

/** The hot path's status document (wire form), checked against the shared schema before it leaves. */
export function buildHotpathStatus(p: StatusParts, now: number, instance = `${os.hostname()}:${process.pid}`): HotpathStatusWire {
  const snap = p.control.snapshot();
  const waiting = p.gatedOnAllocation && p.control.allocation() === null;
  const kill = p.qbot.gates.kill.tripped;
  const opportunities = p.tap.best();
  const contextRow = (market: string) => {
    const c = contextOf(p.scanner, market);
    return c ? { market, level: c.level, thresholdPercent: c.thresholdPercent.toFixed(), depthMultiple: c.depthMultiple.toFixed(), reasons: [...c.reasons] } : undefined;
  };
  const all = p.venues.flatMap((v) => v.marketData.health().map((h) => contextRow(`${h.exchange}:${h.symbol}`))).filter((x) => x !== undefined);
  const contexts = new Map(all.sort(compareContexts).slice(0, CONTEXT_ROWS).map((c) => [c.market, c]));
  for (const m of opportunities.flatMap((o) => o.markets)) {
    const c = contexts.has(m) ? undefined : contextRow(m);
    if (c) contexts.set(m, c);
  }
  const wire: HotpathStatusWire = {
    version: HOTPATH_STATUS_VERSION,
    at: new Date(now).toISOString(),
    instance,
    controlQueue: p.controlQueue(),
    control: waiting ? { ...snap, paused: true, pausedReason: snap.pausedReason ?? 'waiting for the allocation from the mode workflow' } : snap,
    killSwitch: kill ? `${kill.reason.code}: ${kill.reason.message}` : null,
    counters: { books: p.tap.books, prefiltered: p.tap.prefiltered, evaluated: p.tap.evaluated },
    balances: p.qbot.balanceEntries().map((b) => ({ exchange: b.exchange, asset: b.asset, amount: b.amount.toFixed(), usdPrice: p.qbot.usd(b.asset)?.toFixed() ?? null })),
    feeds: p.venues.map((v) => {
      const h = v.marketData.health();
      const ages = h.map((x) => x.ageMs).filter((x): x is number => x !== null);
      const r = v.health().rateLimit;
      return {
        exchange: v.exchange, live: h.filter((x) => x.state === 'live').length, total: h.length,
        worstAgeMs: ages.length ? Math.max(0, Math.round(Math.max(...ages))) : null, reconnects: h.reduce((n, x) => n + x.reconnects, 0),
        rateLimit: { restTokens: Math.max(0, r.restTokens), hits429: r.hits429, hits418: r.hits418, rateLimited: r.rateLimited, backoffUntil: r.backoffUntil === null ? null : Math.round(r.backoffUntil) },
      };
    }),
    contexts: [...contexts.values()],
    opportunities,
    decisions: p.tap.recentDecisions(),
    refusedByReason: p.tap.refusedByReason(),
    ...(p.fees ? { fees: feeScheduleStatusWire(p.fees()) } : {}),
    ...(p.exposure ? { openExposure: p.exposure().map((x) => ({ ...x, amount: x.amount.toFixed(), since: new Date(x.since).toISOString() })) } : {}),
  };
  // A status the dashboard would refuse is a bug here: fail loudly in this process, not there.
  hotpathStatusSchema.parse(wire);
  return wire;
}

/**
 * GET /status: read-only. With DASHBOARD_TOKEN set it needs the same token in x-dashboard-token
 * (compared in constant time); without one it is open, like the metrics beside it (127.0.0.1).
 */
export function answerStatus(req: http.IncomingMessage, res: http.ServerResponse, o: { token: string | undefined; status: () => HotpathStatusWire }): void {
  const given = req.headers['x-dashboard-token'];
  if (o.token && !tokenMatches(o.token, typeof given === 'string' ? given : undefined)) {
    return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'token_required', message: 'the hot path status needs the dashboard token (x-dashboard-token header)' }));
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(o.status()));
}
