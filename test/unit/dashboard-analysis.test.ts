import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { FeeBook } from '../../domain/fees';
import type { OrderBook } from '../../domain/orderbook';
import { marketsFromBooks } from '../../hotpath/replay/default-markets';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { runBacktest } from '../../hotpath/backtest/runner';
import { AnalysisPanel } from '../../dashboard/analysis-panel';

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
    const panel = new AnalysisPanel({ ledger, refusals: () => ({ NET_BELOW_THRESHOLD: 4 }), everyMs: 5000, now: () => now });
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
