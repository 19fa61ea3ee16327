import { Decimal } from '../../domain/money/decimal';
import {
  bestBuy, bestSell, buyQuote, chooseSeatWarmer, emptyCount, emptySlots, freeSlot, highestYield, planBuy, planSell,
  seatWarmerAction, sellQuote, slotBudgetUsd, type Slot, type SlotPosition, type YieldOption,
} from '../../domain/abot';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';

const RULES = { buyWhenEmptyMoreThan: 3, sellWhenEmptyFewerThan: 2 };
const D = (s: string) => new Decimal(s);
let seq = 0;
const pos = (coin: string, seatWarmer: boolean, openedSeq = ++seq): SlotPosition => ({
  coin, exchange: 'binance', amount: '1', costUsd: '100', seatWarmer, openedSeq, openedAt: 0, stake: null,
});
/** Six slots with `filled` positions (warmers or signal positions) from the left. */
const slotsWith = (filled: number, warmer: boolean): Slot[] => [
  ...Array.from({ length: filled }, (_, i) => pos(`C${i}`, warmer, i + 1)),
  ...emptySlots(6 - filled),
];

describe('seat warmer rule on every boundary (6 slots, buy when > 3 empty, sell when < 2 empty)', () => {
  // empty -> expected action with all filled slots being warmers
  const expected: Record<number, string> = { 0: 'sell 2', 1: 'sell 1', 2: 'none', 3: 'none', 4: 'buy 1', 5: 'buy 2', 6: 'buy 3' };
  for (let empty = 0; empty <= 6; empty += 1) {
    it(`${empty} empty -> ${expected[empty]}`, () => {
      const slots = slotsWith(6 - empty, true);
      expect(emptyCount(slots)).toBe(empty);
      const a = seatWarmerAction(slots, RULES);
      const got = a.kind === 'none' ? 'none' : a.kind === 'buy' ? `buy ${a.count}` : `sell ${a.slots.length}`;
      expect(got).toBe(expected[empty]);
    });
  }

  it('sells warmers first in, first out, never a signal position', () => {
    const slots: Slot[] = [pos('SIG1', false, 1), pos('W3', true, 7), pos('W1', true, 3), pos('SIG2', false, 2), pos('W2', true, 5), null];
    const a = seatWarmerAction(slots, RULES);
    expect(a).toEqual({ kind: 'sell', slots: [2] }); // W1, opened third
    const full = [...slots.slice(0, 5), pos('SIG3', false, 9)];
    expect(seatWarmerAction(full, RULES)).toEqual({ kind: 'sell', slots: [2, 4] }); // W1 then W2
  });

  it('with fewer than 2 empty but only signal positions there is nothing to sell', () => {
    expect(seatWarmerAction(slotsWith(6, false), RULES)).toEqual({ kind: 'none' });
  });

  it('inactive (GOLD mode): buys nothing, sells every warmer, keeps signal positions', () => {
    expect(seatWarmerAction(emptySlots(6), RULES, false)).toEqual({ kind: 'none' });
    const slots: Slot[] = [pos('SIG', false, 1), pos('W1', true, 2), null, pos('W2', true, 3), null, null];
    expect(seatWarmerAction(slots, RULES, false)).toEqual({ kind: 'sell', slots: [1, 3] });
  });
});

describe('buy and sell plans', () => {
  const universe = ['SOL', 'ETH', 'ADA', 'C0', 'C1', 'C2', 'C3', 'C4', 'C5'];
  it('takes the first free slot', () => {
    const slots: Slot[] = [pos('ETH', false), null, null, null, null, null];
    expect(freeSlot(slots)).toBe(1);
    expect(planBuy(slots, 'SOL', { active: true, universe })).toEqual({ kind: 'free', slot: 1 });
  });
  it('no free slot: evicts the oldest seat warmer', () => {
    const slots: Slot[] = [pos('C0', false, 1), pos('C1', true, 9), pos('C2', true, 4), pos('C3', false, 2), pos('C4', false, 3), pos('C5', false, 5)];
    expect(planBuy(slots, 'SOL', { active: true, universe })).toEqual({ kind: 'evict', slot: 2, coin: 'C2' });
  });
  it('no free slot and no seat warmer: rejected with a reason', () => {
    const p = planBuy(slotsWith(6, false), 'SOL', { active: true, universe });
    expect(p).toMatchObject({ kind: 'reject', code: 'NO_SLOT' });
    expect((p as { reason: string }).reason).toMatch(/no seat warmer/);
  });
  it('rejects when inactive, outside the universe, or already held by a signal', () => {
    expect(planBuy(emptySlots(6), 'SOL', { active: false, universe })).toMatchObject({ kind: 'reject', code: 'INACTIVE' });
    expect(planBuy(emptySlots(6), 'DOGE', { active: true, universe })).toMatchObject({ kind: 'reject', code: 'NOT_IN_UNIVERSE' });
    expect(planBuy([pos('SOL', false), ...emptySlots(5)], 'SOL', { active: true, universe })).toMatchObject({ kind: 'reject', code: 'ALREADY_HELD' });
    // a warmer of the same coin does not block a signal buy
    expect(planBuy([pos('SOL', true), ...emptySlots(5)], 'SOL', { active: true, universe })).toEqual({ kind: 'free', slot: 1 });
  });
  it('sell prefers the signal position of the coin; unknown coin is rejected', () => {
    const slots: Slot[] = [pos('SOL', true), pos('SOL', false), ...emptySlots(4)];
    expect(planSell(slots, 'SOL')).toEqual({ kind: 'sell', slot: 1 });
    expect(planSell(slots, 'ETH')).toMatchObject({ kind: 'reject' });
  });
});

