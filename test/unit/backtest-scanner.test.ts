import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { FeeBook } from '../../domain/fees';
import type { OrderBook } from '../../domain/orderbook';
import type { Trade } from '../../ports/market-data';
import { marketsFromBooks } from '../../hotpath/replay/default-markets';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { runBacktest } from '../../hotpath/backtest/runner';
import { scannerConfigFromSettings } from '../../hotpath/scanner/config';
import { backtest } from '../../signals/cli/commands/backtest';
import { backtestReportSchema } from '../../domain/backtest/report';

const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
const d = (x: number | string) => new Decimal(typeof x === 'number' ? x.toFixed(2) : x);
const T0 = 1_764_547_200_000;
const book = (exchange: 'kraken' | 'coinbase', t: number, mid: number): OrderBook => ({
  exchange, symbol: 'BTC/USD', receivedAt: t, bids: [{ price: d(mid - 5), amount: d('2') }], asks: [{ price: d(mid + 5), amount: d('2') }],
});

/**
 * Ten minutes of Kraken BTC/USD: a price that swings, whale prints and a CVD that disagrees with
 * the price (the market scanner calls that careful: 1 %), then Coinbase bids 3 % over Kraken's ask.
 */
function session(): { books: OrderBook[]; trades: Trade[] } {
  const books: OrderBook[] = [];
  const trades: Trade[] = [];
  let mid = 100000;
  for (let i = 0; i < 600; i += 1) {
    const t = T0 + i * 1000;
    mid = 100000 + (i % 60 < 30 ? i * 20 : -i * 20);
    if (i % 10 === 0) books.push(book('kraken', t, mid));
    trades.push({ exchange: 'kraken', symbol: 'BTC/USD', id: String(i), price: d(mid), amount: d(i % 50 === 0 ? '5' : '0.01'), side: i % 3 ? 'buy' : 'sell', timestamp: t });
  }
  const end = T0 + 600_000;
  books.push(book('kraken', end, mid), book('coinbase', end + 100, mid * 1.03));
  return { books, trades };
}

describe('the market scanner in the backtest: recorded trades set the threshold as they do live', () => {
  const run = async (o: { scanner: boolean; threshold?: string }) => {
    const { books, trades } = session();
    return runBacktest({
      books, markets: marketsFromBooks(books), config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)), latencyMs: 0,
      balances: { kraken: { USD: d('50000'), BTC: d('0.5') }, coinbase: { USD: d('50000'), BTC: d('0.5') } }, ledger: SqliteLedger.open({ file: ':memory:' }),
      trades, ...(o.scanner ? { scanner: scannerConfigFromSettings(cfg.settings) } : {}), ...(o.threshold ? { thresholdPercent: d(o.threshold) } : {}),
    });
  };

  it('the trade is judged against the scanner\'s careful 1 % instead of the 0.5 % baseline', async () => {
    const withScanner = await run({ scanner: true });
    expect(withScanner.trades.map((t) => [t.route, t.thresholdPercent.toFixed()])).toEqual([['kraken:BTC/USD -> coinbase:BTC/USD', '1']]);
    const baseline = await run({ scanner: false });
    expect(baseline.trades.map((t) => t.thresholdPercent.toFixed())).toEqual(['0.5']);
  });

  it('a fixed --threshold wins over the scanner', async () => {
    const fixed = await run({ scanner: true, threshold: '0.7' });
    expect(fixed.trades.map((t) => t.thresholdPercent.toFixed())).toEqual(['0.7']);
  });

  it('report.json says which threshold source the run used: the market scanner, a fixed --threshold, or the configured baseline', async () => {
    const { books, trades } = session();
    const input = { source: 'test', books, markets: marketsFromBooks(books), trades };
    const o = { latencyMs: 0, balances: { kraken: { USD: d('50000'), BTC: d('0.5') }, coinbase: { USD: d('50000'), BTC: d('0.5') } }, config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)) };
    const source = async (r: Promise<unknown>) => {
      const report = backtestReportSchema.parse(JSON.parse(JSON.stringify(await r)));
      return [report.thresholdSource, report.run.thresholdSource, ...(report.byThreshold ?? []).map((x) => x.thresholdSource)];
    };
    expect(await source(backtest(input, { ...o, thresholds: [undefined], scanner: scannerConfigFromSettings(cfg.settings) }))).toEqual(['market-scanner', 'market-scanner']);
    expect(await source(backtest(input, { ...o, thresholds: [d('0.5'), d('0.7')], scanner: scannerConfigFromSettings(cfg.settings) }))).toEqual(['fixed', 'fixed', 'fixed', 'fixed']);
    // No trades recorded (a JSONL books file): nothing for the scanner to read.
    expect(await source(backtest({ ...input, trades: [] }, { ...o, thresholds: [undefined], scanner: scannerConfigFromSettings(cfg.settings) }))).toEqual(['baseline', 'baseline']);
  });
});
