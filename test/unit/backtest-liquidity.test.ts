import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { FeeBook } from '../../domain/fees';
import type { OrderBook } from '../../domain/orderbook';
import { marketsFromBooks } from '../../hotpath/replay/default-markets';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { runBacktest } from '../../hotpath/backtest/runner';
import { ConsumedLiquidity } from '../../hotpath/backtest/consumed-liquidity';

const d = (x: string) => new Decimal(x);
type Levels = Array<[string, string]>;
const book = (exchange: 'kraken' | 'coinbase', t: number, bids: Levels, asks: Levels): OrderBook => ({
  exchange, symbol: 'BTC/USD', receivedAt: t, bids: bids.map(([p, a]) => ({ price: d(p), amount: d(a) })), asks: asks.map(([p, a]) => ({ price: d(p), amount: d(a) })),
});

/** Average price of each attempt's Kraken buy, from the fill lines paper trading booked. */
function krakenBuyPrices(ledger: SqliteLedger): string[] {
  return ledger.entries({ kind: 'fill' }).filter((e) => e.exchange === 'kraken' && e.asset === 'BTC').map((e) => {
    const x = e.details as { filled: string; cost: string };
    return d(x.cost).div(x.filled).toFixed();
  });
}

describe('backtest fills consume the recorded liquidity they took', () => {
  it('a level a fill took stays taken until a recorded update changes it: the next trade pays the next level, then the replaced level again', async () => {
    const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
    // Kraken offers 0.01 BTC at 100,000 and 1 BTC at 100,500; Coinbase bids 3 % higher. Each cross
    // trade buys about 0.24 BTC on Kraken. Kraken's update at 19.9 s changes only its bids (the
    // 100,000 ask is the same 0.01 the first trade emptied); its update at 39.9 s sets that ask to 0.02.
    const books = [
      book('kraken', 1_000, [['99900', '2']], [['100000', '0.01'], ['100500', '1']]),
      book('coinbase', 1_100, [['103000', '2']], [['103100', '2']]),
      book('kraken', 19_900, [['99901', '2']], [['100000', '0.01'], ['100500', '1']]),
      book('coinbase', 20_000, [['103001', '2']], [['103101', '2']]),
      book('kraken', 39_900, [['99902', '2']], [['100000', '0.02'], ['100500', '1']]),
      book('coinbase', 40_000, [['103002', '2']], [['103102', '2']]),
    ];
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const run = await runBacktest({
      books, markets: marketsFromBooks(books), config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)), latencyMs: 0,
      balances: { kraken: { USD: d('50000'), BTC: d('0.5') }, coinbase: { USD: d('50000'), BTC: d('0.5') } }, ledger,
    });
    expect(run.trades.map((t) => [t.at, t.status])).toEqual([[1_100, 'completed'], [20_000, 'completed'], [40_000, 'completed']]);
    const [first, second, third] = krakenBuyPrices(ledger);
    // The first trade takes the 0.01 at 100,000 and the rest at 100,500.
    expect(d(first!).gt(100000) && d(first!).lt(100500)).toBe(true);
    // The second finds 100,000 empty (no update replaced it): all of it at 100,500.
    expect(second).toBe('100500');
    // Kraken's own update replaced the level (0.02): the third buys it at 100,000.
    expect(third).toBe('100000');
  });

  it('the view subtracts what was taken per level; an update that changes the level or drops it ends that', () => {
    const liq = new ConsumedLiquidity();
    const k = 'kraken:BTC/USD';
    liq.onRecorded(book('kraken', 1, [['99', '1']], [['100', '0.5'], ['101', '2']]));
    liq.take(k, 'buy', [{ price: d('100'), amount: d('0.5') }, { price: d('101'), amount: d('0.25') }]);
    const levels = (b: OrderBook | undefined) => b && { bids: b.bids.map((l) => [l.price.toFixed(), l.amount.toFixed()]), asks: b.asks.map((l) => [l.price.toFixed(), l.amount.toFixed()]) };
    expect(levels(liq.view(k))).toEqual({ bids: [['99', '1']], asks: [['101', '1.75']] });
    // Same amounts at both asks: still taken. A sell takes bids.
    liq.onRecorded(book('kraken', 2, [['99', '1']], [['100', '0.5'], ['101', '2']]));
    liq.take(k, 'sell', [{ price: d('99'), amount: d('0.4') }]);
    expect(levels(liq.view(k))).toEqual({ bids: [['99', '0.6']], asks: [['101', '1.75']] });
    // 101 changed (3): replaced, nothing taken any more; 100 unchanged: still empty; 99 gone and back: new.
    liq.onRecorded(book('kraken', 3, [], [['100', '0.5'], ['101', '3']]));
    liq.onRecorded(book('kraken', 4, [['99', '1']], [['100', '0.5'], ['101', '3']]));
    expect(levels(liq.view(k))).toEqual({ bids: [['99', '1']], asks: [['101', '3']] });
    // A book nothing was taken from is the recorded book itself.
    const cb = book('coinbase', 5, [['1', '1']], [['2', '1']]);
    liq.onRecorded(cb);
    expect(liq.view('coinbase:BTC/USD')).toBe(cb);
    expect(liq.view('binance:BTC/USDT')).toBeUndefined();
  });
});
