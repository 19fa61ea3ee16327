import { Decimal, ZERO } from '../money/decimal';
import { medianOf, ratioOrUndefined } from './stats';

interface BookLevelLike {
  price: Decimal;
  amount: Decimal;
}
interface BookLike {
  bids: readonly BookLevelLike[];
  asks: readonly BookLevelLike[];
}

/**
 * (bid volume - ask volume) / (bid volume + ask volume) over the top `levels` levels: +1 all
 * bids, -1 all asks, 0 balanced (or empty). Volumes are base units on both sides.
 */
export function topLevelImbalance(book: BookLike, levels: number): Decimal {
  let bid = ZERO;
  let ask = ZERO;
  for (const l of book.bids.slice(0, levels)) bid = bid.plus(l.amount);
  for (const l of book.asks.slice(0, levels)) ask = ask.plus(l.amount);
  const total = bid.plus(ask);
  return total.isZero() ? ZERO : bid.minus(ask).div(total);
}

/** (best ask - best bid) / mid, as a fraction; undefined for a one-sided book. */
export function spreadFraction(book: BookLike): Decimal | undefined {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (!bid || !ask) return undefined;
  const mid = bid.price.plus(ask.price).div(2);
  if (mid.isZero()) return undefined;
  return ask.price.minus(bid.price).div(mid);
}

/**
 * The current spread against its norm, the rolling median of recent samples: 3 means three times
 * wider than usual. Undefined while there is no norm yet (or the norm is a zero spread).
 */
export function spreadVsNorm(current: Decimal, samples: readonly Decimal[]): Decimal | undefined {
  return ratioOrUndefined(current, medianOf(samples));
}
