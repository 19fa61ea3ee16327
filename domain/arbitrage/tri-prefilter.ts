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

  constructor(size: number) {
    this.bid = new Float64Array(size);
    this.ask = new Float64Array(size);
    this.keep = new Float64Array(size).fill(1);
  }
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

/** Ids of the cycles among `ids` whose estimate reaches `minReturn` - margin. */
export function prefilterCycles(graph: TriGraph, top: TopOfBook, ids: Iterable<number>, minReturn: number, out: number[] = []): number[] {
  const floor = minReturn - PREFILTER_MARGIN;
  for (const id of ids) {
    if (cycleReturnEstimate(graph.cycles[id]!, top) >= floor) out.push(id);
  }
  return out;
}
