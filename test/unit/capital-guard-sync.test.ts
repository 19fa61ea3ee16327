import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { CapitalStore } from '../../adapters/persistence/capital-sqlite';
import { CapitalGuard } from '../../adapters/capital/guard';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { qbotBudgets, qbotConsumerOf, qbotContinuesAttempt } from '../../workers/capital';
import { Qbot } from '../../hotpath/qbot';
import { QbotMetrics } from '../../hotpath/metrics';
import { createLogger } from '../../hotpath/logger';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import type { Account } from '../../ports/account';
import type { Trading } from '../../ports/trading';
import { book, d, mk } from '../helpers/qbot-books';

const T0 = Date.UTC(2026, 11, 1, 8, 0);
const MARKETS = [mk('kraken', 'BTC/USD'), mk('coinbase', 'BTC/USD')];

/**
 * The hot path's wiring (workers/hotpath.ts): a Q-bot whose orders go through the capital guard
 * (a real CapitalStore on a file) to paper venues, and whose balance reads are the guard's
 * `spendable` view. `sent` lists each order the moment the guard hands it to its venue.
 */
function guardedQbot(dir: string, balanceMaxAgeMs: number) {
  let now = T0;
  const clock = { now: () => now };
  const ledger = SqliteLedger.open({ file: ':memory:' });
  // What reached each venue, and which reservations another connection saw on disk at that moment.
  const sent: Array<{ order: string; open: string[] }> = [];
  const other = CapitalStore.open({ file: path.join(dir, 'capital.sqlite') });
  const observed = (t: PaperTrading): Trading => ({
    exchange: t.exchange,
    placeOrder: (req) => {
      sent.push({ order: req.clientOrderId ?? '', open: other.openReservations().map((r) => r.key).sort() });
      return t.placeOrder(req);
    },
    cancelOrder: (symbol, id) => t.cancelOrder(symbol, id),
    fetchOrderByClientId: (symbol, id) => t.fetchOrderByClientId(symbol, id),
  });
  const store = CapitalStore.open({ file: path.join(dir, 'capital.sqlite') });
  const ref: { qbot?: Qbot } = {};
  const guard = new CapitalGuard({
    store, clock, reservationTtlMs: 60_000, balanceMaxAgeMs, budgets: qbotBudgets(() => ref.qbot!.capital()), usdPrice: (a) => ref.qbot?.usd(a),
  });
  const books = new Map<string, OrderBook>();
  const consumer = qbotConsumerOf();
  const trading = new Map<ExchangeId, Trading>();
  const accounts = new Map<ExchangeId, Account>();
  const papers: PaperTrading[] = [];
  const inventory: Record<string, Record<string, string>> = { kraken: { USD: '20000' }, coinbase: { BTC: '1' } };
  for (const ex of ['kraken', 'coinbase'] as const) {
    const paper = new PaperTrading({
      exchange: ex, markets: MARKETS, ledger, clock, books: (symbol) => books.get(`${ex}:${symbol}`),
      initialBalances: Object.fromEntries(Object.entries(inventory[ex]!).map(([a, v]) => [a, d(v)])),
    });
    papers.push(paper);
    trading.set(ex, guard.trading(observed(paper), paper, consumer, qbotContinuesAttempt));
    accounts.set(ex, guard.spendable(paper, 'qbot-cross'));
  }
  const cfg = qbotConfigFrom(loadConfig({ env: {} }));
  const qbot = new Qbot({
    config: cfg, markets: MARKETS, fee: feesFromMarkets(MARKETS), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth),
    clock, log: createLogger('silent'), metrics: new QbotMetrics(), trading, ledger, accounts, totalCapitalUsd: d('100000'),
    newId: (() => { let n = 0; return () => `att-${(n += 1)}`; })(),
  });
  ref.qbot = qbot;
  const feed = (b: OrderBook) => {
    books.set(`${b.exchange}:${b.symbol}`, b);
    return qbot.onBook(b);
  };
  const close = () => (store.close(), other.close(), ledger.close());
  return { qbot, guard, papers, feed, sent, advance: (ms: number) => (now += ms), close };
}

// Kraken asks 100000, Coinbase bids 101500: +1.5 % before fees.
const cheap = (at: number) => book('kraken', 'BTC/USD', [['99900', '1']], [['100000', '1']], at);
const dear = (at: number) => book('coinbase', 'BTC/USD', [['101500', '1']], [['101600', '1']], at);

describe('the decision and its guarded orders are one synchronous step (tick to order)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-guard-sync-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('with a balance view younger than the age limit (the hot path\'s own read), both legs are reserved on disk and sent before onBook returns', async () => {
    const s = guardedQbot(dir, 5_000);
    try {
      // The hot path reads its balances at start (and after each attempt) through the guard's view.
      await s.qbot.refreshBalances();
      s.advance(1_000);
      s.feed(cheap(T0 + 1_000));
      const out = s.feed(dear(T0 + 1_000));
      expect(out.started).toHaveLength(1);
      // No await since the decision: both legs already went to their venues.
      expect(s.sent).toHaveLength(2);
      // Each leg's reservation was committed (seen by another connection) before it was sent.
      expect(s.sent).toEqual([{ order: 'att-1-buy', open: ['att-1-buy'] }, { order: 'att-1-sell', open: ['att-1-buy', 'att-1-sell'] }]);
      const [r] = await s.qbot.drain();
      expect(r!.status).toBe('completed');
    } finally {
      s.close();
    }
  });

  test('a balance view past the age limit is read again first: the order then waits for that read (never sent on an old view)', async () => {
    const s = guardedQbot(dir, 5_000);
    try {
      await s.qbot.refreshBalances();
      s.advance(5_000);
      s.feed(cheap(T0 + 5_000));
      const out = s.feed(dear(T0 + 5_000));
      expect(out.started).toHaveLength(1);
      expect(s.sent).toHaveLength(0);
      const [r] = await s.qbot.drain();
      expect(r!.status).toBe('completed');
      expect(s.sent).toHaveLength(2);
      for (const seen of s.sent) expect(seen.open).toContain(seen.order);
    } finally {
      s.close();
    }
  });

  test('the hot path\'s timer reads the balances again off the path: after a quiet spell longer than the age limit the next dislocation is still sent at once', async () => {
    const s = guardedQbot(dir, 5_000);
    try {
      await s.qbot.refreshBalances();
      s.advance(4_000);
      // What workers/hotpath.ts does every 0.8 x balanceMaxAgeMs.
      for (const p of s.papers) expect(await s.guard.refresh(p)).toHaveProperty('assets');
      s.advance(4_000);
      s.feed(cheap(T0 + 8_000));
      expect(s.feed(dear(T0 + 8_000)).started).toHaveLength(1);
      expect(s.sent).toHaveLength(2);
      const [r] = await s.qbot.drain();
      expect(r!.status).toBe('completed');
    } finally {
      s.close();
    }
  });
});
