import { Decimal, ZERO } from '../../../domain/money/decimal';
import type { BookDiff, BookSides, Level, LevelChange } from './book';
import type { SimMarket } from './markets';
import type { Prng } from './prng';

/**
 * Moves a deep book one model step the way a real book moves: levels the mid passed are taken
 * out, new levels appear between the new best price and the old best, a few resting sizes near
 * the top change, and the far end is refilled or trimmed only when it drifts past a slack. Unlike
 * regenerating the book, most levels stay as they were, so a step changes a handful of levels
 * (what real venues send) and costs the same whatever the depth: nothing below the changed region
 * is compared or copied level by level.
 */
export interface Evolved { next: BookSides; diff: BookDiff }

/** Level spacing and sizes shared with `generateBook`, in whole ticks and steps. */
export interface Grid { tick: number; pdp: number; sdp: number; stepsPerBase: number; gapTicks: number; bidTicks: number; askTicks: number }

export function gridFor(market: SimMarket, mid: number): Grid {
  const tick = market.tick.toNumber();
  const midTicks = mid / tick;
  const halfTicks = (midTicks * market.spreadBps) / 2 / 10_000;
  const bidTicks = Math.floor(midTicks - halfTicks);
  let askTicks = Math.ceil(midTicks + halfTicks);
  if (askTicks <= bidTicks) askTicks = bidTicks + 1;
  return {
    tick, pdp: market.tick.decimalPlaces(), sdp: market.step.decimalPlaces(), stepsPerBase: market.baseSize.div(market.step).toNumber(),
    gapTicks: Math.max(1, (midTicks * Math.max(market.spreadBps, 1) * 0.6) / 10_000), bidTicks, askTicks,
  };
}

export function sizeSteps(stepsPerBase: number, i: number, rng: Prng): number {
  return Math.max(1, Math.floor(stepsPerBase * (1 + i * 0.35) * (0.6 + rng.next() * 0.8)));
}

/** An integer count of 10^-dp units as a Decimal, through a string (no float rounding). */
export function units(n: number, dp: number): Decimal {
  if (dp < 0) throw new Error('negative decimal places');
  const digits = Math.round(n).toString().padStart(dp + 1, '0');
  return new Decimal(dp === 0 ? digits : `${digits.slice(0, -dp)}.${digits.slice(-dp)}`);
}

/** The next price (in ticks) one level further from the top: dir -1 for bids, +1 for asks. */
export function nextTicks(p: number, dir: 1 | -1, g: Grid, rng: Prng): number {
  const move = g.gapTicks * (0.5 + rng.next());
  return dir < 0 ? Math.min(p - 1, Math.floor(p - move)) : Math.max(p + 1, Math.ceil(p + move));
}

/** Levels from `from` (ticks) away from the top, `count` of them, sizes as at index `firstIndex`. */
export function ladder(from: number, dir: 1 | -1, count: number, firstIndex: number, g: Grid, rng: Prng, beyond?: number): Level[] {
  const out: Level[] = [];
  let p = from;
  for (let i = 0; i < count && p > 0; i++) {
    if (beyond !== undefined && (dir < 0 ? p <= beyond : p >= beyond)) break;
    out.push([units(p, g.pdp), units(sizeSteps(g.stepsPerBase, firstIndex + i, rng), g.sdp)]);
    p = nextTicks(p, dir, g, rng);
  }
  return out;
}

function ticksOf(price: Decimal, g: Grid): number {
  return Math.round(price.toNumber() / g.tick);
}

/**
 * How many new levels at most the top gains in one step. Only the top draws from the market's
 * random stream: whatever the book's depth (which grows when a client asks for more), the same
 * seed gives the same top of book; the deep end draws from its own stream.
 */
export const TOP_FILL = 60;

