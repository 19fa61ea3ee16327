import { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import { gridFor, ladder } from './evolve';
import type { SimMarket } from './markets';
import type { Prng } from './prng';

export type Level = [price: Decimal, amount: Decimal];
export interface BookSides { bids: Level[]; asks: Level[] }
/** A change to one price level; amount 0 removes the level (every venue's wire convention). */
export type LevelChange = [price: Decimal, amount: Decimal];
export interface BookDiff { bids: LevelChange[]; asks: LevelChange[] }

/**
 * Levels a side a model book can grow to (the `bookDepth` option): a full-book snapshot (Coinbase
 * level2) or a large REST depth (Binance `limit=1000`) carries thousands of levels, as a liquid
 * market shows (real BTC-USD: ~19k bids / 27k asks); other than BTC and ETH against dollars a
 * quarter of it (`depthCap`). Books start with TOP_FILL levels and grow only when a client asks, so
 * a simulator still starts in a few tens of milliseconds.
 */
export const DEFAULT_DEPTH = 2000;

/**
 * Builds a book around a mid: spread from the market, levels a few bps apart, sizes growing with
 * depth. The arithmetic runs in whole ticks and steps (exact in a JS number far below 2^53) and
 * each level becomes a Decimal once.
 */
export function generateBook(market: SimMarket, mid: number, rng: Prng, depth = DEFAULT_DEPTH): BookSides {
  const g = gridFor(market, mid);
  return { bids: ladder(g.bidTicks, -1, depth, 0, g, rng), asks: ladder(g.askTicks, 1, depth, 0, g, rng) };
}

/** Level-by-level difference; levels gone from `next` appear with amount 0. */
export function diffBooks(prev: BookSides, next: BookSides): BookDiff {
  return { bids: diffSide(prev.bids, next.bids, -1), asks: diffSide(prev.asks, next.asks, 1) };
}

/** A merge walk over two sides sorted best first (dir -1: falling bids, +1: rising asks). */
function diffSide(prev: Level[], next: Level[], dir: 1 | -1): LevelChange[] {
  const out: LevelChange[] = [];
  let i = 0;
  let j = 0;
  while (i < prev.length || j < next.length) {
    const a = prev[i];
    const b = next[j];
    const order = !a ? 1 : !b ? -1 : a[0].cmp(b[0]) * dir;
    if (order < 0 && a) {
      out.push([a[0], new Decimal(0)]);
      i++;
    } else if (order > 0 && b) {
      out.push([b[0], b[1]]);
      j++;
    } else if (a && b) {
      if (!a[1].eq(b[1])) out.push([b[0], b[1]]);
      i++;
      j++;
    }
  }
  return out;
}

export function topOf(book: BookSides, depth: number): BookSides {
  return { bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
}

/** Decimal places a step implies, for wire formatting ("0.01" -> 2). */
export function dpOf(step: Decimal): number {
  return step.decimalPlaces();
}

/** Formats to the market's grid, never dropping digits a hand-set or replayed level carries. */
export function fmtNum(x: Decimal, step: Decimal): string {
  return formatDecimal(x, Math.max(dpOf(step), x.decimalPlaces()));
}

export function fmtLevel(level: Level, market: SimMarket): [string, string] {
  return [fmtNum(level[0], market.tick), fmtNum(level[1], market.step)];
}

export function parseLevels(levels: Array<[string, string]>): Level[] {
  return levels.map(([p, a]) => [new Decimal(p), new Decimal(a)]);
}
