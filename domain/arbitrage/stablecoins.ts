import { Decimal, ONE, ZERO } from '../money/decimal';
import { walkBookForBase, walkBookForQuote, midPrice, type OrderBook } from '../orderbook';
import type { Market } from '../market';
import type { TakerFeeFn } from './fees';

/** A live book with its market rules, as the scanners hold them. */
export interface MarketBook {
  market: Market;
  book: OrderBook;
}

export interface PegReading {
  stable: string;
  peg: string;
  /** |price - 1| in percent, the worst over every view of every venue. */
  deviationPercent: Decimal;
  /** The view that gave the worst reading ("kraken:USDT/USD", "kraken:BTC/USD÷BTC/USDC"). */
  source: string;
  /** Why the stable is refused: beyond the band now, back in band but held, or no view at all. */
  status?: PegStatus;
}

export type PegStatus = 'exceeded' | 'recovering' | 'no-view';

/** One price of a stable in its peg, and the books it was read from. */
export interface PegView {
  price: Decimal;
  source: string;
}

function mid(b: MarketBook): Decimal | undefined {
  return midPrice(b.book);
}

/**
 * Every price of a stablecoin in its peg that the books give: STABLE/PEG (or PEG/STABLE
 * inverted) on each venue, and, on each venue that quotes one asset in both, what X/PEG against
 * X/STABLE implies (BTC/USD 60000 and BTC/USDC 62500 on the same venue: 1 USDC = 0.96 USD). The
 * venue's own cross-quote books are where a depeg shows first and where a cross-quote trade
 * would be priced, so they are views as good as the stable's own book. One pass, O(books).
 */
export function pegViews(stable: string, peg: string, books: Iterable<MarketBook>): PegView[] {
  const views: PegView[] = [];
  const bridges = new Map<string, { inPeg?: [Decimal, string]; inStable?: [Decimal, string] }>();
  for (const b of books) {
    const { base, quote, exchange, symbol } = b.market;
    if (base === stable && quote === peg) {
      const m = mid(b);
      if (m && m.gt(ZERO)) views.push({ price: m, source: `${exchange}:${symbol}` });
    } else if (base === peg && quote === stable) {
      const m = mid(b);
      if (m && m.gt(ZERO)) views.push({ price: ONE.div(m), source: `${exchange}:${symbol}` });
    } else if (quote === peg || quote === stable) {
      const m = mid(b);
      if (!m || !m.gt(ZERO)) continue;
      const key = `${exchange}:${base}`;
      const e = bridges.get(key) ?? {};
      if (quote === peg) e.inPeg = [m, symbol];
      else e.inStable = [m, symbol];
      bridges.set(key, e);
    }
  }
  for (const [key, e] of bridges) {
    if (!e.inPeg || !e.inStable) continue;
    views.push({ price: e.inPeg[0].div(e.inStable[0]), source: `${key.split(':')[0]}:${e.inPeg[1]}÷${e.inStable[1]}` });
  }
  return views;
}

/**
 * How far a stablecoin trades from its peg: the worst of every view (see pegViews). A depeg seen
 * anywhere is a reason to stop. Undefined when no book gives a view.
 */
export function pegDeviation(stable: string, peg: string, books: Iterable<MarketBook>): PegReading | undefined {
  let worst: PegReading | undefined;
  for (const v of pegViews(stable, peg, books)) {
    const deviationPercent = v.price.minus(ONE).abs().times(100);
    if (!worst || deviationPercent.gt(worst.deviationPercent)) worst = { stable, peg, deviationPercent, source: v.source };
  }
  return worst;
}

/** The most pessimistic (lowest) value of a stable in its peg over every view; undefined with none. */
export function pessimisticPegValue(stable: string, peg: string, books: Iterable<MarketBook>): Decimal | undefined {
  let low: Decimal | undefined;
  for (const v of pegViews(stable, peg, books)) if (!low || v.price.lt(low)) low = v.price;
  return low;
}

/** The stables beyond the band, with their readings (for the STABLE_DEPEG figures). */
export function depeggedStables(
  stables: Record<string, string>,
  books: Iterable<MarketBook>,
  bandPercent: Decimal,
): Map<string, PegReading> {
  const list = [...books];
  const out = new Map<string, PegReading>();
  for (const [stable, peg] of Object.entries(stables)) {
    const r = pegDeviation(stable, peg, list);
    if (r && r.deviationPercent.gt(bandPercent)) out.set(stable, r);
  }
  return out;
}

