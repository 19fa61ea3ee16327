import { Decimal } from '../../domain/money/decimal';
import { baselineThresholdSource, DepegGuard, feesFromMarkets } from '../../domain/arbitrage';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, validateConfig } from '../../config/loader';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { BookCache } from '../../hotpath/book-cache';
import { usdPrice } from '../../hotpath/valuation';
import { runScan, type ScanSummary } from '../../hotpath/replay/scan-runner';
import type { EvaluationJson } from '../../hotpath/opportunity-json';
import type { OrderBook } from '../../domain/orderbook';
import type { Market } from '../../domain/market';
import { book, d, market, mb } from './arbitrage-fixtures';

const MIN = 60_000;
const base = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');
const STABLES = { USDT: 'USD', USDC: 'USD' };

function scan(books: OrderBook[], markets: Market[]): { lines: EvaluationJson[]; summary: ScanSummary } {
  const it = runScan(books, {
    config: base, markets, fee: feesFromMarkets(markets), thresholds: baselineThresholdSource(base.threshold, base.depth), totalCapitalUsd: new Decimal('9000'),
  });
  const lines: EvaluationJson[] = [];
  let r = it.next();
  while (!r.done) {
    lines.push(r.value);
    r = it.next();
  }
  return { lines, summary: r.value };
}

const krUsdc = market('kraken', 'USDC/USD', { step: '0.01', fee: '0.001' });
const krBtcUsdc = market('kraken', 'BTC/USDC', { step: '0.0001', fee: '0.001' });
const krBtcUsd = market('kraken', 'BTC/USD', { step: '0.0001', fee: '0.001' });
const cbBtcUsd = market('coinbase', 'BTC/USD', { step: '0.0001', fee: '0.001' });

describe('the depeg guard holds a trip (settings: qbot.depegGuard.recoverAfterMs)', () => {
  it('is configured with a default of 30 minutes', () => {
    expect(loadConfig({ env: {} }).settings.qbot.depegGuard.recoverAfterMs).toBe(30 * MIN);
    expect(base.depegRecoverAfterMs).toBe(30 * MIN);
  });

  it('refuses a recoverAfterMs that is not a positive whole number of milliseconds, naming the key', () => {
    const settings = JSON.parse(fs.readFileSync(path.join(__dirname, '../../config/settings.json'), 'utf8')) as { qbot: Record<string, unknown> };
    settings.qbot.depegGuard = { recoverAfterMs: -5 };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'depeg-')), 'settings.json');
    fs.writeFileSync(file, JSON.stringify(settings));
    const r = validateConfig({ files: { settings: file }, env: {} });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('qbot.depegGuard.recoverAfterMs');
  });

  it('over a depeg-like minute sequence: one trip, held through the in-band minutes, released 30 min after the last out-of-band one', () => {
    const guard = new DepegGuard({ stables: STABLES, bandPercent: d('0.5'), recoverAfterMs: 30 * MIN });
    // USDC/USD mids minute by minute: out of band (|dev| > 0.5 %) at minutes 1, 3, 5, 7, 9, in band between.
    const mids = ['0.999', '0.990', '0.998', '0.985', '0.997', '0.960', '0.998', '0.980', '0.999', '0.992', ...Array<string>(45).fill('0.9995')];
    const refused: number[] = [];
    mids.forEach((m, minute) => {
      const half = d('0.0001');
      const books = [
        mb(krUsdc, [[d(m).minus(half).toFixed(), '100000']], [[d(m).plus(half).toFixed(), '100000']]),
        mb(market('kraken', 'USDT/USD'), [['0.9999', '100000']], [['1.0001', '100000']]),
      ];
      if (guard.observe(books, minute * MIN).has('USDC')) refused.push(minute);
    });
    expect(guard.trips).toBe(1);
    // Refused from the first out-of-band minute (1) until 30 min after the last one (9): minutes 1..38.
    expect(refused[0]).toBe(1);
    expect(refused[refused.length - 1]).toBe(38);
    expect(refused.length).toBe(38);
    expect(guard.observe([mb(krUsdc, [['0.9994', '1']], [['0.9996', '1']]), mb(market('kraken', 'USDT/USD'), [['0.9999', '1']], [['1.0001', '1']])], 60 * MIN).size).toBe(0);
  });

  it('a stable no book gives any view of is refused (not valued at 1.00)', () => {
    const guard = new DepegGuard({ stables: STABLES, bandPercent: d('0.5'), recoverAfterMs: 30 * MIN });
    const out = guard.observe([mb(market('kraken', 'USDT/USD'), [['0.9999', '1']], [['1.0001', '1']])], 0);
    expect(out.get('USDC')?.status).toBe('no-view');
    expect(out.has('USDT')).toBe(false);
    const cache = new BookCache([cbBtcUsd, krBtcUsdc]);
    cache.apply(book('coinbase', 'BTC/USD', [['60000', '1']], [['60010', '1']]));
    expect(usdPrice(cache, 'USDC', STABLES)).toBeUndefined();
  });
});

