import { Decimal, HUNDRED, ZERO } from '../money/decimal';
import { quantizeAmountDown } from '../money/quantize';
import type { Market } from '../market';
import { midPrice, walkBookForBase, walkBookForQuote, type OrderBook } from '../orderbook';

/** One order of a conversion route, sized and priced against the book as it is now. */
export interface ConversionLeg {
  symbol: string;
  /** buy: spend quote for base; sell: spend base for quote. */
  side: 'buy' | 'sell';
  fromAsset: string;
  toAsset: string;
  /** Units of fromAsset this leg consumes (after rounding the order to the market's step). */
  amountIn: Decimal;
  /** The order amount in base units, on the market's step. */
  orderAmount: Decimal;
  /** Units of toAsset received after the fee. */
  amountOut: Decimal;
  /** Fee in toAsset units: we assume the fee is taken from what is received (Binance, Kraken, Coinbase spot defaults). */
  fee: Decimal;
  vwap: Decimal;
  /** Limit price an IOC order needs to fill this much: the last level touched. */
  worstPrice: Decimal;
  midPrice: Decimal;
  /** |vwap - mid| / mid in percent: half the spread plus walking the book. */
  slippagePercent: Decimal;
  /** fromAsset left over because the order had to be rounded down to the step. */
  leftover: Decimal;
  /** toAsset per fromAsset at mid, no fee: used to value leftovers and fees. */
  midRate: Decimal;
}

export type LegResult = { ok: true; leg: ConversionLeg } | { ok: false; reason: string };

/** Simulates taking liquidity on one market to turn `amountIn` of `fromAsset` into the other asset. */
export function simulateLeg(market: Market, book: OrderBook, fromAsset: string, amountIn: Decimal, takerFee: Decimal): LegResult {
  const side = fromAsset === market.base ? 'sell' : fromAsset === market.quote ? 'buy' : undefined;
  if (!side) return { ok: false, reason: `${market.symbol} does not trade ${fromAsset}` };
  if (!market.active) return { ok: false, reason: `${market.symbol} is not active` };
  const mid = midPrice(book);
  if (!mid) return { ok: false, reason: `${market.symbol} book has an empty side` };

  let orderAmount: Decimal;
  let quote: Decimal;
  let vwap: Decimal;
  let worstPrice: Decimal;
  let consumed: Decimal;
  if (side === 'sell') {
    orderAmount = quantizeAmountDown(amountIn, market.amountStep);
    const walk = walkBookForBase(book.bids, orderAmount);
    if (!walk.complete) {
      return { ok: false, reason: `${market.symbol} bids hold ${walk.filled.toFixed()} ${market.base}, need ${orderAmount.toFixed()}` };
    }
    ({ quote, vwap, worstPrice } = walk);
    consumed = orderAmount;
  } else {
    const byBudget = walkBookForQuote(book.asks, amountIn);
    if (!byBudget.complete) {
      return { ok: false, reason: `${market.symbol} asks absorb ${byBudget.quote.toFixed()} ${market.quote}, need ${amountIn.toFixed()}` };
    }
    orderAmount = quantizeAmountDown(byBudget.filled, market.amountStep);
    // Re-walk for the rounded amount: the exact quote it costs, and the level it reaches.
    const walk = walkBookForBase(book.asks, orderAmount);
    ({ quote, vwap, worstPrice } = walk);
    consumed = quote;
  }

  if (orderAmount.lte(ZERO) || orderAmount.lt(market.minAmount)) {
    return { ok: false, reason: `${market.symbol} order of ${orderAmount.toFixed()} ${market.base} is below the minimum ${market.minAmount.toFixed()}` };
  }
  if (quote.lt(market.minNotional)) {
    return { ok: false, reason: `${market.symbol} order value ${quote.toFixed()} ${market.quote} is below the minimum notional ${market.minNotional.toFixed()}` };
  }

  const gross = side === 'sell' ? quote : orderAmount;
  const fee = gross.times(takerFee);
  return {
    ok: true,
    leg: {
      symbol: market.symbol,
      side,
      fromAsset,
      toAsset: side === 'sell' ? market.quote : market.base,
      amountIn: consumed,
      orderAmount,
      amountOut: gross.minus(fee),
      fee,
      vwap,
      worstPrice,
      midPrice: mid,
      slippagePercent: vwap.minus(mid).abs().times(HUNDRED).div(mid),
      leftover: amountIn.minus(consumed),
      midRate: side === 'sell' ? mid : new Decimal(1).div(mid),
    },
  };
}
