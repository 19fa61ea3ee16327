import { MARKET_DATA } from '../fixtures/market-data/paths';
import * as fs from 'node:fs';
import { Decimal } from '../../domain/money/decimal';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { convertInterdex } from '../../adapters/sim';
import { interdexMarkets } from '../../hotpath/replay/interdex';
import { convertBinanceTicker } from '../../hotpath/replay/binance-ticker';
import { parseReplayLine, replayLine } from '../../hotpath/replay/jsonl';
import { runScan, type ScanSummary } from '../../hotpath/replay/scan-runner';
import type { EvaluationJson } from '../../hotpath/opportunity-json';
import type { OrderBook } from '../../domain/orderbook';
import type { Market } from '../../domain/market';

const INTERDEX = MARKET_DATA.interdex;
const TICKER = MARKET_DATA.binanceTicker2023;
const INFO = MARKET_DATA.binanceExchangeInfo2021;
const base = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');

function scan(books: OrderBook[], markets: Market[], over: Partial<typeof base> = {}, all = false): { lines: EvaluationJson[]; summary: ScanSummary } {
  const config = { ...base, ...over };
  const it = runScan(books, {
    config, markets, fee: feesFromMarkets(markets), thresholds: baselineThresholdSource(config.threshold, config.depth), totalCapitalUsd: new Decimal('9000'),
    ...(all ? { prefilterFloorPercent: new Decimal(0) } : {}),
  });
  const lines: EvaluationJson[] = [];
  let r = it.next();
  while (!r.done) {
    lines.push(r.value);
    r = it.next();
  }
  return { lines, summary: r.value };
}

describe('replay format', () => {
  it('round-trips a book and names the line and field of a bad one', () => {
    const b: OrderBook = { exchange: 'kraken', symbol: 'BTC/USD', receivedAt: 5, bids: [{ price: new Decimal('1.5'), amount: new Decimal('2') }], asks: [] };
    expect(parseReplayLine(replayLine(b), 1)).toEqual(b);
    expect(() => parseReplayLine('{"exchange":"kraken","symbol":"BTC/USD","timestamp":1,"bids":[[1.5,"2"]],"asks":[]}', 7)).toThrow(/^line 7: bids\.0\.0: /);
    expect(() => parseReplayLine('{"exchange":"ftx","symbol":"BTC/USD","timestamp":1,"bids":[],"asks":[]}', 2)).toThrow(/^line 2: exchange: /);
  });
});

describe('scan over the real interdex snapshots', () => {
  it('evaluates the crossed books and rejects them: fees for the close pair, book age for the 11 s gap', () => {
    const recorded = convertInterdex(JSON.parse(fs.readFileSync(INTERDEX, 'utf8')))
      .map((snap, i) => parseReplayLine(JSON.stringify(snap), i + 1))
      .sort((a, b) => a.receivedAt - b.receivedAt);
    // The recording has BTC/USDC only: no view of USDC's value, and a stable with none is refused
    // (NO_CONVERSION). The live hot path watches USDC/USD; a Kraken USDC/USD at par stands in for it.
    const par: OrderBook = { exchange: 'kraken', symbol: 'USDC/USD', receivedAt: recorded[0]!.receivedAt, bids: [{ price: new Decimal('0.9999'), amount: new Decimal('1000000') }], asks: [{ price: new Decimal('1.0001'), amount: new Decimal('1000000') }] };
    const books = [par, ...recorded];
    const markets = interdexMarkets(books);
    const { lines, summary } = scan(books, markets, {}, true);
    expect(summary.accepted).toBe(0);
    const cb = lines.find((l) => l.markets[0] === 'coinbase:BTC/USDC' && l.markets[1] === 'binance:BTC/USDC')!;
    expect(cb.rejectedBy).toBe('NET_BELOW_THRESHOLD');
    expect(new Decimal(cb.grossProfit).gt(0)).toBe(true);
    expect(lines.filter((l) => l.markets[0] === 'kraken:BTC/USDC').map((l) => l.rejectedBy)).toEqual(['BOOK_STALE', 'BOOK_STALE']);
  });
});

describe('the stale delisted USDC pairs of the 2023 Binance ticker', () => {
  const { books, markets } = convertBinanceTicker(JSON.parse(fs.readFileSync(TICKER, 'utf8')), {
    spreadBps: 10, depthUsd: new Decimal(5000), levels: 5, at: Date.parse('2023-01-12T00:00:00Z'),
    staleQuotes: ['USDC'], staleAt: Date.parse('2022-09-26T00:00:00Z'), takerFee: new Decimal('0.001'),
  }, JSON.parse(fs.readFileSync(INFO, 'utf8')));
  const usesUsdc = (l: EvaluationJson) => (l.path ?? '').split('>').includes('USDC');

  it('hold a false cycle that a scan without the book-age gate would take', () => {
    const naive = scan(books, markets, { maxBookAgeMs: 10 * 365 * 86_400_000 });
    const falseCycles = naive.lines.filter((l) => usesUsdc(l) && (l.accepted || l.rejectedBy === 'CYCLE_TIME'));
    expect(falseCycles.length).toBeGreaterThan(0);
    // BTC/USDC 19440.48 against BTC/USDT 18229.9: the frozen price makes a ~6.6 % "profit".
    expect(falseCycles.some((l) => l.markets.includes('binance:BTC/USDC'))).toBe(true);
  });

  it('produce no tradable cycle once the book-age gate applies', () => {
    const { lines } = scan(books, markets);
    const usdc = lines.filter(usesUsdc);
    expect(usdc.length).toBeGreaterThan(0);
    expect(usdc.every((l) => l.rejectedBy === 'BOOK_STALE')).toBe(true);
    expect(usdc[0]!.reason).toMatch(/^BOOK_STALE: market=binance:[A-Z]+\/USDC ageMs=\d+ maxAgeMs=1500$/);
  });
});
