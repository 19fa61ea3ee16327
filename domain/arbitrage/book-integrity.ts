import { compareDecimals as importedCompare } from '../money/decimal';
import type { BookLevel, OrderBook } from '../orderbook';

/**
 * What is wrong with a book's shape, if anything. A venue's matching engine never leaves a bid at
 * or above an ask, and books are kept best first; a book that says otherwise has missed an update
 * (or was recorded wrongly) and its prices are not prices anyone can trade at.
 */
export type BookShapeProblem =
  | { kind: 'unsorted'; side: 'bids' | 'asks'; level: number }
  | { kind: 'crossed'; bestBid: BookLevel; bestAsk: BookLevel };

// Read once: run under tsx, an imported function is a getter on the module's export object, read
// again on every call (one per level of every book checked).
const compareDecimals = importedCompare;

/**
 * The first level better than the one before it (-1: sorted). O(levels), no allocation: it runs on
 * every level of every book update, and decimal.js's gt/lt copy their argument first.
 */
function unsortedAt(levels: readonly BookLevel[], falling: boolean): number {
  const better = falling ? 1 : -1;
  for (let i = 1; i < levels.length; i += 1) {
    if (compareDecimals(levels[i]!.price, levels[i - 1]!.price) === better) return i;
  }
  return -1;
}

/**
 * Sorted (bids falling, asks rising) and not crossed (best bid < best ask; a locked book,
 * bid = ask, is refused too). Two adjacent lines at the same price are tolerated: that is one
 * level split in two (recordings rounded to the tick produce it), and a walk over it is exact.
 * Unsorted is checked first: on an unsorted side the first level is not the best, so "crossed"
 * would mean nothing.
 */
export function bookShapeProblem(book: Pick<OrderBook, 'bids' | 'asks'>): BookShapeProblem | undefined {
  const b = unsortedAt(book.bids, true);
  if (b >= 0) return { kind: 'unsorted', side: 'bids', level: b };
  const a = unsortedAt(book.asks, false);
  if (a >= 0) return { kind: 'unsorted', side: 'asks', level: a };
  const bestBid = book.bids[0];
  const bestAsk = book.asks[0];
  if (bestBid && bestAsk && compareDecimals(bestBid.price, bestAsk.price) !== -1) return { kind: 'crossed', bestBid, bestAsk };
  return undefined;
}

/** One line for logs and errors: "crossed: bid 66000 >= ask 62000" / "unsorted: bids level 1". */
export function describeShapeProblem(p: BookShapeProblem): string {
  return p.kind === 'crossed'
    ? `crossed: bid ${p.bestBid.price.toFixed()} >= ask ${p.bestAsk.price.toFixed()}`
    : `unsorted: ${p.side} level ${p.level} is better than level ${p.level - 1}`;
}
