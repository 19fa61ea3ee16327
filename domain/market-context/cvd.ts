import { Decimal, ZERO } from '../money/decimal';
import type { TradePrint } from './types';

export interface CvdPoint {
  timestamp: number;
  price: Decimal;
  /** Cumulative (taker buy volume - taker sell volume) up to and including this trade. */
  cvd: Decimal;
}

/** Cumulative volume delta, trade by trade, starting from zero at the first trade given. */
export function cvdSeries(trades: readonly TradePrint[]): CvdPoint[] {
  let cvd = ZERO;
  return trades.map((t) => {
    cvd = t.side === 'buy' ? cvd.plus(t.amount) : cvd.minus(t.amount);
    return { timestamp: t.timestamp, price: t.price, cvd };
  });
}

/**
 * bearish: price rose while sellers were the aggressors on balance (rally not backed by flow);
 * bullish: price fell while buyers were the aggressors (decline being absorbed).
 */
export type CvdDivergence = 'bearish' | 'bullish' | 'none';

export interface CvdSummary {
  buyVolume: Decimal;
  sellVolume: Decimal;
  /** buyVolume - sellVolume over the window: the CVD's change. */
  delta: Decimal;
  /** (last price - first price) / first price over the window. */
  priceChange: Decimal;
  divergence: CvdDivergence;
}

/**
 * CVD against price over the trades given (the caller picks the window). A price move smaller
 * than `minMoveFraction` is noise, not a direction, so it never makes a divergence.
 */
export function cvdDivergence(trades: readonly TradePrint[], minMoveFraction: Decimal): CvdSummary | undefined {
  const first = trades[0];
  const last = trades[trades.length - 1];
  if (!first || !last || first.price.isZero()) return undefined;
  let buyVolume = ZERO;
  let sellVolume = ZERO;
  for (const t of trades) {
    if (t.side === 'buy') buyVolume = buyVolume.plus(t.amount);
    else sellVolume = sellVolume.plus(t.amount);
  }
  const delta = buyVolume.minus(sellVolume);
  const priceChange = last.price.minus(first.price).div(first.price);
  let divergence: CvdDivergence = 'none';
  if (priceChange.gte(minMoveFraction) && delta.lt(0)) divergence = 'bearish';
  else if (priceChange.lte(minMoveFraction.neg()) && delta.gt(0)) divergence = 'bullish';
  return { buyVolume, sellVolume, delta, priceChange, divergence };
}
