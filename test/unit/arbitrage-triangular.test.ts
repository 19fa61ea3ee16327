import { ONE } from '../../domain/money/decimal';
import {
  buildTriGraph, cycleReturnEstimate, evaluateCycle, feesFromMarkets, prefilterCycles, TopOfBook,
  type MarketBook, type TriCycle, type TriGraph,
} from '../../domain/arbitrage';
import { d, market, mb } from './arbitrage-fixtures';

const params = { thresholdPercent: d('0.5'), depthLevels: 5, depthMultiple: d('2.5'), minTradeUsd: d('20') };

function booksFor(graph: TriGraph, c: TriCycle, all: Map<string, MarketBook>): [MarketBook, MarketBook, MarketBook] {
  return c.legs.map((l) => all.get(graph.markets[l.market]!.symbol)!) as [MarketBook, MarketBook, MarketBook];
}

describe('triangular profit (known answer)', () => {
  const ms = [
    market('binance', 'BTC/USDT', { step: '0.0001' }),
    market('binance', 'SOL/BTC', { step: '0.01' }),
    market('binance', 'SOL/USDT', { step: '0.01' }),
  ];
  const books = new Map<string, MarketBook>([
    ['BTC/USDT', mb(ms[0]!, [['19990', '0.5']], [['20000', '0.5']])],
    ['SOL/BTC', mb(ms[1]!, [['0.00099', '1000']], [['0.001', '1000']])],
    ['SOL/USDT', mb(ms[2]!, [['20.5', '1000']], [['20.6', '1000']])],
  ]);
  const graph = buildTriGraph(ms, ['USDT']);

  it('finds both directions of the one triangle', () => {
    expect(graph.cycles.map((c) => c.path).sort()).toEqual(['USDT>BTC>SOL>USDT', 'USDT>SOL>BTC>USDT']);
    expect(graph.cyclesByMarket.map((l) => l.length)).toEqual([2, 2, 2]);
  });

  it('walks each leg on the right side, rounds to steps and pays fees, to the last digit', () => {
    const c = graph.cycles.find((x) => x.path === 'USDT>BTC>SOL>USDT')!;
    const ev = evaluateCycle({ cycle: c, books: booksFor(graph, c, books), startFree: d('5000'), capitalUsd: d('1000'), usdPerStart: ONE, fee: feesFromMarkets(ms), params });
    // Leg 1 buy BTC/USDT at 20000: 1000 / 20000 = 0.05 BTC (on step 0.0001), fee 0.1 % -> 0.04995 BTC
    // Leg 2 buy SOL/BTC at 0.001: 0.04995 / 0.001 = 49.95 SOL (step 0.01), fee -> 49.90005 SOL
    // Leg 3 sell SOL/USDT at 20.5: 49.90005 -> 49.90 (step 0.01) x 20.5 = 1022.95, fee 1.02295 -> 1021.92705 USDT
    expect(ev.legs.map((l) => [l.side, l.amount.toFixed(), l.received.toFixed()])).toEqual([
      ['buy', '0.05', '0.04995'], ['buy', '49.95', '49.90005'], ['sell', '49.9', '1021.92705'],
    ]);
    expect(ev.size.toFixed()).toBe('1000');
    expect(ev.netProfit.toFixed()).toBe('21.92705');
    expect(ev.netPercent.toFixed()).toBe('2.192705');
    // Without fees: 0.05 BTC -> 50 SOL -> 1025 USDT: +25 (2.5 %)
    expect(ev.grossProfit.toFixed()).toBe('25');
    expect(ev.grossPercent.toFixed()).toBe('2.5');
    expect(ev.rejection).toBeUndefined();
  });

  it('rejects the reverse direction below threshold', () => {
    const c = graph.cycles.find((x) => x.path === 'USDT>SOL>BTC>USDT')!;
    const ev = evaluateCycle({ cycle: c, books: booksFor(graph, c, books), startFree: d('5000'), capitalUsd: d('1000'), usdPerStart: ONE, fee: feesFromMarkets(ms), params });
    expect(ev.rejection?.code).toBe('NET_BELOW_THRESHOLD');
    expect(ev.rejection?.message).toMatch(/^NET_BELOW_THRESHOLD: net=-\d+\.\d{4}% threshold=0\.50% /);
  });
});

describe('a triangle through a non-obvious path', () => {
  // Nine-pair markets plus alt markets; the only mispricing is ADA/ETH (bid 0.000205 where
  // ADA/USDT / ETH/USDT says 0.0002), reachable only as USDT -> ADA -> ETH -> USDT.
  const ms = [
    ['BTC/USDT', '19999', '20001'], ['ETH/USDT', '1499.9', '1500'], ['ETH/BTC', '0.07499', '0.07501'],
    ['ADA/USDT', '0.2999', '0.3'], ['ADA/BTC', '0.0000149', '0.0000151'], ['ADA/ETH', '0.000205', '0.000206'],
    ['XRP/USDT', '0.3999', '0.4'], ['XRP/BTC', '0.0000199', '0.0000201'],
  ] as const;
  const markets = ms.map(([s]) => market('binance', s, { step: '0.0001' }));
  const books = new Map<string, MarketBook>(ms.map(([s, bid, ask], k) => [s, mb(markets[k]!, [[bid, '100000']], [[ask, '100000']])] as const));
  const graph = buildTriGraph(markets, ['USDT', 'BTC']);

  it('prefilters every cycle with floats, then confirms the one winner in Decimal', () => {
    const top = new TopOfBook(graph.markets.length);
    graph.markets.forEach((m, k) => {
      const b = books.get(m.symbol)!.book;
      top.bid[k] = b.bids[0]!.price.toNumber();
      top.ask[k] = b.asks[0]!.price.toNumber();
      top.keep[k] = 1 - m.takerFee.toNumber();
    });
    const survivors = prefilterCycles(graph, top, graph.cycles.map((c) => c.id), 1.005);
    const accepted = survivors
      .map((id) => graph.cycles[id]!)
      .map((c) => ({ c, ev: evaluateCycle({ cycle: c, books: booksFor(graph, c, books), startFree: d('1000'), capitalUsd: d('1000'), usdPerStart: c.start === 'USDT' ? ONE : d('20000'), fee: feesFromMarkets(markets), params }) }))
      .filter((x) => !x.ev.rejection);
    expect(graph.cycles.length).toBeGreaterThan(10);
    // The same mispricing is reachable from both held currencies, and through nothing else.
    expect(accepted.map((x) => x.c.path).sort()).toEqual(['BTC>ADA>ETH>BTC', 'USDT>ADA>ETH>USDT']);
    // 1/0.3 x 0.000205 x 1499.9 = 1.02493..., fees 0.999^3 -> about +2.19 %
    const usdt = accepted.find((x) => x.c.start === 'USDT')!;
    const estimate = cycleReturnEstimate(usdt.c, top);
    expect(estimate).toBeCloseTo(1.0249317 * 0.997002999, 6);
    // The exact walk loses step-rounding dust: never better than the float upper bound.
    expect(usdt.ev.netPercent.toFixed(1)).toBe('2.2');
    expect(usdt.ev.netPercent.lte((estimate - 1) * 100)).toBe(true);
  });
});
