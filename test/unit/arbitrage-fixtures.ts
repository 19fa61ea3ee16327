import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { MarketBook } from '../../domain/arbitrage';

export const d = (s: string | number) => new Decimal(s);

/** A market with the rules a test states and harmless defaults for the rest. */
export function market(exchange: ExchangeId, symbol: string, o: Partial<Record<'step' | 'tick' | 'minAmount' | 'minNotional' | 'fee', string>> = {}): Market {
  const [base, quote] = symbol.split('/') as [string, string];
  return {
    exchange, symbol, base, quote, id: symbol.replace('/', ''),
    amountStep: d(o.step ?? '0.00000001'), priceTick: d(o.tick ?? '0.00000001'),
    minAmount: d(o.minAmount ?? '0'), minNotional: d(o.minNotional ?? '0'),
    takerFee: d(o.fee ?? '0.001'), makerFee: d(o.fee ?? '0.001'), active: true,
  };
}

type Levels = Array<[string, string]>;

export function book(exchange: ExchangeId, symbol: string, bids: Levels, asks: Levels, receivedAt = 1_000): OrderBook {
  const lv = (l: Levels) => l.map(([p, a]) => ({ price: d(p), amount: d(a) }));
  return { exchange, symbol, bids: lv(bids), asks: lv(asks), receivedAt };
}

export function mb(m: Market, bids: Levels, asks: Levels, receivedAt = 1_000): MarketBook {
  return { market: m, book: book(m.exchange, m.symbol, bids, asks, receivedAt) };
}
