import {
  candlesFromTrades, closesVsValueArea, cvdDivergence, cvdSeries, dailyCandlePosition, priceVsValueArea, spreadFraction, spreadVsNorm,
  topLevelImbalance, volumeProfile, whaleOrders, whaleTrades,
} from '../../domain/market-context';
import { candle, D, DAY, trade } from './market-context-fixtures';

const lvl = (price: number, amount: number) => ({ price: D(price), amount: D(amount) });

describe('daily candle position', () => {
  // d1..d3 complete days, d4 today.            range  true range (vs previous close)
  const days = [
    candle(1 * DAY, 100, 110, 95, 105), //        15     15 (no previous)
    candle(2 * DAY, 105, 112, 100, 108), //       12     max(12, |112-105|=7, |100-105|=5) = 12
    candle(3 * DAY, 108, 109, 90, 95), //         19     max(19, 1, 18) = 19
    candle(4 * DAY, 100, 130, 98, 125), //        32     max(32, |130-95|=35, |98-95|=3) = 35 (gap)
  ];
  const now = 4 * DAY + 5 * 3_600_000;

  it('places the price in today and yesterday, with an ATR-like range ratio', () => {
    const p = dailyCandlePosition(days, D(122), now, 3)!;
    expect(p.current.openTime).toBe(4 * DAY);
    expect(p.previous?.openTime).toBe(3 * DAY);
    expect(p.range.toFixed()).toBe('32');
    // (122 - 98) / 32 = 24 / 32
    expect(p.position.toFixed()).toBe('0.75');
    // (122 - 90) / 19 = 32 / 19 = 1.6842...
    expect(p.positionInPrevious!.toFixed(4)).toBe('1.6842');
    expect(p.trueRange.toFixed()).toBe('35');
    // mean(15, 12, 19) = 46/3; 35 / (46/3) = 105/46 = 2.28260...
    expect(p.averageTrueRange!.toFixed(4)).toBe('15.3333');
    expect(p.rangeRatio!.toFixed(4)).toBe('2.2826');
  });

  it('averages only the last averageDays complete days', () => {
    // mean(12, 19) = 15.5; 35 / 15.5 = 2.2580...
    const p = dailyCandlePosition(days, D(122), now, 2)!;
    expect(p.averageTrueRange!.toFixed()).toBe('15.5');
    expect(p.rangeRatio!.toFixed(4)).toBe('2.2581');
  });

  it('clamps the position, reads a flat day as 0.5, and needs today', () => {
    expect(dailyCandlePosition(days, D(140), now, 3)!.position.toFixed()).toBe('1');
    expect(dailyCandlePosition(days, D(50), now, 3)!.position.toFixed()).toBe('0');
    const flat = [candle(4 * DAY, 100, 100, 100, 100)];
    const p = dailyCandlePosition(flat, D(100), now, 3)!;
    expect(p.position.toFixed()).toBe('0.5');
    expect(p.previous).toBeUndefined();
    expect(p.rangeRatio).toBeUndefined();
    expect(dailyCandlePosition(days.slice(0, 3), D(100), now, 3)).toBeUndefined();
  });

  it('does not take a non-adjacent day as yesterday', () => {
    const gap = [candle(1 * DAY, 100, 110, 95, 105), candle(4 * DAY, 100, 104, 98, 101)];
    const p = dailyCandlePosition(gap, D(101), now, 3)!;
    expect(p.previous).toBeUndefined();
    // true range still uses the last known close: max(6, |104-105|, |98-105|=7) = 7; 7 / 15
    expect(p.rangeRatio!.toFixed(4)).toBe('0.4667');
  });

  it('builds UTC daily candles from trades', () => {
    const c = candlesFromTrades([
      trade(100, 1, 'buy', DAY + 1000), trade(104, 2, 'sell', DAY + 2000), trade(99, '0.5', 'buy', DAY + 3000),
      trade(101, 1, 'sell', 2 * DAY + 10),
    ], DAY);
    expect(c).toHaveLength(2);
    expect([c[0]!.openTime, c[0]!.open, c[0]!.high, c[0]!.low, c[0]!.close, c[0]!.volume].map(String)).toEqual([String(DAY), '100', '104', '99', '99', '3.5']);
    expect([c[1]!.openTime, c[1]!.open, c[1]!.close, c[1]!.volume].map(String)).toEqual([String(2 * DAY), '101', '101', '1']);
  });
});

