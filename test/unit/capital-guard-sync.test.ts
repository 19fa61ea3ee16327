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
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { qbotBudgets, qbotConsumerOf, qbotContinuesAttempt } from '../../workers/capital';
import { Qbot } from '../../hotpath/qbot';
import { QbotMetrics } from '../../hotpath/metrics';
import pino from 'pino';
import { createLogger, type Logger } from '../../hotpath/logger';
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
function guardedQbot(dir: string, balanceMaxAgeMs: number, o: { durablePaper?: boolean; log?: Logger } = {}) {
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
  // The hot path's paper venues claim each client order id in state.sqlite (durable across processes).
  const state = o.durablePaper ? StateStore.open({ file: path.join(dir, 'state.sqlite') }) : undefined;
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
      ...(state ? { store: state } : {}),
    });
    papers.push(paper);
    trading.set(ex, guard.trading(observed(paper), paper, consumer, qbotContinuesAttempt));
    accounts.set(ex, guard.spendable(paper, 'qbot-cross'));
  }
  const cfg = qbotConfigFrom(loadConfig({ env: {} }));
  const qbot = new Qbot({
    config: cfg, markets: MARKETS, fee: feesFromMarkets(MARKETS), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth),
    clock, log: o.log ?? createLogger('silent'), metrics: new QbotMetrics(), trading, ledger, accounts, totalCapitalUsd: d('100000'),
    newId: (() => { let n = 0; return () => `att-${(n += 1)}`; })(),
  });
  ref.qbot = qbot;
  const feed = (b: OrderBook) => {
    books.set(`${b.exchange}:${b.symbol}`, b);
    return qbot.onBook(b);
  };
  const close = () => (store.close(), other.close(), ledger.close(), state?.close());
  return { qbot, guard, papers, feed, sent, ledger, advance: (ms: number) => (now += ms), close };
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

  test('paper venues on a durable state file (the hot path\'s): each leg\'s claim and its order-attempt line are booked before onBook returns', async () => {
    const s = guardedQbot(dir, 5_000, { durablePaper: true });
    try {
      await s.qbot.refreshBalances();
      s.advance(1_000);
      s.feed(cheap(T0 + 1_000));
      expect(s.feed(dear(T0 + 1_000)).started).toHaveLength(1);
      // No await since the decision: the venue has claimed the id and booked the order, as an
      // exchange would have received it (the claim no longer waits for a later microtask).
      const attempts = () => s.ledger.entries({ kind: 'order-attempt' }).map((e) => e.idempotencyKey).sort();
      expect(attempts()).toEqual(['order:coinbase:att-1-sell:attempt', 'order:kraken:att-1-buy:attempt']);
      const [r] = await s.qbot.drain();
      expect(r!.status).toBe('completed');
      // Asked again by the same id, the venue answers the first outcome and books nothing more.
      const again = await s.papers[0]!.placeOrder({ exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: d('0.01'), price: d('100000'), clientOrderId: 'att-1-buy' });
      expect(again).toEqual(r!.outcomes[0]);
      expect(attempts()).toHaveLength(2);
    } finally {
      s.close();
    }
  });

  test('the opportunity\'s info line (a synchronous write of its whole evaluation) is written after its orders are booked, not before', async () => {
    // At each log line: how many order attempts the ledger already holds.
    const lines: Array<{ msg: string; attemptsBooked: number }> = [];
    const ref: { ledger?: SqliteLedger } = {};
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push({ msg: (JSON.parse(line) as { msg: string }).msg, attemptsBooked: ref.ledger?.entries({ kind: 'order-attempt' }).length ?? -1 }) });
    const s = guardedQbot(dir, 5_000, { durablePaper: true, log });
    ref.ledger = s.ledger;
    try {
      await s.qbot.refreshBalances();
      s.advance(1_000);
      s.feed(cheap(T0 + 1_000));
      expect(s.feed(dear(T0 + 1_000)).started).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'opportunity taken')).toEqual([{ msg: 'opportunity taken', attemptsBooked: 2 }]);
      await s.qbot.drain();
    } finally {
      s.close();
    }
  });
});
