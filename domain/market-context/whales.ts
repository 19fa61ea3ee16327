import { Decimal, ZERO } from '../money/decimal';
import { medianOf } from './stats';
import type { TradePrint } from './types';

interface BookLevelLike {
  price: Decimal;
  amount: Decimal;
}

export interface WhaleTradeSummary {
  medianSize: Decimal;
  /** Size above which a trade counts as a whale: multiple x median. */
  threshold: Decimal;
  buys: number;
  sells: number;
  buyVolume: Decimal;
  sellVolume: Decimal;
}

/**
 * Trades strictly larger than `multiple` x the median trade size of the same window, by taker
 * side. The median (not the mean) is the yardstick so the whales themselves do not raise it.
 */
export function whaleTrades(trades: readonly TradePrint[], multiple: Decimal): WhaleTradeSummary | undefined {
  const medianSize = medianOf(trades.map((t) => t.amount));
  if (medianSize === undefined) return undefined;
  const threshold = medianSize.times(multiple);
  let buys = 0;
  let sells = 0;
  let buyVolume = ZERO;
  let sellVolume = ZERO;
  for (const t of trades) {
    if (!t.amount.gt(threshold)) continue;
    if (t.side === 'buy') {
      buys += 1;
      buyVolume = buyVolume.plus(t.amount);
    } else {
      sells += 1;
      sellVolume = sellVolume.plus(t.amount);
    }
  }
  return { medianSize, threshold, buys, sells, buyVolume, sellVolume };
}

export interface WhaleOrderSummary {
  medianSize: Decimal;
  threshold: Decimal;
  /** Resting bids above the threshold: big buyers waiting (support). */
  bidWalls: number;
  /** Resting asks above the threshold: big sellers waiting (resistance). */
  askWalls: number;
  bidWallVolume: Decimal;
  askWallVolume: Decimal;
}

/**
 * Book orders (levels) strictly larger than `multiple` x the median level size of the first
 * `levels` levels of both sides. A level aggregates orders, so a "wall" is a price where
 * unusually much size rests, which is what moves an arbitrage fill.
 */
export function whaleOrders(
  book: { bids: readonly BookLevelLike[]; asks: readonly BookLevelLike[] },
  multiple: Decimal,
  levels: number,
): WhaleOrderSummary | undefined {
  const bids = book.bids.slice(0, levels);
  const asks = book.asks.slice(0, levels);
  const medianSize = medianOf([...bids, ...asks].map((l) => l.amount));
  if (medianSize === undefined) return undefined;
  const threshold = medianSize.times(multiple);
  const walls = (side: readonly BookLevelLike[]) => side.filter((l) => l.amount.gt(threshold));
  const bidW = walls(bids);
  const askW = walls(asks);
  const sum = (ls: BookLevelLike[]) => ls.reduce((acc, l) => acc.plus(l.amount), ZERO);
  return { medianSize, threshold, bidWalls: bidW.length, askWalls: askW.length, bidWallVolume: sum(bidW), askWallVolume: sum(askW) };
}
