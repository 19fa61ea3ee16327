import { Decimal } from '../../domain/money/decimal';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { findCheapestConversion, findPaths, simulateLeg } from '../../domain/conversion';

const d = (s: string) => new Decimal(s);
type Lv = [string, string];

function market(symbol: string, amountStep: string, extra: Partial<Market> = {}): Market {
  const [base, quote] = symbol.split('/') as [string, string];
  return {
    exchange: 'binance', symbol, base, quote, id: symbol.replace('/', ''),
    amountStep: d(amountStep), priceTick: d('0.0001'), minAmount: d(amountStep), minNotional: d('5'),
    takerFee: d('0.001'), makerFee: d('0.001'), active: true, ...extra,
  };
}
function book(symbol: string, bids: Lv[], asks: Lv[]): OrderBook {
  const lv = (l: Lv[]) => l.map(([p, a]) => ({ price: d(p), amount: d(a) }));
  return { exchange: 'binance', symbol, bids: lv(bids), asks: lv(asks), receivedAt: 0 };
}

// A thin direct USDC/USDT book next to deep BTC books: the 2-hop route via BTC must win.
const MARKETS = [market('USDC/USDT', '1'), market('BTC/USDT', '0.00001'), market('BTC/USDC', '0.00001'), market('ETH/USDT', '0.0001')];
const BOOKS = new Map([
  ['USDC/USDT', book('USDC/USDT', [['0.999', '10000']], [['1.001', '300'], ['1.005', '300'], ['1.02', '10000']])],
  ['BTC/USDT', book('BTC/USDT', [['49990', '1']], [['50000', '1']])],
  ['BTC/USDC', book('BTC/USDC', [['49995', '1']], [['50005', '1']])],
  // ETH/USDT has no book: it must not even be a candidate.
]);

describe('conversion legs', () => {
  it('sells base into the bids level by level, fee taken from the quote received', () => {
    const m = market('BTC/USDT', '0.00001');
    const b = book('BTC/USDT', [['50000', '0.2'], ['49900', '0.5']], [['50010', '1']]);
    const r = simulateLeg(m, b, 'BTC', d('0.5'), d('0.001'));
    if (!r.ok) throw new Error(r.reason);
    expect(r.leg.side).toBe('sell');
    expect(r.leg.vwap.toFixed()).toBe('49940');
    expect(r.leg.worstPrice.toFixed()).toBe('49900');
    expect(r.leg.fee.toFixed()).toBe('24.97');
    expect(r.leg.amountOut.toFixed()).toBe('24945.03');
    expect(r.leg.midPrice.toFixed()).toBe('50005');
    expect(r.leg.slippagePercent.toFixed(6)).toBe('0.129987');
  });

  it('rejects with a reason: thin book, below minimum, inactive market', () => {
    const m = market('BTC/USDT', '0.00001');
    const thin = simulateLeg(m, book('BTC/USDT', [['50000', '0.1']], [['50010', '0.1']]), 'BTC', d('0.5'), d('0.001'));
    expect(thin).toEqual({ ok: false, reason: 'BTC/USDT bids hold 0.1 BTC, need 0.5' });
    const tiny = simulateLeg(m, BOOKS.get('BTC/USDT')!, 'USDT', d('4'), d('0.001'));
    expect(tiny.ok).toBe(false);
    expect(!tiny.ok && tiny.reason).toMatch(/below the minimum notional 5/);
    const off = simulateLeg(market('BTC/USDT', '0.00001', { active: false }), BOOKS.get('BTC/USDT')!, 'USDT', d('100'), d('0.001'));
    expect(off).toEqual({ ok: false, reason: 'BTC/USDT is not active' });
  });
});