describe('CVD', () => {
  const rally = [trade(100, 2, 'buy'), trade(101, 1, 'sell'), trade(102, 3, 'sell'), trade(103, '0.5', 'buy')];

  it('accumulates taker buy minus taker sell volume', () => {
    // +2, -1, -3, +0.5
    expect(cvdSeries(rally).map((p) => p.cvd.toFixed())).toEqual(['2', '1', '-2', '-1.5']);
  });

  it('flags price up with CVD down as bearish divergence', () => {
    const s = cvdDivergence(rally, D('0.001'))!;
    expect(s.buyVolume.toFixed()).toBe('2.5');
    expect(s.sellVolume.toFixed()).toBe('4');
    expect(s.delta.toFixed()).toBe('-1.5');
    expect(s.priceChange.toFixed()).toBe('0.03'); // (103 - 100) / 100
    expect(s.divergence).toBe('bearish');
  });

  it('flags price down with CVD up as bullish divergence', () => {
    // delta = 1 - 0.2 + 1 = 1.8; change (98 - 100) / 100 = -0.02
    const s = cvdDivergence([trade(100, 1, 'buy'), trade(99, '0.2', 'sell'), trade(98, 1, 'buy')], D('0.001'))!;
    expect(s.delta.toFixed()).toBe('1.8');
    expect(s.divergence).toBe('bullish');
  });

  it('ignores a move below the minimum and agreeing flow', () => {
    // (100.05 - 100) / 100 = 0.0005 < 0.001
    expect(cvdDivergence([trade(100, 1, 'sell'), trade('100.05', 1, 'sell')], D('0.001'))!.divergence).toBe('none');
    expect(cvdDivergence([trade(100, 1, 'buy'), trade(103, 1, 'buy')], D('0.001'))!.divergence).toBe('none');
    expect(cvdDivergence([], D('0.001'))).toBeUndefined();
  });
});

describe('whale activity', () => {
  it('counts trades above multiple x median size, by side', () => {
    // sizes sorted: 1 1 1 1 2 25 30 40 -> median (1 + 2) / 2 = 1.5; x10 = 15
    const ts = [1, 1, 2, 1].map((a) => trade(100, a, 'buy'));
    ts.push(trade(100, 30, 'sell'), trade(100, 1, 'sell'), trade(100, 25, 'buy'), trade(100, 40, 'sell'));
    const w = whaleTrades(ts, D(10))!;
    expect(w.medianSize.toFixed()).toBe('1.5');
    expect(w.threshold.toFixed()).toBe('15');
    expect([w.buys, w.sells]).toEqual([1, 2]);
    expect(w.buyVolume.toFixed()).toBe('25');
    expect(w.sellVolume.toFixed()).toBe('70');
  });

  it('does not count a trade exactly at the threshold', () => {
    // sizes 1 1 10: median 1, x10 = 10; 10 is not larger
    const w = whaleTrades([trade(1, 1, 'buy'), trade(1, 1, 'buy'), trade(1, 10, 'sell')], D(10))!;
    expect(w.sells).toBe(0);
  });

  it('finds walls in the book against the median level size', () => {
    const book = { bids: [lvl(99, 1), lvl(98, 2), lvl(97, 50), lvl(96, 1), lvl(95, 1)], asks: [lvl(101, 2), lvl(102, 1), lvl(103, 1), lvl(104, 40), lvl(105, 60)] };
    // 10 levels sorted: 1 1 1 1 1 2 2 40 50 60 -> median 1.5; x10 = 15
    const all = whaleOrders(book, D(10), 5)!;
    expect([all.bidWalls, all.askWalls]).toEqual([1, 2]);
    expect(all.bidWallVolume.toFixed()).toBe('50');
    expect(all.askWallVolume.toFixed()).toBe('100');
    // top 3: 1 2 50 | 2 1 1 -> sorted 1 1 1 2 2 50 -> median 1.5
    const top = whaleOrders(book, D(10), 3)!;
    expect([top.bidWalls, top.askWalls]).toEqual([1, 0]);
  });
});

