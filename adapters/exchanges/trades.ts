import type { Trade as CcxtTrade } from 'ccxt';
import type { ExchangeId, Symbol } from '../../domain/market';
import type { Trade } from '../../ports/market-data';
import { dec } from './convert';

export function copyTrade(exchange: ExchangeId, symbol: Symbol, t: CcxtTrade): Trade | undefined {
  if (t.price === undefined || t.amount === undefined || (t.side !== 'buy' && t.side !== 'sell')) return undefined;
  return {
    exchange,
    symbol,
    id: String(t.id ?? `${t.timestamp}-${t.price}-${t.amount}`),
    price: dec(t.price),
    amount: dec(t.amount),
    side: t.side,
    timestamp: t.timestamp ?? 0,
  };
}
