import type { ExchangeId } from '../../domain/market';
import type { Decimal } from '../../domain/money/decimal';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import { dec } from './convert';

type RawSide = ArrayLike<ArrayLike<number | undefined>>;

/**
 * Copies successive states of one ccxt book, reusing the Decimals of numbers seen in the previous
 * copy. Between two updates most levels are unchanged, and turning a float into a Decimal
 * (String(x), then parsing) is what a copy costs; Decimals are immutable, so sharing them is safe.
 */
export class BookCopier {
  private memo = new Map<number, Decimal>();

  constructor(private readonly exchange: ExchangeId, private readonly depth: number) {}

  copy(symbol: string, raw: { bids: RawSide; asks: RawSide; timestamp?: number | undefined; nonce?: number | undefined }, receivedAt: number): OrderBook {
    const next = new Map<number, Decimal>();
    const d = (x: number | undefined): Decimal => {
      if (x === undefined) return dec(x);
      let v = next.get(x);
      if (v === undefined) {
        v = this.memo.get(x) ?? dec(x);
        next.set(x, v);
      }
      return v;
    };
    const side = (levels: RawSide): BookLevel[] => {
      const n = Math.min(this.depth, levels.length);
      const out: BookLevel[] = new Array(n);
      for (let i = 0; i < n; i += 1) {
        const l = levels[i]!;
        out[i] = { price: d(l[0]), amount: d(l[1]) };
      }
      return out;
    };
    const book: OrderBook = { exchange: this.exchange, symbol, bids: side(raw.bids), asks: side(raw.asks), receivedAt };
    this.memo = next;
    if (typeof raw.timestamp === 'number') book.exchangeTimestamp = raw.timestamp;
    if (typeof raw.nonce === 'number') book.sequence = raw.nonce;
    return book;
  }
}
