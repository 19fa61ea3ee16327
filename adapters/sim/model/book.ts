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

/** Builds a book around a mid: spread from the market, levels a few bps apart, sizes growing. */
export function generateBook(market: SimMarket, mid: number, rng: Prng, depth = DEFAULT_DEPTH): BookSides {
  const m = new Decimal(mid.toPrecision(15));
  const half = m.times(market.spreadBps / 2 / 10_000);
  const gap = Decimal.max(market.tick, m.times(Math.max(market.spreadBps, 1) * 0.6 / 10_000));
  const bids: Level[] = [];
  const asks: Level[] = [];
  let bid = m.minus(half).div(market.tick).floor().times(market.tick);
  let ask = m.plus(half).div(market.tick).ceil().times(market.tick);
  if (ask.lte(bid)) ask = bid.plus(market.tick);
  for (let i = 0; i < depth; i++) {
    bids.push([bid, levelSize(market, i, rng)]);
    asks.push([ask, levelSize(market, i, rng)]);
    const jitter = 0.5 + rng.next();
    const nextBid = bid.minus(gap.times(jitter)).div(market.tick).floor().times(market.tick);
    const nextAsk = ask.plus(gap.times(jitter)).div(market.tick).ceil().times(market.tick);
    bid = nextBid.lt(bid) ? nextBid : bid.minus(market.tick);
    ask = nextAsk.gt(ask) ? nextAsk : ask.plus(market.tick);
    if (bid.lte(0)) break;
  }
  return { bids, asks };
}

function levelSize(market: SimMarket, i: number, rng: Prng): Decimal {
  const raw = market.baseSize.times(1 + i * 0.35).times(0.6 + rng.next() * 0.8);
  const q = raw.div(market.step).floor().times(market.step);
  return q.lt(market.step) ? market.step : q;
}

/** Level-by-level difference; levels gone from `next` appear with amount 0. */
export function diffBooks(prev: BookSides, next: BookSides): BookDiff {
  return { bids: diffSide(prev.bids, next.bids), asks: diffSide(prev.asks, next.asks) };
}

function diffSide(prev: Level[], next: Level[]): LevelChange[] {
  const before = new Map(prev.map(([p, a]) => [p.toString(), a]));
  const after = new Map(next.map(([p, a]) => [p.toString(), a]));
  const out: LevelChange[] = [];
  for (const [p] of prev) if (!after.has(p.toString())) out.push([p, new Decimal(0)]);
  for (const [p, a] of next) {
    const old = before.get(p.toString());
    if (!old || !old.eq(a)) out.push([p, a]);
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
