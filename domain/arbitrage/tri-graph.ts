import type { Market } from '../market';

/** One conversion step of a cycle: buy the base with the quote (asks) or sell the base (bids). */
export interface TriLeg {
  market: number;
  side: 'buy' | 'sell';
  from: string;
  to: string;
}

export interface TriCycle {
  id: number;
  start: string;
  legs: readonly [TriLeg, TriLeg, TriLeg];
  /** "USDT>BTC>SOL>USDT" for logs and dedup. */
  path: string;
}

/**
 * All 3-cycles of one exchange's market graph that start and end in a currency we hold, with an
 * index from each market to the cycles that use it: a book update re-evaluates only those.
 */
export interface TriGraph {
  markets: readonly Market[];
  indexOf: ReadonlyMap<string, number>;
  cycles: readonly TriCycle[];
  cyclesByMarket: readonly (readonly number[])[];
}

interface Edge {
  to: string;
  market: number;
  side: 'buy' | 'sell';
}

export function buildTriGraph(markets: readonly Market[], startCurrencies: readonly string[]): TriGraph {
  const live = markets.filter((m) => m.active);
  const indexOf = new Map<string, number>();
  const adjacency = new Map<string, Edge[]>();
  // edgesTo.get("Y>S") = the edges that take Y back to S, so closing a cycle is one lookup.
  const edgesTo = new Map<string, Edge[]>();
  const add = (from: string, e: Edge) => {
    const list = adjacency.get(from) ?? [];
    list.push(e);
    adjacency.set(from, list);
    const k = `${from}>${e.to}`;
    const back = edgesTo.get(k) ?? [];
    back.push(e);
    edgesTo.set(k, back);
  };
  live.forEach((m, idx) => {
    indexOf.set(m.symbol, idx);
    add(m.quote, { to: m.base, market: idx, side: 'buy' });
    add(m.base, { to: m.quote, market: idx, side: 'sell' });
  });

  const cycles: TriCycle[] = [];
  const cyclesByMarket: number[][] = live.map(() => []);
  for (const start of new Set(startCurrencies)) {
    for (const e1 of adjacency.get(start) ?? []) {
      for (const e2 of adjacency.get(e1.to) ?? []) {
        if (e2.to === start || e2.market === e1.market) continue;
        for (const e3 of edgesTo.get(`${e2.to}>${start}`) ?? []) {
          if (e3.market === e2.market || e3.market === e1.market) continue;
          const id = cycles.length;
          const leg = (e: Edge, from: string): TriLeg => ({ market: e.market, side: e.side, from, to: e.to });
          cycles.push({ id, start, legs: [leg(e1, start), leg(e2, e1.to), leg(e3, e2.to)], path: `${start}>${e1.to}>${e2.to}>${start}` });
          for (const m of new Set([e1.market, e2.market, e3.market])) cyclesByMarket[m]!.push(id);
        }
      }
    }
  }
  return { markets: live, indexOf, cycles, cyclesByMarket };
}
