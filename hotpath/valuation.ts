import { Decimal, ONE } from '../domain/money/decimal';
import { midPrice } from '../domain/orderbook';
import type { BookCache } from './book-cache';

const USD_QUOTES = ['USD', 'USDT', 'USDC', 'BUSD'];

/**
 * USD per unit of an asset from live books: USD is 1; a stablecoin is its STABLE/USD mid when a
 * venue quotes one, else 1 (the depeg guard watches it separately); anything else is its mid
 * against a USD-like quote, or via BTC. For sizing and reporting, never for the profit decision.
 */
export function usdPrice(cache: BookCache, asset: string, stables: Record<string, string>): Decimal | undefined {
  if (asset === 'USD') return ONE;
  if (asset in stables) return pegMid(cache, asset) ?? ONE;
  for (const q of USD_QUOTES) {
    const m = midAnywhere(cache, `${asset}/${q}`);
    if (m) return q === 'USD' ? m : m.times(pegMid(cache, q) ?? ONE);
  }
  const viaBtc = midAnywhere(cache, `${asset}/BTC`);
  const btc = asset === 'BTC' ? undefined : usdPrice(cache, 'BTC', stables);
  return viaBtc && btc ? viaBtc.times(btc) : undefined;
}

function pegMid(cache: BookCache, stable: string): Decimal | undefined {
  return midAnywhere(cache, `${stable}/USD`);
}

function midAnywhere(cache: BookCache, symbol: string): Decimal | undefined {
  for (const ex of ['kraken', 'coinbase', 'binance']) {
    const e = cache.get(ex, symbol);
    const m = e ? midPrice(e.book) : undefined;
    if (m) return m;
  }
  return undefined;
}