describe('book analysis', () => {
  const book = { bids: [lvl(100, 3), lvl(99, 1), lvl(98, 4)], asks: [lvl(101, 1), lvl(102, 1), lvl(103, 2)] };

  it('measures top-level imbalance', () => {
    expect(topLevelImbalance(book, 1).toFixed()).toBe('0.5'); // (3 - 1) / 4
    expect(topLevelImbalance(book, 3).toFixed(6)).toBe('0.333333'); // (8 - 4) / 12
    expect(topLevelImbalance({ bids: [], asks: [] }, 5).toFixed()).toBe('0');
    expect(topLevelImbalance({ bids: [], asks: [lvl(1, 1)] }, 5).toFixed()).toBe('-1');
  });

  it('measures the spread and compares it with its rolling median', () => {
    // (101 - 100) / 100.5 = 2 / 201
    expect(spreadFraction(book)!.toFixed(8)).toBe('0.00995025');
    expect(spreadFraction({ bids: [], asks: book.asks })).toBeUndefined();
    // median of 0.001 0.001 0.001 0.002 = 0.001; 0.003 / 0.001 = 3
    expect(spreadVsNorm(D('0.003'), ['0.001', '0.002', '0.001', '0.001'].map(D))!.toFixed()).toBe('3');
    expect(spreadVsNorm(D('0.003'), [])).toBeUndefined();
  });
});

describe('volume profile', () => {
  it('finds the POC and expands the 70 % value area by pairs', () => {
    // 100..110 in 5 buckets of 2: [100,102) [102,104) [104,106) [106,108) [108,110]
    const p = volumeProfile([
      trade(100, 1, 'buy'), trade(101, 2, 'sell'), //    bucket 0: 3
      trade(102, 1, 'buy'), trade(103, 3, 'buy'), //     bucket 1: 4 (102 on a boundary goes up)
      trade(104, 10, 'sell'), trade(105, 2, 'buy'), //   bucket 2: 12  <- POC
      trade(107, 4, 'buy'), //                           bucket 3: 4
      trade(110, 1, 'sell'), trade(109, 1, 'buy'), //    bucket 4: 2 (the top price is in the last bucket)
    ], 5, D('0.7'))!;
    expect(p.buckets.map((b) => b.volume.toFixed())).toEqual(['3', '4', '12', '4', '2']);
    expect(p.totalVolume.toFixed()).toBe('25');
    expect(p.pocIndex).toBe(2);
    expect(p.pointOfControl.toFixed()).toBe('105');
    // target 0.7 x 25 = 17.5. Area 12; pairs: up 4+2 = 6, down 4+3 = 7 -> down: 19 >= 17.5
    expect(p.valueAreaVolume.toFixed()).toBe('19');
    expect([p.valueAreaLow.toFixed(), p.valueAreaHigh.toFixed()]).toEqual(['100', '106']);
    expect(priceVsValueArea(p, D(107))).toBe('above');
    expect(priceVsValueArea(p, D('99.9'))).toBe('below');
    expect(priceVsValueArea(p, D(106))).toBe('inside');
  });

  it('breaks a POC tie to the lower price and expands up from an edge', () => {
    // 100..108 in 4 buckets of 2: volumes 5 5 1 1; POC tie -> bucket 0; target 8.4;
    // no pair below, up pair 5 + 1 = 6 -> area 11, value area [100, 106]
    const p = volumeProfile([trade(100, 5, 'buy'), trade(103, 5, 'buy'), trade(105, 1, 'buy'), trade(108, 1, 'buy')], 4, D('0.7'))!;
    expect(p.pocIndex).toBe(0);
    expect(p.pointOfControl.toFixed()).toBe('101');
    expect(p.valueAreaVolume.toFixed()).toBe('11');
    expect([p.valueAreaLow.toFixed(), p.valueAreaHigh.toFixed()]).toEqual(['100', '106']);
  });

  it('handles a single price and no trades', () => {
    const p = volumeProfile([trade(50, 1, 'buy'), trade(50, 2, 'sell')], 10, D('0.7'))!;
    expect(p.buckets).toHaveLength(1);
    expect([p.valueAreaLow.toFixed(), p.valueAreaHigh.toFixed(), p.pointOfControl.toFixed()]).toEqual(['50', '50', '50']);
    expect(volumeProfile([], 10, D('0.7'))).toBeUndefined();
  });
});

describe('acceptance outside the value area', () => {
  // value area [100, 106] as in the first profile test
  const p = volumeProfile([trade(100, 3, 'buy'), trade(102, 4, 'buy'), trade(104, 12, 'buy'), trade(107, 4, 'buy'), trade(110, 2, 'buy')], 5, D('0.7'))!;

  it('needs every recent close outside on the same side', () => {
    expect([p.valueAreaLow.toFixed(), p.valueAreaHigh.toFixed()]).toEqual(['100', '106']);
    expect(closesVsValueArea(p, [107, 108, '106.5'].map(D))).toBe('above');
    expect(closesVsValueArea(p, [107, 105, 108].map(D))).toBe('inside');
    expect(closesVsValueArea(p, [99, '99.5'].map(D))).toBe('below');
    expect(closesVsValueArea(p, [])).toBe('inside');
  });
});