export interface DepegGuardOptions {
  /** stable -> the currency it tracks (coins.stablecoins). */
  stables: Record<string, string>;
  bandPercent: Decimal;
  /** A trip holds until the stable has been back in band this long (qbot.depegGuard.recoverAfterMs). */
  recoverAfterMs: number;
}

/**
 * The depeg guard with memory. A stable beyond the band trips it; the trip holds until the stable
 * has been back in band for `recoverAfterMs` (a depeg wobbles in and out of the band for hours:
 * trading its in-band minutes is trading the depeg). A stable no book gives a view of is refused
 * too (never assumed at par), without a trip: that is missing data, not a depeg. Pure: the caller
 * passes its clock.
 */
export class DepegGuard {
  private readonly tripped = new Map<string, { lastOutAt: number; worst: PegReading }>();
  /** Trips since start (a trip that is held counts once). */
  trips = 0;

  constructor(private readonly o: DepegGuardOptions) {}

  /** Reads every view, updates the trips, and returns the stables to refuse now with their reason. */
  observe(books: Iterable<MarketBook>, now: number): Map<string, PegReading> {
    const list = Array.isArray(books) ? (books as MarketBook[]) : [...books];
    const out = new Map<string, PegReading>();
    for (const [stable, peg] of Object.entries(this.o.stables)) {
      const r = pegDeviation(stable, peg, list);
      const trip = this.tripped.get(stable);
      if (r && r.deviationPercent.gt(this.o.bandPercent)) {
        if (!trip) this.trips += 1;
        const worst = trip && trip.worst.deviationPercent.gt(r.deviationPercent) ? trip.worst : r;
        this.tripped.set(stable, { lastOutAt: now, worst });
        out.set(stable, { ...r, status: 'exceeded' });
        continue;
      }
      if (trip && now - trip.lastOutAt < this.o.recoverAfterMs) {
        out.set(stable, r ? { ...r, status: 'recovering' } : { stable, peg, deviationPercent: ZERO, source: 'none', status: 'recovering' });
        continue;
      }
      if (trip) this.tripped.delete(stable);
      if (!r) out.set(stable, { stable, peg, deviationPercent: ZERO, source: 'none', status: 'no-view' });
    }
    return out;
  }

  /** When the trip of a stable was last out of band (undefined: not tripped). */
  lastOutOfBand(stable: string): number | undefined {
    return this.tripped.get(stable)?.lastOutAt;
  }
}

export interface Conversion {
  from: string;
  to: string;
  amountIn: Decimal;
  /** After the conversion's taker fee. */
  amountOut: Decimal;
  /** Same, before the fee (for the gross figure). */
  amountOutBeforeFee: Decimal;
  via: string;
}

/**
 * Values `amount` of `from` in `to` as if converted now on the best live stable book (TO/FROM:
 * buy TO with FROM at the asks; FROM/TO: sell FROM at the bids), walking the book and paying its
 * taker fee. The conversion itself happens later, at rebalance time; this is what it is worth now.
 */
export function convertAtBooks(
  amount: Decimal,
  from: string,
  to: string,
  books: Iterable<MarketBook>,
  fee: TakerFeeFn,
): Conversion | undefined {
  if (from === to) return { from, to, amountIn: amount, amountOut: amount, amountOutBeforeFee: amount, via: 'same' };
  let best: Conversion | undefined;
  for (const b of books) {
    const { base, quote, exchange, symbol } = b.market;
    let out: Decimal | undefined;
    let f: Decimal | undefined;
    if (base === to && quote === from) {
      const w = walkBookForQuote(b.book.asks, amount);
      if (!w.complete) continue;
      out = w.filled;
      f = fee(exchange, symbol, 'buy');
    } else if (base === from && quote === to) {
      const w = walkBookForBase(b.book.bids, amount);
      if (!w.complete) continue;
      out = w.quote;
      f = fee(exchange, symbol, 'sell');
    }
    if (out === undefined || f === undefined) continue;
    const net = out.times(ONE.minus(f));
    if (!best || net.gt(best.amountOut)) best = { from, to, amountIn: amount, amountOut: net, amountOutBeforeFee: out, via: `${exchange}:${symbol}` };
  }
  return best;
}
