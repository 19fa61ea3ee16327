import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { FeeBook } from '../../domain/fees';
import type { OrderBook } from '../../domain/orderbook';
import { marketsFromBooks } from '../../hotpath/replay/default-markets';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { runBacktest } from '../../hotpath/backtest/runner';
import * as http from 'node:http';
import { AnalysisPanel, analysisAnswerSchema } from '../../dashboard/analysis-panel';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import type { HotpathReading } from '../../dashboard/hotpath-source';
import { OpportunityTap } from '../../dashboard/opportunities';
import { parseHotpathStatus, type HotpathStatusWire } from '../../hotpath/status-schema';
import { countRefusals } from '../../domain/backtest/analysis';
import { formatForPeople } from '../../domain/money/format';

const book = (exchange: 'kraken' | 'coinbase', t: number, bid: string, ask: string): OrderBook => ({
  exchange, symbol: 'BTC/USD', receivedAt: t, bids: [{ price: new Decimal(bid), amount: new Decimal('2') }], asks: [{ price: new Decimal(ask), amount: new Decimal('2') }],
});

describe('dashboard analysis panel: per-strategy performance from the ledger, off the hot path', () => {
  it('agrees with the backtest that booked the same attempts: PnL, fees, win rate, average net %', async () => {
    const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
    const books = [book('kraken', 1_000, '99900', '100000'), book('coinbase', 1_100, '103000', '103100'), book('coinbase', 1_200, '103000', '103100')];
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const d = (x: string) => new Decimal(x);
    const run = await runBacktest({
      books, markets: marketsFromBooks(books), config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)), latencyMs: 0,
      balances: { kraken: { USD: d('5000'), BTC: d('0.05') }, coinbase: { USD: d('5000'), BTC: d('0.05') } }, ledger,
    });
    expect(run.trades.length).toBeGreaterThanOrEqual(1);
    let now = 0;
    const panel = new AnalysisPanel({ ledger, refusals: () => ({ byReason: { NET_BELOW_THRESHOLD: 4 }, from: 'test' }), everyMs: 5000, now: () => now });
    const a = await panel.get();
    const sum = (f: (t: (typeof run.trades)[number]) => Decimal) => run.trades.reduce((acc, t) => acc.plus(f(t)), d('0'));
    expect(a.byStrategy.cross).toEqual({
      attempts: run.trades.length, completed: run.trades.filter((t) => t.status === 'completed').length, wins: run.trades.filter((t) => t.pnlUsd.gt(0)).length,
      winRate: new Decimal(run.trades.filter((t) => t.pnlUsd.gt(0)).length).div(run.trades.length).toFixed(), netPnlUsd: sum((t) => t.pnlUsd).toFixed(), feesUsd: sum((t) => t.feesUsd).toFixed(),
      averageNetPercent: sum((t) => t.decisionNetPercent).div(run.trades.length).toDecimalPlaces(6).toFixed(),
    });
    expect(d(a.byStrategy.cross!.feesUsd).gt(0)).toBe(true);
    expect(a.refusedByReason).toEqual({ NET_BELOW_THRESHOLD: 4 });
    expect(a.unpricedFees).toBe(0);
    // Cached between page refreshes; recomputed after everyMs.
    expect(await panel.get()).toBe(a);
    now = 6000;
    expect(await panel.get()).not.toBe(a);
  });
});