describe('a stable is valued by the most pessimistic view the books give', () => {
  it('USDC/USD reads 0.996 but BTC/USDC against BTC/USD implies 0.96: the cross-quote trade is refused', () => {
    const books = [
      book('kraken', 'USDC/USD', [['0.9959', '100000']], [['0.9961', '100000']], 1_000),
      book('kraken', 'BTC/USD', [['60000', '2']], [['60010', '2']], 1_010),
      book('coinbase', 'BTC/USD', [['60000', '2']], [['60010', '2']], 1_020),
      // USDC per BTC 62500 where USD per BTC is 60005: 1 USDC is worth 0.96 USD on Kraken itself.
      book('kraken', 'BTC/USDC', [['62490', '2']], [['62510', '2']], 1_030),
    ];
    const markets = [krUsdc, krBtcUsd, cbBtcUsd, krBtcUsdc];
    const { lines } = scan(books, markets);
    // (These books also hold a real triangle on Kraken, USD > BTC > USDC > USD at the books' own
    // prices, ending in USD: the triangular scanner's business, not a cross-quote valuation.)
    const crossQuote = lines.filter((l) => l.strategy === 'cross' && l.markets.includes('kraken:BTC/USDC'));
    expect(crossQuote.length).toBeGreaterThan(0);
    for (const l of crossQuote) expect(l.rejectedBy).toBe('STABLE_DEPEG');
    expect(crossQuote[0]!.reason).toMatch(/^STABLE_DEPEG: stable=USDC deviation=3\.99\d% band=exceeded source=kraken:BTC\/USD÷BTC\/USDC$/);
    expect(lines.filter((l) => l.strategy === 'cross' && l.accepted)).toEqual([]);
    // Valuation takes the same pessimistic view.
    const cache = new BookCache(markets);
    for (const b of books) cache.apply(b);
    expect(usdPrice(cache, 'USDC', STABLES)!.toFixed(4)).toBe('0.9601');
  });

  it('the hot path does not flicker: in-band minutes between out-of-band ones stay refused, trading resumes after the hold', () => {
    const markets = [krUsdc, cbBtcUsd, krBtcUsdc];
    const books: OrderBook[] = [];
    // Out of band at minutes 0, 2, 4; in band otherwise. A cross-quote edge every minute
    // (buy BTC on Coinbase at 60010 USD, sell on Kraken at 60700 USDC: ~1.1 % gross).
    const mids = ['0.990', '0.999', '0.990', '0.999', '0.990', '0.999', '0.999'];
    const at = (minute: number) => (minute < mids.length ? minute : 40) * MIN;
    for (let i = 0; i < mids.length + 1; i += 1) {
      const m = d(mids[Math.min(i, mids.length - 1)]!);
      const t = at(i);
      books.push(book('kraken', 'USDC/USD', [[m.minus('0.0001').toFixed(), '100000']], [[m.plus('0.0001').toFixed(), '100000']], t));
      books.push(book('coinbase', 'BTC/USD', [['60000', '2']], [['60010', '2']], t + 10));
      books.push(book('kraken', 'BTC/USDC', [['60700', '2']], [['60720', '2']], t + 20));
    }
    const { lines } = scan(books, markets);
    const accepted = (minute: number) => lines.some((l) => l.accepted && l.time >= new Date(at(minute)).toISOString() && l.time < new Date(at(minute) + 1_000).toISOString());
    for (let minute = 0; minute < mids.length; minute += 1) expect([minute, accepted(minute)]).toEqual([minute, false]);
    // Minute 40: 36 min after the last out-of-band minute (4), still in band: the trip is released.
    expect(accepted(mids.length)).toBe(true);
  });
});
