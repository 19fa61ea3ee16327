import { assessContext, baselineContext, baselineSource, marketContextFromWire, marketContextToWire, wyckoffPhase } from '../../domain/market-context';
import type { ContextInputs, DailyPosition, WhaleTradeSummary } from '../../domain/market-context';
import { bounds, candle, D, policy } from './market-context-fixtures';

const rules = { trendFraction: D('0.5'), sidewaysFraction: D('0.25'), volumeBias: D('1.2'), minCandles: 3 };

describe('Wyckoff phase heuristic', () => {
  it('markup: up by >= half the range on up-volume', () => {
    // high 108, low 99, range 9; trend (107 - 100) / 9 = 0.78; up-volume 46, down 0
    const r = wyckoffPhase([candle(0, 100, 102, 99, 101, 10), candle(1, 101, 104, 100, 103, 12), candle(2, 103, 106, 102, 105, 15), candle(3, 105, 108, 104, 107, 9)], rules);
    expect(r.phase).toBe('markup');
    expect(r.trend.toFixed(4)).toBe('0.7778');
    expect(r.upVolume.toFixed()).toBe('46');
  });

  it('a rise on down-volume is unclear', () => {
    // range 107 - 99 = 8; trend (106 - 100) / 8 = 0.75; up 5 + 5 = 10 < down 20
    const r = wyckoffPhase([candle(0, 100, 103, 99, 99.5, 20), candle(1, 99.5, 105, 99.5, 104, 5), candle(2, 104, 107, 103, 106, 5)], rules);
    expect(r.trend.toFixed()).toBe('0.75');
    expect(r.phase).toBe('unclear');
  });

  it('markdown: down by >= half the range on down-volume', () => {
    // range 111 - 101 = 10; trend (102 - 110) / 10 = -0.8; down 30
    const r = wyckoffPhase([candle(0, 110, 111, 107, 108, 10), candle(1, 108, 109, 104, 105, 12), candle(2, 105, 106, 101, 102, 8)], rules);
    expect(r.trend.toFixed()).toBe('-0.8');
    expect(r.phase).toBe('markdown');
  });

  it('accumulation and distribution: a range with one side of volume dominant', () => {
    // range 104 - 98 = 6; trend (101 - 100) / 6 = 0.1667 <= 0.25; up 50 >= 1.2 x down 10
    const acc = wyckoffPhase([candle(0, 100, 104, 98, 102, 30), candle(1, 102, 103, 99, 100, 10), candle(2, 100, 103, 98, 101, 20)], rules);
    expect(acc.trend.toFixed(4)).toBe('0.1667');
    expect(acc.phase).toBe('accumulation');
    // trend (99 - 100) / 6 = -0.1667; down 50 >= 1.2 x up 10
    const dist = wyckoffPhase([candle(0, 100, 104, 98, 98.5, 30), candle(1, 98.5, 103, 98, 101, 10), candle(2, 101, 103, 98, 99, 20)], rules);
    expect(dist.phase).toBe('distribution');
    // up 20, down 20: balanced
    const bal = wyckoffPhase([candle(0, 100, 104, 98, 102, 20), candle(1, 102, 103, 99, 100, 20), candle(2, 100, 103, 98, 100, 5)], rules);
    expect(bal.phase).toBe('unclear');
  });

  it('between range and trend, too few candles, or flat: unclear', () => {
    // range 10 (100..110); trend (104 - 100) / 10 = 0.4
    const mid = wyckoffPhase([candle(0, 100, 110, 100, 101, 5), candle(1, 101, 103, 100, 102, 5), candle(2, 102, 105, 101, 104, 5)], rules);
    expect(mid.trend.toFixed()).toBe('0.4');
    expect(mid.phase).toBe('unclear');
    expect(wyckoffPhase([candle(0, 100, 101, 99, 100)], rules).phase).toBe('unclear');
    expect(wyckoffPhase([candle(0, 1, 1, 1, 1), candle(1, 1, 1, 1, 1), candle(2, 1, 1, 1, 1)], rules).phase).toBe('unclear');
  });
});

function daily(ratio: string): DailyPosition {
  const c = candle(0, 1, 1, 1, 1);
  return { current: c, previous: undefined, range: D(0), position: D('0.5'), positionInPrevious: undefined, trueRange: D(0), averageTrueRange: D(1), rangeRatio: D(ratio) };
}
function whales(buys: number, sells: number): WhaleTradeSummary {
  return { medianSize: D(1), threshold: D(10), buys, sells, buyVolume: D(buys * 20), sellVolume: D(sells * 20) };
}
const calm: ContextInputs = { tradesInWindow: 100, daily: daily('0.6'), intradayRangeRatio: D('0.7'), spreadRatio: D('1.0'), whaleTrades: whales(0, 0), valueArea: 'inside' };

