import type { TriCycle, TriGraph } from './tri-graph';

/**
 * Float top-of-book prices per market, for the prefilter only. A cycle's float return at the top
 * of book is an UPPER bound of what the exact Decimal walk can reach: walking deeper only gets
 * worse prices, rounding amounts down to a step only loses, fees are the same. Float error on a
 * product of ~10 doubles is below 1e-14 relative, so pruning at (1 + threshold) - PREFILTER_MARGIN
 * with a margin of 1e-9 can never discard a cycle the exact evaluation would accept.
 */
export const PREFILTER_MARGIN = 1e-9;

export class TopOfBook {
  readonly bid: Float64Array;
  readonly ask: Float64Array;
  /** 1 - taker fee per market, as a float. */
  readonly keep: Float64Array;
  /** When each market's book arrived (ms, the caller's clock; 0 = none yet). */
  readonly at: Float64Array;

  constructor(size: number) {
    this.bid = new Float64Array(size);
    this.ask = new Float64Array(size);
    this.keep = new Float64Array(size).fill(1);
    this.at = new Float64Array(size);
  }
}

/**
 * Gates the live prefilter applies as well, with the very expressions the exact path uses, so a
 * cycle they drop is one the evaluation would reject anyway (never a cycle it could accept):
 * a leg whose book is older than `maxBookAgeMs` at `now` (BOOK_STALE), and a top-of-book gross
 * edge above `maxPlausibleGross` (IMPLAUSIBLE_PROFIT: frozen or delisted prices). Without them
 * such cycles reached the evaluation on every update of their other markets.
 */
export interface PrefilterGates {
  now: number;
  maxBookAgeMs: number;
  /** A fraction (0.05 = 5 %). */
  maxPlausibleGross: number;
}

/** Product of (1 - fee) over the cycle's legs, in leg order. */
export function cycleKeep(c: TriCycle, top: TopOfBook): number {
  return c.legs.reduce((k, l) => k * top.keep[l.market]!, 1);
}

/** The top-of-book gross edge of a cycle (before fees), as the plausibility gate computes it. */
export function topOfBookGross(c: TriCycle, top: TopOfBook): number {
  return cycleReturnEstimate(c, top) / cycleKeep(c, top) - 1;
}

/** True when the cycle fails the book-age or plausibility gate on the top of book. */
export function failsPrefilterGates(c: TriCycle, top: TopOfBook, g: PrefilterGates): boolean {
  for (const leg of c.legs) if (g.now - top.at[leg.market]! > g.maxBookAgeMs) return true;
  return topOfBookGross(c, top) > g.maxPlausibleGross;
}

/** Float return of one unit of the start currency around the cycle (0 when a book side is empty). */
export function cycleReturnEstimate(c: TriCycle, top: TopOfBook): number {
  let r = 1;
  for (const leg of c.legs) {
    const m = leg.market;
    if (leg.side === 'buy') {
      const a = top.ask[m]!;
      if (!(a > 0)) return 0;
      r = (r / a) * top.keep[m]!;
    } else {
      const b = top.bid[m]!;
      if (!(b > 0)) return 0;
      r = r * b * top.keep[m]!;
    }
  }
  return r;
}

/**
 * Ids of the cycles among `ids` whose estimate reaches `minReturn` - margin and, with `gates`,
 * that pass the book-age and plausibility gates.
 */
export function prefilterCycles(graph: TriGraph, top: TopOfBook, ids: Iterable<number>, minReturn: number, out: number[] = [], gates?: PrefilterGates): number[] {
  const floor = minReturn - PREFILTER_MARGIN;
  for (const id of ids) {
    const c = graph.cycles[id]!;
    if (cycleReturnEstimate(c, top) >= floor && !(gates && failsPrefilterGates(c, top, gates))) out.push(id);
  }
  return out;
}
