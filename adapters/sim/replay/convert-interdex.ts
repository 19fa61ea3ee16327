import { readFileSync } from 'node:fs';
import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import type { ReplaySnapshot } from './format';

/**
 * Converts palisade-research interdex `orderbooks_all.json` (an array of
 * {exchange:"Binance", orderbook:{symbol:"BTCUSDC"|"BTC-USDC"|"BTC/USDC", timestamp: ISO, bids/asks:[{price, quantity}]}})
 * to recorded-book snapshots. Numbers keep their value but lose padding zeros ("109950.01000000" -> "109950.01").
 */
export function convertInterdex(raw: unknown): ReplaySnapshot[] {
  if (!Array.isArray(raw)) throw new Error('interdex: expected a JSON array of {exchange, orderbook}');
  return raw.map((entry: unknown, i) => {
    const e = entry as { exchange?: unknown; orderbook?: { symbol?: unknown; timestamp?: unknown; bids?: unknown; asks?: unknown } };
    const exchange = String(e.exchange ?? '').toLowerCase();
    if (exchange !== 'binance' && exchange !== 'kraken' && exchange !== 'coinbase') throw new Error(`interdex[${i}]: unknown exchange "${String(e.exchange)}"`);
    const ob = e.orderbook;
    if (!ob) throw new Error(`interdex[${i}]: no orderbook`);
    const ts = Date.parse(String(ob.timestamp));
    if (Number.isNaN(ts)) throw new Error(`interdex[${i}]: bad timestamp "${String(ob.timestamp)}"`);
    return { exchange: exchange as ExchangeId, symbol: unifiedSymbol(String(ob.symbol ?? '')), timestamp: ts, bids: levels(ob.bids, i, 'bids'), asks: levels(ob.asks, i, 'asks') };
  });
}

export function convertInterdexFile(path: string): ReplaySnapshot[] {
  return convertInterdex(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

const QUOTES = ['USDT', 'USDC', 'USD', 'BTC', 'ETH', 'EUR'];

function unifiedSymbol(s: string): string {
  const parts = s.split(/[-/]/);
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`.replace(/^XBT\//, 'BTC/');
  const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length);
  if (!quote) throw new Error(`interdex: cannot split symbol "${s}"`);
  return `${s.slice(0, -quote.length)}/${quote}`;
}

function levels(raw: unknown, i: number, what: string): Array<[string, string]> {
  if (!Array.isArray(raw)) throw new Error(`interdex[${i}]: ${what} is not a list`);
  return raw.map((l: unknown) => {
    const { price, quantity } = l as { price?: unknown; quantity?: unknown };
    return [formatDecimal(new Decimal(String(price))), formatDecimal(new Decimal(String(quantity)))];
  });
}