export function evolveBook(market: SimMarket, book: BookSides, mid: number, rng: Prng, deepRng: Prng, depth: number): Evolved {
  const g = gridFor(market, mid);
  const bids = evolveSide(book.bids, -1, g.bidTicks, g, rng, deepRng, depth);
  const asks = evolveSide(book.asks, 1, g.askTicks, g, rng, deepRng, depth);
  const next: BookSides = { bids: bids.levels, asks: asks.levels };
  const diff: BookDiff = { bids: bids.changes, asks: asks.changes };
  jiggle(next, diff, g, rng);
  return { next, diff };
}

/** The book grown to `depth` levels a side at its far end (a client asked for a deeper book). */
export function deepenBook(market: SimMarket, book: BookSides, mid: number, deepRng: Prng, depth: number): Evolved {
  const g = gridFor(market, mid);
  const bids = extend(book.bids, -1, g.bidTicks, g, deepRng, depth);
  const asks = extend(book.asks, 1, g.askTicks, g, deepRng, depth);
  return { next: { bids: book.bids.concat(bids), asks: book.asks.concat(asks) }, diff: { bids: bids.map(copy), asks: asks.map(copy) } };
}

function copy(l: Level): LevelChange {
  return [l[0], l[1]];
}

function extend(levels: Level[], dir: 1 | -1, target: number, g: Grid, rng: Prng, depth: number): Level[] {
  if (levels.length >= depth) return [];
  const last = levels[levels.length - 1];
  const from = last ? nextTicks(ticksOf(last[0], g), dir, g, rng) : target;
  return ladder(from, dir, depth - levels.length, levels.length, g, rng);
}

interface SideStep { levels: Level[]; changes: LevelChange[] }

function evolveSide(prev: Level[], dir: 1 | -1, target: number, g: Grid, rng: Prng, deepRng: Prng, depth: number): SideStep {
  const changes: LevelChange[] = [];
  // Levels the new top price has passed are gone (taken or cancelled).
  let k = 0;
  while (k < prev.length && (dir < 0 ? ticksOf(prev[k]![0], g) > target : ticksOf(prev[k]![0], g) < target)) {
    changes.push([prev[k]![0], ZERO]);
    k++;
  }
  const rest = prev.slice(k);
  const first = rest[0];
  const fresh = ladder(target, dir, Math.min(depth, TOP_FILL), 0, g, rng, first ? ticksOf(first[0], g) : undefined);
  for (const l of fresh) changes.push([l[0], l[1]]);
  let levels = fresh.length ? fresh.concat(rest) : rest;
  // The far end only moves when it has drifted past the slack, so most steps never touch it.
  const slack = Math.max(4, Math.floor(depth / 10));
  if (levels.length > depth + slack) {
    for (const l of levels.slice(depth)) changes.push([l[0], ZERO]);
    levels = levels.slice(0, depth);
  } else if (levels.length < depth - slack) {
    const tail = extend(levels, dir, target, g, deepRng, depth);
    for (const l of tail) changes.push([l[0], l[1]]);
    levels = levels.concat(tail);
  }
  return { levels, changes };
}

/** A few resting sizes near the top change every step (orders added and cancelled). */
function jiggle(book: BookSides, diff: BookDiff, g: Grid, rng: Prng): void {
  const count = 1 + rng.int(3);
  for (let n = 0; n < count; n++) {
    const bid = rng.next() < 0.5;
    const levels = bid ? book.bids : book.asks;
    if (!levels.length) continue;
    // Biased to the top, where most of a real book's activity is.
    const i = Math.floor(Math.min(levels.length, 40) * rng.next() ** 2);
    const level = levels[i]!;
    const size = units(sizeSteps(g.stepsPerBase, i, rng), g.sdp);
    if (size.eq(level[1])) continue;
    levels[i] = [level[0], size];
    const changes = bid ? diff.bids : diff.asks;
    const same = changes.findIndex((c) => c[0].eq(level[0]));
    if (same >= 0) changes[same] = [level[0], size];
    else changes.push([level[0], size]);
  }
}
