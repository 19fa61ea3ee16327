import type { ExchangeId } from '../../domain/market';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import { dec } from './convert';

type RawSide = ArrayLike<ArrayLike<number | undefined>>;

/** One side of a copy: its raw numbers beside the levels made from them. */
interface SideMemo {
  length: number;
  /** Best first (bids falling, asks rising; equal neighbours allowed), judged on the raw numbers. */
  sorted: boolean;
  prices: number[];
  amounts: number[];
  levels: BookLevel[];
}

const emptyMemo = (): SideMemo => ({ length: 0, sorted: true, prices: [], amounts: [], levels: [] });

/**
 * Copies successive states of one ccxt book into Decimal levels, reusing what the previous copy
 * already made. Between two updates most levels are unchanged, and turning a float into a Decimal
 * (String(x), then parsing) is what a copy costs. Both copies are sorted the same way, so one walk
 * down both finds each level's previous self even when levels above it came or went: same price
 * and amount, the very same level object; same price only, its price Decimal. Decimals and levels
 * are never mutated, so sharing them between copies is safe; ccxt mutates its own arrays in place,
 * which is why the raw numbers are kept, not ccxt's level arrays.
 */
export class BookCopier {
  // The previous copy's sides and two spares the next copy is written into (no arrays per copy).
  private bids = emptyMemo();
  private asks = emptyMemo();
  private spareBids = emptyMemo();
  private spareAsks = emptyMemo();
  /**
   * Whether the last copy is sorted and not crossed (bookShapeProblem's verdict), found on the
   * raw numbers during the walk: a double's shortest text keeps the doubles' order (a < b gives
   * dec(a) < dec(b), a = b the same text), so the Decimals compare as the numbers do and the
   * shape check need not walk the copy's Decimals again.
   */
  lastSound = true;

  constructor(private readonly exchange: ExchangeId, private readonly depth: number) {}

  copy(symbol: string, raw: { bids: RawSide; asks: RawSide; timestamp?: number | undefined; nonce?: number | undefined }, receivedAt: number): OrderBook {
    const bids = this.side(raw.bids, this.bids, this.spareBids, -1);
    const asks = this.side(raw.asks, this.asks, this.spareAsks, 1);
    // The book gets arrays of its own: the memo's are written again two copies later.
    const book: OrderBook = { exchange: this.exchange, symbol, bids: bids.levels.slice(0, bids.length), asks: asks.levels.slice(0, asks.length), receivedAt };
    [this.spareBids, this.bids] = [this.bids, bids];
    [this.spareAsks, this.asks] = [this.asks, asks];
    this.lastSound = bids.sorted && asks.sorted && !(bids.length > 0 && asks.length > 0 && bids.prices[0]! >= asks.prices[0]!);
    if (typeof raw.timestamp === 'number') book.exchangeTimestamp = raw.timestamp;
    if (typeof raw.nonce === 'number') book.sequence = raw.nonce;
    return book;
  }

  /** `dir` -1 for bids (falling prices), +1 for asks (rising): the order both copies are in. */
  private side(levels: RawSide, prev: SideMemo, next: SideMemo, dir: 1 | -1): SideMemo {
    const n = Math.min(this.depth, levels.length);
    next.length = 0;
    next.sorted = true;
    let j = 0;
    for (let i = 0; i < n; i += 1) {
      const l = levels[i]!;
      const p = l[0];
      const a = l[1];
      // Skip previous levels that lie before this price (gone since, or this side is unsorted: the
      // shape gate refuses such a book; the walk only finds less to reuse, the values stay exact).
      while (j < prev.length && p !== undefined && (prev.prices[j]! - p) * dir < 0) j += 1;
      let level: BookLevel;
      if (j < prev.length && prev.prices[j] === p) {
        const before = prev.levels[j]!;
        level = prev.amounts[j] === a ? before : { price: before.price, amount: dec(a) };
        j += 1;
      } else {
        level = { price: dec(p), amount: dec(a) };
      }
      if (i > 0 && (p! - next.prices[i - 1]!) * dir < 0) next.sorted = false;
      next.prices[i] = p!;
      next.amounts[i] = a!;
      next.levels[i] = level;
      next.length = i + 1;
    }
    return next;
  }
}
