import fc from 'fast-check';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { Market } from '../../domain/market';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import { PaperTrading } from '../../adapters/paper/paper-trading';

/**
 * Properties of the paper engine over random books and orders: fills equal an independent walk
 * of the crossing levels, balances change by exactly the fills and fees, FOK is all or nothing,
 * and nothing is ever created or lost.
 */
const market: Market = {
  exchange: 'kraken', symbol: 'ETH/USD', base: 'ETH', quote: 'USD', id: 'ETH/USD', amountStep: d('0.0001'), priceTick: d('0.01'),
  minAmount: d('0.0001'), minNotional: d('0'), takerFee: d('0.0026'), makerFee: d('0.0016'), active: true,
};
function d(x: string | number) {
  return new Decimal(x);
}

// Prices in cents, amounts in 1e-4 units: on the market's grid by construction.
const level = fc.record({ cents: fc.integer({ min: 1, max: 500_000 }), units: fc.integer({ min: 1, max: 50_000 }) });
const side = (asc: boolean) =>
  fc.uniqueArray(level, { selector: (l) => l.cents, maxLength: 12 }).map((ls) =>
    ls.sort((a, b) => (asc ? a.cents - b.cents : b.cents - a.cents)).map((l): BookLevel => ({ price: d(l.cents).div(100), amount: d(l.units).div(10_000) })),
  );
const orderArb = fc.record({
  side: fc.constantFrom('buy' as const, 'sell' as const),
  type: fc.constantFrom('ioc' as const, 'fok' as const),
  units: fc.integer({ min: 1, max: 200_000 }),
  limitCents: fc.integer({ min: 1, max: 500_000 }),
});

/** The reference: the crossing prefix of the taker side, walked by hand. */
function reference(levels: BookLevel[], buy: boolean, limit: Decimal, amount: Decimal) {
  let left = amount;
  let cost = ZERO;
  for (const l of levels) {
    if (buy ? l.price.gt(limit) : l.price.lt(limit)) break;
    const take = Decimal.min(left, l.amount);
    cost = cost.plus(take.times(l.price));
    left = left.minus(take);
    if (left.isZero()) break;
  }
  return { filled: amount.minus(left), cost };
}

test('fills and balances match an independent walk, to the last digit', async () => {
  await fc.assert(
    fc.asyncProperty(side(true), side(false), orderArb, async (asks, bids, o) => {
      const book: OrderBook = { exchange: 'kraken', symbol: 'ETH/USD', receivedAt: 0, asks, bids };
      const start = { USD: d('1000000000'), ETH: d('100') };
      const paper = new PaperTrading({ exchange: 'kraken', markets: [market], books: () => book, initialBalances: start, clock: { now: () => 0 }, sleep: async () => undefined });
      const amount = d(o.units).div(10_000);
      const limit = d(o.limitCents).div(100);
      const outcome = await paper.placeOrder({ exchange: 'kraken', symbol: 'ETH/USD', side: o.side, type: o.type, amount, price: limit });
      const ref = reference(o.side === 'buy' ? asks : bids, o.side === 'buy', limit, amount);
      const after = (await paper.balances()).assets;
      if (outcome.status === 'rejected') {
        const takerSide = o.side === 'buy' ? asks : bids;
        // Balances are ample, so a rejection is an empty side, a FOK short of depth, or nothing crossing.
        const expectedCode = takerSide.length === 0 ? 'EXCHANGE_UNAVAILABLE' : 'NO_FILL';
        expect(o.type === 'fok' ? ref.filled.lt(amount) : ref.filled.isZero()).toBe(true);
        expect(outcome.code).toBe(expectedCode);
        expect(after.USD!.total.eq(start.USD) && after.ETH!.total.eq(start.ETH)).toBe(true);
        return;
      }
      expect(outcome.filled.eq(ref.filled)).toBe(true);
      expect(outcome.cost.eq(ref.cost)).toBe(true);
      if (o.type === 'fok') expect(outcome.filled.eq(amount)).toBe(true);
      expect(outcome.orderStatus).toBe(outcome.filled.eq(amount) ? 'closed' : 'canceled');
      const fee = ref.cost.times('0.0026');
      expect(outcome.fees[0]!.amount.eq(fee)).toBe(true);
      const sumFills = outcome.fills.reduce((a, f) => a.plus(f.amount), ZERO);
      const sumFees = outcome.fills.reduce((a, f) => a.plus(f.fee), ZERO);
      expect(sumFills.eq(outcome.filled) && sumFees.eq(fee)).toBe(true);
      const sign = o.side === 'buy' ? 1 : -1;
      expect(after.ETH!.free.eq(start.ETH.plus(ref.filled.times(sign)))).toBe(true);
      expect(after.USD!.free.eq(start.USD.minus(ref.cost.times(sign)).minus(fee))).toBe(true);
      expect(after.USD!.used.isZero() && after.ETH!.used.isZero()).toBe(true);
    }),
    { numRuns: 300 },
  );
});
