import { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import type { SimMarket } from './markets';
import type { Prng } from './prng';

export type Level = [price: Decimal, amount: Decimal];
export interface BookSides { bids: Level[]; asks: Level[] }
/** A change to one price level; amount 0 removes the level (every venue's wire convention). */
export type LevelChange = [price: Decimal, amount: Decimal];
export interface BookDiff { bids: LevelChange[]; asks: LevelChange[] }

export const DEFAULT_DEPTH = 30;

/**
 * Builds a book around a mid: spread from the market, levels a few bps apart, sizes growing with
 * depth. The arithmetic runs in whole ticks and steps (exact in a JS number far below 2^53) and
 * each level becomes a Decimal once: this runs for every book on every model step.
 */
export function generateBook(market: SimMarket, mid: number, rng: Prng, depth = DEFAULT_DEPTH): BookSides {
  const tick = market.tick.toNumber();
  const pdp = dpOf(market.tick);
  const sdp = dpOf(market.step);
  const stepsPerBase = market.baseSize.div(market.step).toNumber();
  const midTicks = mid / tick;
  const halfTicks = (midTicks * market.spreadBps) / 2 / 10_000;
  const gapTicks = Math.max(1, (midTicks * Math.max(market.spreadBps, 1) * 0.6) / 10_000);
  let bid = Math.floor(midTicks - halfTicks);
  let ask = Math.ceil(midTicks + halfTicks);
  if (ask <= bid) ask = bid + 1;
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < depth && bid > 0; i++) {
    bids.push([units(bid, pdp), units(sizeSteps(stepsPerBase, i, rng), sdp)]);
    asks.push([units(ask, pdp), units(sizeSteps(stepsPerBase, i, rng), sdp)]);
    const move = gapTicks * (0.5 + rng.next());
    bid = Math.min(bid - 1, Math.floor(bid - move));
    ask = Math.max(ask + 1, Math.ceil(ask + move));
  }
  return { bids, asks };
}

function sizeSteps(stepsPerBase: number, i: number, rng: Prng): number {
  return Math.max(1, Math.floor(stepsPerBase * (1 + i * 0.35) * (0.6 + rng.next() * 0.8)));
}

/** An integer count of 10^-dp units as a Decimal, through a string (no float rounding). */
function units(n: number, dp: number): Decimal {
  if (dp < 0) throw new Error('negative decimal places');
  const digits = Math.round(n).toString().padStart(dp + 1, '0');
  return new Decimal(dp === 0 ? digits : `${digits.slice(0, -dp)}.${digits.slice(-dp)}`);
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
