import type { Decimal } from '../../domain/money/decimal';
import type { BookLevel, OrderBook } from '../../domain/orderbook';

interface Taken {
  /** What our fills took from the level. */
  amount: Decimal;
  /** The level's recorded amount when it was taken: a recorded change of it replaces the level. */
  recorded: Decimal;
}

type SideTaken = Map<string, Taken>;

const keyOf = (price: Decimal): string => price.toFixed();

/**
 * The recorded books as a backtest's paper fills see them: what a fill took from a level stays
 * taken until a recorded update of that level replaces it (its amount changes, or it leaves the
 * book), so two orders cannot both take the same recorded liquidity. Recorded books are full
 * states, so "an update of the level" is a change of its amount: an update that re-sends the
 * same amount is not told apart from no update, and the level stays taken (the cautious side).
 */
export class ConsumedLiquidity {
  private readonly recorded = new Map<string, OrderBook>();
  /** Per market: asks taken by buys, bids taken by sells. */
  private readonly taken = new Map<string, { asks: SideTaken; bids: SideTaken }>();
  private readonly views = new Map<string, OrderBook>();

  /** A recorded book arrived: it is the market's book now; levels it changed are whole again. */
  onRecorded(book: OrderBook): void {
    const market = `${book.exchange}:${book.symbol}`;
    this.recorded.set(market, book);
    this.views.delete(market);
    const t = this.taken.get(market);
    if (!t) return;
    forget(t.asks, book.asks);
    forget(t.bids, book.bids);
    if (t.asks.size === 0 && t.bids.size === 0) this.taken.delete(market);
  }

  /** A taker fill on `market` took these levels (a buy takes asks, a sell bids). */
  take(market: string, side: 'buy' | 'sell', fills: readonly BookLevel[]): void {
    const book = this.recorded.get(market);
    if (!book || fills.length === 0) return;
    const levels = side === 'buy' ? book.asks : book.bids;
    const t = this.taken.get(market) ?? { asks: new Map(), bids: new Map() };
    const sideTaken = side === 'buy' ? t.asks : t.bids;
    for (const f of fills) {
      const k = keyOf(f.price);
      const level = levels.find((l) => l.price.eq(f.price));
      if (!level) continue; // not a recorded level (cannot happen for a walk of this book): nothing to hold back
      const before = sideTaken.get(k);
      sideTaken.set(k, { amount: before ? before.amount.plus(f.amount) : f.amount, recorded: level.amount });
    }
    this.taken.set(market, t);
    this.views.delete(market);
  }

  /** The market's recorded book less what fills took (emptied levels left out); undefined before its first book. */
  view(market: string): OrderBook | undefined {
    const book = this.recorded.get(market);
    const t = this.taken.get(market);
    if (!book || !t) return book;
    let v = this.views.get(market);
    if (!v) {
      v = { ...book, asks: subtract(book.asks, t.asks), bids: subtract(book.bids, t.bids) };
      this.views.set(market, v);
    }
    return v;
  }
}

/** Drops what was taken from levels whose recorded amount changed or that left the book. */
function forget(taken: SideTaken, levels: readonly BookLevel[]): void {
  if (taken.size === 0) return;
  const now = new Map(levels.map((l) => [keyOf(l.price), l.amount]));
  for (const [k, t] of taken) {
    const amount = now.get(k);
    if (amount === undefined || !amount.eq(t.recorded)) taken.delete(k);
  }
}

function subtract(levels: readonly BookLevel[], taken: SideTaken): BookLevel[] {
  if (taken.size === 0) return levels as BookLevel[];
  const out: BookLevel[] = [];
  for (const l of levels) {
    const t = taken.get(keyOf(l.price));
    if (!t) {
      out.push(l);
      continue;
    }
    const left = l.amount.minus(t.amount);
    if (left.gt(0)) out.push({ price: l.price, amount: left });
  }
  return out;
}
