import { MARKET_DATA } from '../fixtures/market-data/paths';
import * as fs from 'node:fs';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import { convertBinanceTicker } from '../../hotpath/replay/binance-ticker';

/** A small deterministic PRNG (mulberry32): benchmarks must be repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIDS: Record<string, number> = { BTC: 97000, ETH: 3400, SOL: 190 };
const STEPS: Record<string, string> = { BTC: '0.00001', ETH: '0.0001', SOL: '0.001' };

export function crossMarkets(): Market[] {
  const out: Market[] = [];
  for (const exchange of ['binance', 'kraken', 'coinbase'] as ExchangeId[]) {
    for (const base of ['BTC', 'ETH', 'SOL']) {
      for (const quote of ['USD', 'USDT', 'USDC']) out.push(mk(exchange, `${base}/${quote}`, STEPS[base]!, '0.01'));
    }
    out.push(mk(exchange, 'USDT/USD', '0.01', '0.0001'), mk(exchange, 'USDC/USD', '0.01', '0.0001'), mk(exchange, 'USDC/USDT', '0.01', '0.0001'));
  }
  return out;
}

function mk(exchange: ExchangeId, symbol: string, step: string, tick: string): Market {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange, symbol, base, quote, id: symbol, amountStep: new Decimal(step), priceTick: new Decimal(tick), minAmount: new Decimal(step), minNotional: new Decimal('1'), takerFee: new Decimal('0.001'), makerFee: new Decimal('0.001'), active: true };
}

/** A 10-level book around `mid` with a 1 bp half-spread, prices on a 0.01 (or 0.0001) tick. */
export function bookAround(m: Market, mid: number, at: number, rnd: () => number): OrderBook {
  const dp = m.priceTick.decimalPlaces();
  const lv = (sign: number): BookLevel[] => Array.from({ length: 10 }, (_, k) => ({
    price: new Decimal((mid * (1 + sign * (0.0001 + k * 0.0002))).toFixed(dp)),
    amount: new Decimal(((m.base in MIDS ? 2000 / MIDS[m.base]! : 50_000) * (1 + rnd())).toFixed(m.amountStep.decimalPlaces())),
  }));
  return { exchange: m.exchange, symbol: m.symbol, bids: lv(-1), asks: lv(1), receivedAt: at };
}

export function midOf(m: Market): number {
  return MIDS[m.base] ?? 1;
}


/**
 * The same tickers re-priced without arbitrage: every price = USD(base) / USD(quote), with USD
 * values from the USDT, BUSD or BTC pairs. The topology stays; the stale dislocations go. This is
 * what a live, consistent market looks like to the scanner.
 */
export function consistentTickers(tickers: Array<{ symbol: string; price: string }>, markets: Market[]): Array<{ symbol: string; price: string }> {
  const price = new Map(tickers.map((t) => [t.symbol, Number(t.price)]));
  const usd = (a: string): number | undefined => (['USDT', 'BUSD', 'USDC', 'TUSD', 'USDP', 'PAX', 'DAI'].includes(a) ? 1 : price.get(`${a}USDT`) ?? price.get(`${a}BUSD`) ?? (price.get(`${a}BTC`) ?? NaN) * (price.get('BTCUSDT') ?? NaN));
  return markets.flatMap((m) => {
    const p = (usd(m.base) ?? NaN) / (usd(m.quote) ?? NaN);
    return Number.isFinite(p) && p > 0 ? [{ symbol: m.id, price: p.toPrecision(8) }] : [];
  });
}

export function binanceGraph(at: number, consistent = false): { books: OrderBook[]; markets: Market[] } | undefined {
  // Committed under test/fixtures/market-data (see its NOTICE.md): a missing file is an error, not a null figure.
  const ticker = MARKET_DATA.binanceTicker2023;
  const info = JSON.parse(fs.readFileSync(MARKET_DATA.binanceExchangeInfo2021, 'utf8'));
  // The converter's defaults, as `qbot scan` sees the file: USDC pairs dated at their delisting,
  // markets Binance had halted (BREAK) inactive; every other price is taken as a live top of book.
  const opts = { spreadBps: 10, depthUsd: new Decimal(5000), levels: 5, at, staleQuotes: ['USDC'], staleAt: at - 108 * 86_400_000, takerFee: new Decimal('0.001') };
  const tickers = JSON.parse(fs.readFileSync(ticker, 'utf8')) as Array<{ symbol: string; price: string }>;
  const r = convertBinanceTicker(tickers, opts, info);
  if (!consistent) return { books: r.books, markets: r.markets };
  const c = convertBinanceTicker(consistentTickers(tickers, r.markets), opts, info);
  return { books: c.books, markets: c.markets };
}
