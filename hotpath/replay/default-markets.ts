import { Decimal } from '../../domain/money/decimal';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';

const FINE = new Decimal('0.00000001');

/**
 * Markets for a recording that came without rules: the finest step and tick, no minimums, the
 * fee left to the fee book. Scans over such markets are optimistic on precision; say so.
 */
export function marketsFromBooks(books: Iterable<OrderBook>): Market[] {
  const seen = new Map<string, Market>();
  for (const b of books) {
    const key = `${b.exchange}:${b.symbol}`;
    if (seen.has(key)) continue;
    const [base, quote] = b.symbol.split('/') as [string, string];
    seen.set(key, { exchange: b.exchange, symbol: b.symbol, base, quote, id: `${base}${quote}`, amountStep: FINE, priceTick: FINE, minAmount: new Decimal(0), minNotional: new Decimal(0), takerFee: new Decimal(0), makerFee: new Decimal(0), active: true });
  }
  return [...seen.values()];
}
