import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import { DEFAULT_DEPTH } from './book';
import { deepenBook, evolveBook, TOP_FILL } from './evolve';
import { PriceModel } from './prices';
import { Prng } from './prng';
import type { BookStore, LiveBook } from './store';

/**
 * Moves every source book one model step and prints an occasional trade. Books start with
 * TOP_FILL levels a side and grow to at most `maxDepth` when a client asks for more (a
 * Coinbase full-book snapshot, a deep REST depth): a simulator nobody reads deeply stays cheap.
 */
export class ModelDriver {
  readonly prices: PriceModel;
  /** One random stream per book for its far end, so depth requests never move the market. */
  private readonly deepRngs = new Map<LiveBook, Prng>();

  constructor(private readonly store: BookStore, private readonly seed: number, venues: ExchangeId[], dislocationRate?: number, private readonly maxDepth = DEFAULT_DEPTH) {
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new Error(`bookDepth must be a positive whole number of levels, got ${maxDepth}`);
    this.prices = new PriceModel({ seed, venues, ...(dislocationRate !== undefined ? { dislocationRate } : {}) });
    for (const lb of store.sourceBooks()) lb.depth = Math.min(TOP_FILL, maxDepth);
    store.setDeepener((lb, levels) => {
      const depth = Math.min(levels, depthCap(lb.market.base, lb.market.quote, this.maxDepth));
      if (depth <= lb.depth) return undefined;
      lb.depth = depth;
      const m = lb.market;
      return deepenBook(m, lb.book, this.prices.mid(m.exchange, m.base, m.quote), this.deepRng(lb), depth);
    });
  }

  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.prices.step();
      for (const lb of this.store.sourceBooks()) {
        const m = lb.market;
        const mid = this.prices.mid(m.exchange, m.base, m.quote);
        const { next, diff } = evolveBook(m, lb.book, mid, this.prices.rng, this.deepRng(lb), lb.depth);
        this.store.applyKnown(m.exchange, m.symbol, next, diff);
        if (this.prices.rng.next() < 0.3) {
          const side = this.prices.rng.next() < 0.5 ? 'buy' : 'sell';
          const level = side === 'buy' ? lb.book.asks[0] : lb.book.bids[0];
          if (level) {
            const amount = Decimal.max(m.step, level[1].times(this.prices.rng.next().toFixed(3)).div(m.step).floor().times(m.step));
            this.store.publishTrade(m.exchange, m.symbol, level[0], amount, side);
          }
        }
      }
    }
  }

  private deepRng(lb: LiveBook): Prng {
    let r = this.deepRngs.get(lb);
    if (!r) {
      let h = this.seed >>> 0;
      for (const c of `${lb.market.exchange}:${lb.market.symbol}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
      this.deepRngs.set(lb, (r = new Prng(h)));
    }
    return r;
  }
}

const MAJORS = new Set(['BTC', 'ETH']);
const DOLLARS = new Set(['USD', 'USDT', 'USDC']);

/**
 * How deep a book can grow: the full `bookDepth` for BTC and ETH against dollars (real BTC-USD
 * shows tens of thousands of levels), a quarter of it elsewhere (thinner real books, and fewer
 * levels for every client to parse).
 */
export function depthCap(base: string, quote: string, maxDepth: number): number {
  return MAJORS.has(base) && DOLLARS.has(quote) ? maxDepth : Math.max(Math.min(TOP_FILL, maxDepth), Math.floor(maxDepth / 4));
}