describe('market context', () => {
  it('reports the baseline while warming up', () => {
    const c = assessContext({ tradesInWindow: 5 }, policy(), bounds, 1000);
    expect(c.level).toBe('normal');
    expect(c.thresholdPercent.toFixed()).toBe('0.5');
    expect(c.depthMultiple.toFixed()).toBe('2.5');
    expect(c.reasons).toEqual(['warming up: 5/20 trades in window']);
    expect(c.computedAt).toBe(1000);
  });

  it('is aggressive in a demonstrably calm market', () => {
    const c = assessContext(calm, policy(), bounds, 1);
    expect(c.level).toBe('aggressive');
    // a quarter of the way to still: max(0.6 / 0.8, 0.7 / 1.5) - 1 = -0.25 -> 0.5 - 0.25 x 0.1
    expect(c.thresholdPercent.toFixed()).toBe('0.475');
    expect(c.depthMultiple.toFixed()).toBe('2.5');
    expect(c.highVolatility).toBe(false);
    expect(c.reasons).toEqual(['calm: daily range 0.6x average', 'calm: intraday range 0.7x norm', 'spread 1.0x norm']);
  });

  it('is careful with high volatility alone, and sets the flag', () => {
    const c = assessContext({ ...calm, daily: daily('2.3') }, policy(), bounds, 1);
    expect(c.level).toBe('careful');
    expect(c.highVolatility).toBe(true);
    // 2 x 2.3 / 1.5 = 3.067 caution units of 4: 0.5 + 0.7667 x 0.5, rounded up
    expect(c.thresholdPercent.toFixed()).toBe('0.8834');
    expect(c.depthMultiple.toFixed()).toBe('4.42');
    expect(c.reasons).toEqual(['daily range 2.3x average']);
    // high volatility counts even while warming up
    expect(assessContext({ tradesInWindow: 0, intradayRangeRatio: D('3.4') }, policy(), bounds, 1).reasons).toEqual(['intraday range 3.4x norm']);
  });

  it('is careful with two warnings, normal with one', () => {
    const two = assessContext({ ...calm, spreadRatio: D('3.08'), whaleTrades: whales(1, 4) }, policy(), bounds, 1);
    expect(two.level).toBe('careful');
    expect(two.highVolatility).toBe(false);
    expect(two.reasons).toEqual(['spread 3.1x norm', 'whale sells 4']);
    const one = assessContext({ ...calm, valueArea: 'above' }, policy(), bounds, 1);
    expect(one.level).toBe('normal');
    expect(one.thresholdPercent.toFixed()).toBe('0.625');
    expect(one.depthMultiple.toFixed()).toBe('3.13');
    expect(one.reasons).toEqual(['price above value area']);
  });

  it('names every warning kind', () => {
    const c = assessContext({
      ...calm,
      imbalance: D('-0.72'),
      cvd: { buyVolume: D(1), sellVolume: D(2), delta: D(-1), priceChange: D('0.01'), divergence: 'bearish' },
      wyckoff: { phase: 'markdown', trend: D(-1), upVolume: D(0), downVolume: D(1), why: '' },
      whaleOrders: { medianSize: D(1), threshold: D(10), bidWalls: 2, askWalls: 0, bidWallVolume: D(30), askWallVolume: D(0) },
    }, policy(), bounds, 1);
    expect(c.reasons).toEqual(['whale bid walls 2', 'CVD divergence: price up, CVD down', 'book imbalance -0.72 toward asks', 'wyckoff markdown']);
  });

  it('is normal, not aggressive, when calm cannot be shown', () => {
    const c = assessContext({ ...calm, spreadRatio: undefined }, policy(), bounds, 1);
    expect(c.level).toBe('normal');
    expect(c.reasons).toEqual(['no strong signal']);
    // the daily ratio must be known; the intraday one may be unknown but not stirring
    expect(assessContext({ ...calm, daily: undefined }, policy(), bounds, 1).level).toBe('normal');
    expect(assessContext({ ...calm, intradayRangeRatio: undefined }, policy(), bounds, 1).level).toBe('aggressive');
    expect(assessContext({ ...calm, intradayRangeRatio: D('1.6') }, policy(), bounds, 1).level).toBe('normal');
    expect(assessContext({ ...calm, daily: daily('0.9') }, policy(), bounds, 1).level).toBe('normal');
  });

  it('stays inside the Q-bot bounds however wild, and fullCautionSignals sets how soon the top is reached', () => {
    const c = assessContext({ ...calm, daily: daily('50'), intradayRangeRatio: D('90') }, policy(), bounds, 1);
    expect([c.thresholdPercent.toFixed(), c.depthMultiple.toFixed()]).toEqual(['1', '5']);
    const twoWarnings = { ...calm, spreadRatio: D('3.08'), whaleTrades: whales(1, 4) };
    const soon = assessContext(twoWarnings, policy({ strength: { fullCautionSignals: 2 } }), bounds, 1);
    expect([soon.thresholdPercent.toFixed(), soon.depthMultiple.toFixed()]).toEqual(['1', '5']);
    const late = assessContext(twoWarnings, policy({ strength: { fullCautionSignals: 8 } }), bounds, 1);
    expect([late.thresholdPercent.toFixed(), late.depthMultiple.toFixed()]).toEqual(['0.625', '3.13']);
  });

  it('has a baseline source and a validated wire form', () => {
    expect(baselineSource(bounds).contextFor('kraken', 'BTC/USD')).toEqual(baselineContext(bounds));
    const c = assessContext({ ...calm, daily: daily('2.3') }, policy(), bounds, 42);
    const wire = marketContextToWire(c);
    expect(wire).toEqual({ level: 'careful', thresholdPercent: '0.8834', depthMultiple: '4.42', highVolatility: true, reasons: ['daily range 2.3x average'], computedAt: 42 });
    expect(marketContextFromWire(JSON.parse(JSON.stringify(wire)))).toEqual(c);
    expect(() => marketContextFromWire({ ...wire, thresholdPercent: 0.8834 })).toThrow();
  });
});