describe('cheapest conversion route', () => {
  it('finds direct and 2-hop paths, never a market without a book, never beyond 3 hops', () => {
    const withBooks = MARKETS.filter((m) => BOOKS.has(m.symbol));
    expect(findPaths(withBooks, 'USDT', 'USDC', 3).map((p) => p.markets.map((m) => m.symbol))).toEqual([
      ['USDC/USDT'],
      ['BTC/USDT', 'BTC/USDC'],
    ]);
    expect(findPaths(withBooks, 'USDT', 'USDC', 1)).toHaveLength(1);
    const chain = [market('A/B', '1'), market('B/C', '1'), market('C/D', '1'), market('D/E', '1')];
    expect(findPaths(chain, 'A', 'D', 3)).toHaveLength(1);
    expect(findPaths(chain, 'A', 'E', 3)).toHaveLength(0);
  });

  it('prefers USDT -> BTC -> USDC over a thin direct USDC/USDT book (hand-computed)', () => {
    const r = findCheapestConversion({ markets: MARKETS, books: BOOKS, from: 'USDT', to: 'USDC', amount: d('1000'), toUsdPrice: d('1'), parRate: d('1') });
    if (!r.ok) throw new Error(r.reason);
    const best = r.best;
    expect(best.legs.map((l) => [l.symbol, l.side, l.orderAmount.toFixed(), l.worstPrice.toFixed()])).toEqual([
      ['BTC/USDT', 'buy', '0.02', '50000'],
      ['BTC/USDC', 'sell', '0.01998', '49995'],
    ]);
    // leg 1: 1000 USDT buys 0.02 BTC, fee 0.00002 BTC; leg 2: 0.01998 x 49995 = 998.9001, fee 0.9989001
    expect(best.amountOut.toFixed()).toBe('997.9011999');
    expect(best.costVsPar!.amount.toFixed()).toBe('2.0988001');
    expect(best.costVsPar!.percent.toFixed()).toBe('0.20988001');
    // fees valued at mid: 0.00002 BTC x 50000 + 0.9989001 USDC
    expect(best.fees.amount.toFixed()).toBe('1.9989001');
    // ideal at mid: 1000 / 49995 x 50000
    expect(best.idealOut.toFixed(10)).toBe('1000.1000100010');
    expect(best.cost.amount.toFixed(10)).toBe('2.1988101010');
    expect(best.slippage.amount.plus(best.fees.amount).eq(best.cost.amount)).toBe(true);
    expect(best.leftovers).toEqual([]);

    // The direct route is still reported, with its own hand-computed figures:
    // 1000 USDT buys 990.39 USDC by budget, rounded down to the 1-unit step -> 990 USDC for
    // 300.3 + 301.5 + 397.8 = 999.6 USDT (0.4 USDT left over), fee 0.99 USDC -> 989.01 out.
    const direct = r.alternatives.find((x) => x.legs.length === 1)!;
    expect(direct.amountOut.toFixed()).toBe('989.01');
    expect(direct.leftovers).toEqual([{ asset: 'USDT', amount: d('0.4') }]);
    expect(direct.legs[0]!.worstPrice.toFixed()).toBe('1.02');
    expect(direct.cost.amount.toFixed()).toBe('10.59');
    expect(direct.cost.usd.toFixed()).toBe('10.59');
    expect(direct.slippage.amount.toFixed()).toBe('9.6');
    expect(best.cost.amount.lt(direct.cost.amount)).toBe(true);
  });

  it('takes the direct route when its book is deep', () => {
    const deep = new Map(BOOKS);
    deep.set('USDC/USDT', book('USDC/USDT', [['0.9999', '100000']], [['1.0001', '100000']]));
    const r = findCheapestConversion({ markets: MARKETS, books: deep, from: 'USDT', to: 'USDC', amount: d('1000'), toUsdPrice: d('1') });
    if (!r.ok) throw new Error(r.reason);
    expect(r.best.legs.map((l) => l.symbol)).toEqual(['USDC/USDT']);
  });

  it('rejects a route that lacks depth and says why; refuses when none is left', () => {
    const thin = new Map([['USDC/USDT', book('USDC/USDT', [['0.999', '10']], [['1.001', '100']])]]);
    const r = findCheapestConversion({ markets: MARKETS, books: thin, from: 'USDT', to: 'USDC', amount: d('1000'), toUsdPrice: d('1') });
    expect(r.ok).toBe(false);
    expect(r.rejected).toEqual([{ symbols: ['USDC/USDT'], reason: 'leg 1: USDC/USDT asks absorb 100.1 USDT, need 1000' }]);

    const viaBtcThin = new Map(BOOKS);
    viaBtcThin.set('BTC/USDC', book('BTC/USDC', [['49995', '0.001']], [['50005', '1']]));
    const r2 = findCheapestConversion({ markets: MARKETS, books: viaBtcThin, from: 'USDT', to: 'USDC', amount: d('1000'), toUsdPrice: d('1') });
    if (!r2.ok) throw new Error(r2.reason);
    expect(r2.best.legs.map((l) => l.symbol)).toEqual(['USDC/USDT']);
    expect(r2.rejected[0]!.reason).toBe('leg 2: BTC/USDC bids hold 0.001 BTC, need 0.01998');
  });

  it('refuses nonsense requests with a reason', () => {
    const base = { markets: MARKETS, books: BOOKS, toUsdPrice: d('1') };
    expect(findCheapestConversion({ ...base, from: 'USDT', to: 'USDT', amount: d('1') })).toMatchObject({ ok: false, reason: expect.stringMatching(/to itself/) });
    expect(findCheapestConversion({ ...base, from: 'USDT', to: 'USDC', amount: d('0') })).toMatchObject({ ok: false, reason: expect.stringMatching(/positive/) });
    expect(findCheapestConversion({ ...base, from: 'USDT', to: 'DOGE', amount: d('1') })).toMatchObject({ ok: false, reason: expect.stringMatching(/no market path/) });
    expect(() => findCheapestConversion({ ...base, from: 'USDT', to: 'USDC', amount: d('1'), maxHops: 4 })).toThrow(/maxHops/);
  });
});
