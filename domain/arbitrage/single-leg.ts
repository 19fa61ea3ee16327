import { Decimal, ONE } from '../money/decimal';
import { quantizeAmountDown, quantizePrice } from '../money/quantize';
import { walkBookForBase } from '../orderbook';
import type { ExchangeId, Symbol } from '../market';
import type { MarketBook } from './stablecoins';

export type SingleLegPolicy = 'unwind' | 'hedge' | 'hold';

/** What one half-filled attempt left behind: inventory moved on one venue only. */
export interface LegImbalance {
  /** The leg that filled (more than its counterpart). */
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  /** Filled minus the counterpart's fill, base units (> 0). */
  excess: Decimal;
  /** Average price the filled leg got. */
  entryPrice: Decimal;
  /** The venue whose leg failed: a hedge never goes back there. */
  failedExchange: ExchangeId;
}

export interface CorrectiveOrder {
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  amount: Decimal;
  /** IOC limit: the worst price the loss limit accepts. */
  limitPrice: Decimal;
  /** What the visible book says it will cost, average price. */
  expectedPrice: Decimal;
}

export type SingleLegDecision =
  | { action: 'unwind' | 'hedge'; order: CorrectiveOrder; dust: Decimal }
  | { action: 'hold'; alert: string };

/**
 * After a half fill: undo the filled leg on its own market (unwind), or do the missing leg on
 * another venue (hedge), at the best visible price but never beyond `maxLossPercent` of the entry
 * price; otherwise hold the position and alert. `books` holds the filled leg's market (unwind)
 * and the same symbol on other venues (hedge candidates).
 */
export function decideSingleLeg(
  imb: LegImbalance,
  policy: SingleLegPolicy,
  maxLossPercent: Decimal,
  books: readonly MarketBook[],
): SingleLegDecision {
  if (policy === 'hold') return { action: 'hold', alert: `hold by policy: ${imb.side} ${imb.excess.toFixed()} ${imb.symbol} on ${imb.exchange} left open` };
  const side: 'buy' | 'sell' = imb.side === 'buy' ? 'sell' : 'buy';
  const loss = maxLossPercent.div(100);
  // Selling back: accept down to entry x (1 - loss); buying back: up to entry x (1 + loss).
  const limitRaw = side === 'sell' ? imb.entryPrice.times(ONE.minus(loss)) : imb.entryPrice.times(ONE.plus(loss));
  const candidates = books.filter((b) =>
    b.market.symbol === imb.symbol &&
    (policy === 'unwind' ? b.market.exchange === imb.exchange : b.market.exchange !== imb.exchange && b.market.exchange !== imb.failedExchange),
  );
  let best: CorrectiveOrder | undefined;
  let why = 'no book for the corrective order';
  for (const { market, book } of candidates) {
    const amount = quantizeAmountDown(imb.excess, market.amountStep);
    if (amount.lt(market.minAmount) || amount.isZero()) {
      why = `excess ${imb.excess.toFixed()} below ${market.exchange} minimum ${market.minAmount.toFixed()}`;
      continue;
    }
    // Price the limit on the tick in the direction that keeps it inside the loss limit.
    const limitPrice = quantizePrice(limitRaw, market.priceTick, side === 'sell' ? 'sell' : 'buy');
    const w = walkBookForBase(side === 'sell' ? book.bids : book.asks, amount);
    const within = side === 'sell' ? w.worstPrice.gte(limitPrice) : w.worstPrice.lte(limitPrice);
    if (!w.complete || !within) {
      why = `${market.exchange}:${market.symbol} cannot take ${amount.toFixed()} within ${maxLossPercent.toFixed()}% (worst ${w.worstPrice.toFixed()}, limit ${limitPrice.toFixed()})`;
      continue;
    }
    const better = !best || (side === 'sell' ? w.vwap.gt(best.expectedPrice) : w.vwap.lt(best.expectedPrice));
    if (better) best = { exchange: market.exchange, symbol: market.symbol, side, amount, limitPrice, expectedPrice: w.vwap };
  }
  if (!best) return { action: 'hold', alert: `${policy} impossible, holding: ${why}` };
  return { action: policy, order: best, dust: imb.excess.minus(best.amount) };
}
