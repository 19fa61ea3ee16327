import type { Decimal } from '../money/decimal';
import type { ExchangeId, Market, Symbol } from '../market';

/**
 * The taker fee (a fraction, 0.001 = 0.1 %) for one order. A function, so the account's fee book
 * (tiers, BNB discount, zero-fee promotions) plugs in without the profit maths knowing about it.
 */
export type TakerFeeFn = (exchange: ExchangeId, symbol: Symbol, side: 'buy' | 'sell') => Decimal;

/** The fee the market listing states, when nothing better is known. */
export function feesFromMarkets(markets: Iterable<Market>): TakerFeeFn {
  const byKey = new Map<string, Decimal>();
  for (const m of markets) byKey.set(`${m.exchange}:${m.symbol}`, m.takerFee);
  return (exchange, symbol) => {
    const fee = byKey.get(`${exchange}:${symbol}`);
    if (!fee) throw new Error(`no fee known for ${exchange}:${symbol}`);
    return fee;
  };
}