describe('capital per slot', () => {
  it('is the A-bot share divided by six', () => {
    expect(slotBudgetUsd(D('9000'), D('15'), 6).toFixed()).toBe('225');
    expect(slotBudgetUsd(D('9000'), D('0'), 6).toFixed()).toBe('0');
  });
});

const market = (exchange: Market['exchange'], symbol: string, fee: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange, symbol, base, quote, id: symbol, amountStep: D('0.001'), priceTick: D('0.01'), minAmount: D('0.001'), minNotional: D('1'), takerFee: D(fee), makerFee: D(fee), active: true };
};
const book = (exchange: Market['exchange'], symbol: string, bid: string, ask: string, size = '100'): OrderBook => ({
  exchange, symbol, receivedAt: 0, bids: [{ price: D(bid), amount: D(size) }], asks: [{ price: D(ask), amount: D(size) }],
});

describe('best venue by net price', () => {
  it('a cheaper ask with a higher fee can lose to a dearer ask with a lower fee', () => {
    const a = buyQuote({ market: market('kraken', 'SOL/USD', '0.004'), book: book('kraken', 'SOL/USD', '99.8', '99.9'), takerFee: D('0.004'), quoteUsd: D('1') }, D('225'));
    const b = buyQuote({ market: market('binance', 'SOL/USDT', '0.001'), book: book('binance', 'SOL/USDT', '99.9', '100'), takerFee: D('0.001'), quoteUsd: D('1') }, D('225'));
    // kraken: 99.9 * 1.004 = 100.2996 per SOL; binance: 100 * 1.001 = 100.1
    expect(a!.netUsdPerUnit.toFixed()).toBe('100.2996');
    expect(b!.netUsdPerUnit.toFixed()).toBe('100.1');
    expect(bestBuy([a, b])!.exchange).toBe('binance');
    // the budget includes the fee: 225 / 1.001 spent on the book
    expect(b!.quoteSpent.times('1.001').toDecimalPlaces(20).toFixed()).toBe('225');
  });
  it('a book too thin for the size is not a candidate', () => {
    const thin = buyQuote({ market: market('coinbase', 'SOL/USD', '0'), book: book('coinbase', 'SOL/USD', '90', '91', '1'), takerFee: D('0'), quoteUsd: D('1') }, D('225'));
    expect(thin).toBeNull();
  });
  it('sells where the net proceeds are highest', () => {
    const a = sellQuote({ market: market('kraken', 'ETH/USD', '0.004'), book: book('kraken', 'ETH/USD', '3000', '3001'), takerFee: D('0.004'), quoteUsd: D('1') }, D('0.5'));
    const b = sellQuote({ market: market('binance', 'ETH/USDT', '0.001'), book: book('binance', 'ETH/USDT', '2995', '2996'), takerFee: D('0.001'), quoteUsd: D('1') }, D('0.5'));
    expect(a!.netUsdPerUnit.toFixed()).toBe('2988');
    expect(b!.netUsdPerUnit.toFixed()).toBe('2992.005');
    expect(bestSell([a, b])!.exchange).toBe('binance');
  });
});

describe('highest-yield staking choice', () => {
  const y = (exchange: YieldOption['exchange'], asset: string, apy: string, unbondingMs = 0, min = '0'): YieldOption => ({
    exchange, asset, productId: `${exchange}-${asset}-${apy}`, apy: D(apy), unbondingMs, minAmount: D(min),
  });
  const opts = [y('binance', 'SOL', '0.06', 2 * 86_400_000), y('kraken', 'SOL', '0.07', 4 * 86_400_000), y('kraken', 'DOT', '0.12', 28 * 86_400_000, '5'), y('binance', 'ETH', '0.03')];
  it('picks the highest APY per asset and exchange, respecting the minimum', () => {
    expect(highestYield(opts, { asset: 'SOL' })!.exchange).toBe('kraken');
    expect(highestYield(opts, { asset: 'SOL', exchange: 'binance' })!.apy.toFixed()).toBe('0.06');
    expect(highestYield(opts, { asset: 'DOT', amount: D('1') })).toBeNull();
    expect(highestYield(opts, { asset: 'BTC' })).toBeNull();
  });
  it('ties go to the shorter unbonding', () => {
    expect(highestYield([y('kraken', 'ADA', '0.05', 9), y('binance', 'ADA', '0.05', 1)])!.exchange).toBe('binance');
  });
  it('seat warmer: highest yield in the universe, preferring a coin not yet held', () => {
    const listed = ['SOL', 'DOT', 'ETH', 'BTC'];
    expect(chooseSeatWarmer(opts, ['SOL', 'DOT', 'ETH'], [], listed)!.asset).toBe('DOT');
    expect(chooseSeatWarmer(opts, ['SOL', 'DOT', 'ETH'], ['DOT'], listed)!.asset).toBe('SOL');
    expect(chooseSeatWarmer(opts, ['DOT'], ['DOT'], listed)!.asset).toBe('DOT');
    expect(chooseSeatWarmer(opts, ['BTC'], [], listed)).toBeNull();
  });
});

describe('slots being closed', () => {
  it('a warmer being sold counts as leaving: no second warmer is sold for the same gap', () => {
    const slots: Slot[] = [pos('S1', false, 1), pos('S2', false, 2), pos('S3', false, 3), pos('S4', false, 4), { ...pos('W1', true, 5), closing: true }, pos('W2', true, 6)];
    // 0 empty + 1 closing = 1 effective empty: sell one more (W2), never W1 again
    expect(seatWarmerAction(slots, RULES)).toEqual({ kind: 'sell', slots: [5] });
    const two: Slot[] = [...slots.slice(0, 4), { ...pos('W1', true, 5), closing: true }, null];
    expect(seatWarmerAction(two, RULES)).toEqual({ kind: 'none' });
  });
});