describe('GET /api/analysis on the dashboard: the panel over HTTP, with the hot paths\' refusals', () => {
  const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
  const d = (x: string) => new Decimal(x);
  let ledger: SqliteLedger;
  let dashboard: RunningDashboard;
  let trades: number;
  // Two hot paths answer with their counters, one is down: refusals are the sum of those that answered.
  const readings: HotpathReading[] = [statusReading('a', { NET_BELOW_THRESHOLD: 5, PREFILTERED: 10 }), statusReading('b', { NET_BELOW_THRESHOLD: 2, BOOK_STALE: 1 }), { source: 'c', ok: false, reason: 'unreachable (ECONNREFUSED)' }];
  beforeAll(async () => {
    ledger = SqliteLedger.open({ file: ':memory:' });
    const books = [book('kraken', 1_000, '99900', '100000'), book('coinbase', 1_100, '103000', '103100'), book('coinbase', 1_200, '103000', '103100')];
    const run = await runBacktest({
      books, markets: marketsFromBooks(books), config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)), latencyMs: 0,
      balances: { kraken: { USD: d('5000'), BTC: d('0.05') }, coinbase: { USD: d('5000'), BTC: d('0.05') } }, ledger,
    });
    trades = run.trades.length;
    // The /api/analysis route reads no Temporal query: the client is never touched (no page subscribes to /events here).
    dashboard = await startDashboard({
      host: '127.0.0.1', port: 0, token: undefined, client: {} as never, ledger: () => ledger,
      hotpath: { read: async () => readings, pause: () => Promise.reject(new Error('not here')), resume: () => Promise.reject(new Error('not here')) },
      temporalUiUrl: undefined, namespace: 'default', tradingMode: 'paper', marketData: 'simulator',
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    ledger?.close();
  });

  it('answers the schema: per-strategy figures as decimal strings, formatted rows, refusals summed over the hot paths that answered', async () => {
    const r = await fetch(new URL('/api/analysis', dashboard.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = analysisAnswerSchema.parse(await r.json());
    const cross = body.byStrategy.cross!;
    expect(cross.attempts).toBe(trades);
    expect(cross.netPnlUsd).toMatch(/^-?\d+(\.\d+)?$/);
    expect(body.refusedByReason).toEqual({ BOOK_STALE: 1, NET_BELOW_THRESHOLD: 7, PREFILTERED: 10 });
    expect(body.refusalsFrom).toBe('counted by 2 of 3 hot paths since each started (not read: c: unreachable (ECONNREFUSED))');
    // For people: USD to the cent with separators, rates in percent; the raw figure stays in byStrategy.
    const row = body.rows.find((x) => x.strategy === 'cross')!;
    expect(row.netPnlUsd).toBe(formatForPeople(d(cross.netPnlUsd), 2));
    expect(row.winRate).toBe(`${formatForPeople(d(cross.winRate).times(100), 1)} %`);
    expect(row.averageNetPercent).toBe(`${formatForPeople(d(cross.averageNetPercent), 4)} %`);
  });

  it('since filters the ledger; a since that is not a whole number of ms is a 400 that names it; a foreign Host is refused', async () => {
    const later = analysisAnswerSchema.parse(await (await fetch(new URL('/api/analysis?since=5000', dashboard.url))).json());
    expect(later.since).toBe(5000);
    expect(later.byStrategy).toEqual({});
    for (const bad of ['abc', '1.5', '-1', '']) {
      const r = await fetch(new URL(`/api/analysis?since=${bad}`, dashboard.url));
      expect({ bad, status: r.status }).toEqual({ bad, status: 400 });
      expect(((await r.json()) as { error: string; message: string })).toEqual({ ok: false, error: 'bad_since', message: expect.stringContaining('since') as unknown });
    }
    const foreign = await rawGet(dashboard.url, '/api/analysis', 'attacker.example');
    expect(foreign).toBe(421);
  });
});

describe('refusals counted like the backtest: the tap the hot path\'s status reads', () => {
  it('counts each evaluated candidate by its gate code and the prefilter\'s drops as PREFILTERED', () => {
    const tap = new OpportunityTap(() => 0);
    const ev = (code?: string) => ({ rejection: code ? { code } : undefined }) as never;
    tap.record({ cross: { evaluated: [ev('NET_BELOW_THRESHOLD'), ev()], prefiltered: 3 }, tri: { evaluated: [ev('NET_BELOW_THRESHOLD'), ev('DEPTH')], prefiltered: 1 }, held: [], started: [] } as never);
    expect(tap.refusedByReason()).toEqual({ DEPTH: 1, NET_BELOW_THRESHOLD: 2, PREFILTERED: 4 });
    const into: Record<string, number> = {};
    countRefusals(into, 4, [ev('NET_BELOW_THRESHOLD'), ev(), ev('NET_BELOW_THRESHOLD'), ev('DEPTH')]);
    expect(into).toEqual(tap.refusedByReason());
  });
});

function statusReading(source: string, refusedByReason: Record<string, number>): HotpathReading {
  const wire: HotpathStatusWire = {
    version: 1, at: '2026-01-01T00:00:00.000Z', instance: `${source}:1`, controlQueue: null,
    control: { mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, paused: false, pausedReason: null, lastFlipId: null, allocationsApplied: 1, updatedAt: null, killSwitch: null },
    killSwitch: null, counters: { books: 1, prefiltered: 0, evaluated: 0 }, balances: [], feeds: [], contexts: [], opportunities: [], decisions: [], refusedByReason,
  };
  const parsed = parseHotpathStatus(JSON.parse(JSON.stringify(wire)));
  if (!parsed.ok) throw new Error(parsed.reason);
  return { source, ok: true, status: parsed.status };
}

/** A GET with a Host header of our choosing (fetch does not let us set Host). */
function rawGet(base: string, path: string, host: string): Promise<number> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
