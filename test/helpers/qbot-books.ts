import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';

/** Small hand-written markets and books for Q-bot tests (price/amount strings, exact). */
export const d = (x: string) => new Decimal(x);
export type Levels = Array<[string, string]>;
export const lv = (l: Levels) => l.map(([p, a]) => ({ price: d(p), amount: d(a) }));
export const mk = (exchange: ExchangeId, symbol: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange, symbol, base, quote, id: symbol, amountStep: d('0.0001'), priceTick: d('0.01'), minAmount: d('0.0001'), minNotional: d('1'), takerFee: d('0.001'), makerFee: d('0.001'), active: true };
};
export const book = (exchange: ExchangeId, symbol: string, bids: Levels, asks: Levels, at: number): OrderBook => ({ exchange, symbol, bids: lv(bids), asks: lv(asks), receivedAt: at });
