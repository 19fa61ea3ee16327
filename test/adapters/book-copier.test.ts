import fc from 'fast-check';
import { BookCopier } from '../../adapters/exchanges/book-copier';
import { dec } from '../../adapters/exchanges/convert';
import type { OrderBook } from '../../domain/orderbook';
import { bookShapeProblem } from '../../domain/arbitrage/book-integrity';

type RawLevel = [number, number];
type Raw = { bids: RawLevel[]; asks: RawLevel[]; nonce?: number; timestamp?: number };

const show = (b: OrderBook) => ({ bids: b.bids.map((l) => [l.price.toFixed(), l.amount.toFixed()]), asks: b.asks.map((l) => [l.price.toFixed(), l.amount.toFixed()]) });
/** What a copy must hold: every number of the first `depth` levels converted afresh. */
const naive = (raw: Raw, depth: number) => ({
  bids: raw.bids.slice(0, depth).map(([p, a]) => [dec(p).toFixed(), dec(a).toFixed()]),
  asks: raw.asks.slice(0, depth).map(([p, a]) => [dec(p).toFixed(), dec(a).toFixed()]),
});

/** One change ccxt may apply to a side between two copies (it mutates its arrays in place). */
type Edit = { kind: 'amount' | 'insert' | 'remove' | 'price'; at: number; value: number };
const edit = fc.record({
  kind: fc.constantFrom<Edit['kind']>('amount', 'insert', 'remove', 'price'),
  at: fc.nat(60),
  value: fc.oneof(fc.double({ min: 1e-8, max: 1e5, noNaN: true }), fc.integer({ min: 1, max: 70_000 }), fc.constantFrom(0.1, 0.30000000000000004, 1e-8, 64000.01)),
});

function apply(side: RawLevel[], e: Edit): void {
  const i = side.length ? e.at % (side.length + (e.kind === 'insert' ? 1 : 0)) : 0;
  if (e.kind === 'insert') side.splice(i, 0, [e.value, e.value / 7]);
  else if (!side.length) return;
  else if (e.kind === 'remove') side.splice(i, 1);
  // ccxt overwrites the amount of a level inside the same array object.
  else if (e.kind === 'amount') side[i]![1] = e.value;
  else side[i]![0] = e.value;
}

describe('book copies reuse what did not change', () => {
  it('every copy is exactly the fresh conversion of the ccxt book it was taken from (random edits, in place)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.tuple(fc.double({ min: 1, max: 1e5, noNaN: true }), fc.double({ min: 1e-8, max: 50, noNaN: true })), { maxLength: 50 }),
      fc.array(fc.array(fc.tuple(fc.boolean(), edit), { maxLength: 8 }), { minLength: 1, maxLength: 12 }),
      (depth, start, rounds) => {
        const raw: Raw = { bids: start.map(([p, a]) => [p, a]), asks: start.map(([p, a]) => [p * 1.01, a]) };
        const copier = new BookCopier('binance', depth);
        const copies: Array<[OrderBook, ReturnType<typeof naive>]> = [];
        for (const edits of rounds) {
          for (const [bid, e] of edits) apply(bid ? raw.bids : raw.asks, e);
          copies.push([copier.copy('BTC/USDT', raw, 1), naive(raw, depth)]);
        }
        // Earlier copies are not changed by later ones (ccxt's arrays are, in place).
        for (const [copy, expected] of copies) expect(show(copy)).toEqual(expected);
      },
    ), { numRuns: 150 });
  });

  it('an unchanged level is the same object in the next copy, also when a level above it came or went', () => {
    const copier = new BookCopier('binance', 5);
    const raw: Raw = { bids: [[100, 1], [99, 2], [98, 3], [97, 4]], asks: [[101, 1], [102, 2], [103, 3]] };
    const a = copier.copy('BTC/USDT', raw, 1);
    raw.bids.splice(0, 0, [100.5, 0.5]); // a new best bid: every bid moves down one place
    raw.asks.splice(0, 1); // the best ask is taken: every ask moves up one place
    raw.bids[3]![1] = 2.5; // ccxt overwrites the amount of 98 in place
    const b = copier.copy('BTC/USDT', raw, 2);
    expect(b.bids[1]).toBe(a.bids[0]);
    expect(b.bids[2]).toBe(a.bids[1]);
    expect(b.bids[4]).toBe(a.bids[3]);
    expect(b.asks[0]).toBe(a.asks[1]);
    expect(b.asks[1]).toBe(a.asks[2]);
    // The level whose amount changed is new, its price Decimal is the one already made.
    expect(b.bids[3]).not.toBe(a.bids[2]);
    expect(b.bids[3]!.price).toBe(a.bids[2]!.price);
    expect(show(b)).toEqual(naive(raw, 5));
    expect(show(a)).toEqual({ bids: [['100', '1'], ['99', '2'], ['98', '3'], ['97', '4']], asks: [['101', '1'], ['102', '2'], ['103', '3']] });
  });

  it('a number that is not finite is refused as before', () => {
    const copier = new BookCopier('binance', 5);
    copier.copy('BTC/USDT', { bids: [[100, 1]], asks: [[101, 1]] }, 1);
    expect(() => copier.copy('BTC/USDT', { bids: [[100, Number.NaN]], asks: [[101, 1]] }, 2)).toThrow(/not a finite number: NaN/);
    expect(() => copier.copy('BTC/USDT', { bids: [[100, 1]], asks: [[Number.POSITIVE_INFINITY, 1]] }, 2)).toThrow(/not a finite number/);
  });

  it('the copy\'s own shape verdict (on the raw numbers) is the Decimal check\'s: unsorted, equal neighbours, locked and crossed books', () => {
    // Prices near each other (shared values, float artefacts like 0.30000000000000004) so that
    // equal neighbours, a locked top (bid = ask) and one-ulp inversions are drawn often.
    const price = fc.constantFrom(0.1, 0.2, 0.3, 0.30000000000000004, 1e-8, 1.1e-8, 64000, 64000.01, 64000.010000000002, 99.5, 100);
    const side = fc.array(fc.tuple(price, fc.double({ min: 1e-8, max: 50, noNaN: true })), { maxLength: 6 });
    const sorted = (levels: RawLevel[], falling: boolean) => [...levels].sort((x, y) => (falling ? y[0] - x[0] : x[0] - y[0]));
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.tuple(side, side, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 8 }),
      (depth, rounds) => {
        const copier = new BookCopier('binance', depth);
        for (const [bids, asks, sortBids, sortAsks] of rounds) {
          const raw: Raw = { bids: sortBids ? sorted(bids, true) : bids, asks: sortAsks ? sorted(asks, false) : asks };
          const copy = copier.copy('BTC/USDT', raw, 1);
          expect({ sound: copier.lastSound, copy: show(copy) }).toEqual({ sound: bookShapeProblem(copy) === undefined, copy: show(copy) });
        }
      },
    ), { numRuns: 400 });
  });
});
