import type { Decimal } from '../money/decimal';
import type { ExchangeId, Market, Symbol } from '../market';

/**
 * The taker fee (a fraction, 0.001 = 0.1 %) for one order. A function, so the account's fee book
 * (tiers, BNB discount, zero-fee promotions) plugs in without the profit maths knowing about it.
 */
export type TakerFeeFn = (exchange: ExchangeId, symbol: Symbol, side: 'buy' | 'sell') => Decimal;

/** The fee the market listing states, when nothing better is known. */
export function feesFromMarkets(markets: Iterable<Market>): TakerFeeFn {
  // Per exchange, then per symbol: no key string to build and hash on every call of the hot path.
  const byExchange = new Map<ExchangeId, Map<Symbol, Decimal>>();
  for (const m of markets) {
    const bySymbol = byExchange.get(m.exchange) ?? new Map<Symbol, Decimal>();
    bySymbol.set(m.symbol, m.takerFee);
    byExchange.set(m.exchange, bySymbol);
  }
  return (exchange, symbol) => {
    const fee = byExchange.get(exchange)?.get(symbol);
    if (!fee) throw new Error(`no fee known for ${exchange}:${symbol}`);
    return fee;
  };
}
