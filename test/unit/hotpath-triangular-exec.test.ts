import { Decimal, ZERO } from '../../domain/money/decimal';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { Qbot } from '../../hotpath/qbot';
import { LegRecovery } from '../../hotpath/leg-recovery';
import { QbotMetrics } from '../../hotpath/metrics';
import { createLogger } from '../../hotpath/logger';
import { qbotConfigFrom } from '../../hotpath/qbot-config';

const d = (x: string) => new Decimal(x);
const T0 = Date.UTC(2026, 10, 24, 21, 0);
const mk = (symbol: string, step: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange: 'binance', symbol, base, quote, id: symbol, amountStep: d(step), priceTick: d('0.00000001'), minAmount: d(step), minNotional: d('0.0001'), takerFee: d('0.001'), makerFee: d('0.001'), active: true };
};
// A USDT/USD book on another venue: a stable with no view of its value is not traded (issue #14).
const MARKETS = [mk('BTC/USDT', '0.0001'), mk('SOL/BTC', '0.01'), mk('SOL/USDT', '0.01'), { ...mk('USDT/USD', '0.01'), exchange: 'kraken' as const }];
const book = (symbol: string, bids: Array<[string, string]>, asks: Array<[string, string]>): OrderBook => ({
  exchange: 'binance', symbol, receivedAt: T0, bids: bids.map(([p, a]) => ({ price: d(p), amount: d(a) })), asks: asks.map(([p, a]) => ({ price: d(p), amount: d(a) })),
});
const BOOKS = [
  { ...book('USDT/USD', [['0.9999', '100000']], [['1.0001', '100000']]), exchange: 'kraken' as const },
  book('BTC/USDT', [['19990', '0.5']], [['20000', '0.5']]),
  book('SOL/BTC', [['0.000998', '1000']], [['0.001', '1000']]),
  book('SOL/USDT', [['20.5', '1000']], [['20.6', '1000']]),
];

function setup(venueBook: (b: OrderBook) => OrderBook = (b) => b) {
  const cfg = qbotConfigFrom(loadConfig({ env: {} }));
  const ledger = SqliteLedger.open({ file: ':memory:' });
  const venue = new Map<string, OrderBook>();
  const paper = new PaperTrading({ exchange: 'binance', markets: MARKETS, ledger, clock: { now: () => T0 }, books: (s) => venue.get(s), initialBalances: { USDT: d('10000') } });
  const qbot = new Qbot({
    config: cfg, markets: MARKETS, fee: feesFromMarkets(MARKETS), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth), clock: { now: () => T0 },
    log: createLogger('silent'), metrics: new QbotMetrics(), trading: new Map([['binance', paper]]), ledger, accounts: new Map([['binance', paper]]),
    totalCapitalUsd: d('100000'), newId: () => 'tri-1',
  });
  return { qbot, ledger, paper, cfg, feed: () => BOOKS.map((b) => (venue.set(b.symbol, venueBook(b)), qbot.onBook(b))) };
}

describe('triangular execution on paper', () => {
  it('runs the three legs in order and books the PnL', async () => {
    const s = setup();
    await s.qbot.refreshBalances();
    const started = s.feed().flatMap((o) => o.started);
    expect(started.map((e) => (e.strategy === 'triangular' ? e.path : ''))).toEqual(['USDT>BTC>SOL>USDT']);
    const [r] = await s.qbot.drain();
    // Capital 100000 x 15 % x 20 % = 3000 USDT: 0.15 BTC (fee 0.15 % of 3000 paid in USDT by paper),
    // 150 SOL at 0.001, sold at 20.5 = 3075 USDT; fees 3 + 0.00015 BTC + 3.075 USDT.
    expect(r!.status).toBe('completed');
    expect(s.ledger.entries({ kind: 'order-attempt', correlationId: 'tri-1' })).toHaveLength(3);
    expect(r!.realisedPnlUsd.gt(60)).toBe(true);
    expect(s.ledger.realisedPnlUsd().toFixed()).toBe(r!.realisedPnlUsd.toFixed());
  });

  it('undoes the last filled leg when the next one finds no book', async () => {
    const s = setup((b) => (b.symbol === 'SOL/USDT' ? { ...b, bids: [] } : b));
    await s.qbot.refreshBalances();
    s.feed();
    const [r] = await s.qbot.drain();
    expect(r!.status).toBe('single-leg');
    // Leg 2 bought SOL with BTC at 0.001: the unwind sells it back at the 0.000998 bid (0.2 % loss, limit 0.5 %).
    expect(r!.singleLeg).toMatchObject({ action: 'unwind', order: { symbol: 'SOL/BTC', side: 'sell' } });
    expect(s.ledger.entries({ correlationId: 'tri-1' }).some((e) => (e.details as { type?: string }).type === 'single-leg')).toBe(true);
  });

  it('hands a short leg to the leg recovery once there is one, and the kill switch counts that attempt once', async () => {
    const s = setup((b) => (b.symbol === 'SOL/USDT' ? { ...b, bids: [] } : b));
    const gates = s.qbot.gates;
    const recovery = new LegRecovery({
      ledger: s.ledger, trading: new Map([['binance', s.paper]]), markets: MARKETS, book: (ex, sym) => s.qbot.cache.get(ex, sym)?.book, fee: feesFromMarkets(MARKETS),
      singleLeg: s.cfg.singleLeg, usd: (a) => s.qbot.usd(a), unansweredAttempts: () => new Set(), now: () => T0, log: createLogger('silent'), locked: s.qbot.locked,
      // As the hot path wires it (workers/hotpath.ts).
      onResolved: (r) => gates.recordRecovery({ pnlUsd: r.realisedPnlUsd, leftOpen: false, countedOpen: r.countedOpen }),
      onLeftOpen: () => gates.recordRecovery({ pnlUsd: ZERO, leftOpen: true }),
    });
    s.qbot.adoptShortLegsWith(recovery);
    await s.qbot.refreshBalances();
    s.feed();
    const [r] = await s.qbot.drain();
    expect(r).toMatchObject({ status: 'single-leg', recovery: {} });
    expect(r!.singleLeg).toBeUndefined();
    expect(s.ledger.entries({ correlationId: 'tri-1' }).filter((e) => (e.details as { type?: string }).type === 'single-leg')).toEqual([]);
    // The finish finds no bid at the venue, the unwind is not tried once the finish is committed: held, one failure.
    expect(recovery.exposure()).toEqual([expect.objectContaining({ attemptId: 'tri-1', asset: 'SOL', state: 'holding' })]);
    expect(gates.kill.consecutiveFailures).toBe(1);
    expect(gates.kill.pnlUsd.toFixed()).toBe(s.ledger.realisedPnlUsd().toFixed());
  });
});
