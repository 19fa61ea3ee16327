import fc from 'fast-check';
import { assessContext, numbersForStrength } from '../../domain/market-context';
import type { ContextBounds, ContextInputs, DailyPosition } from '../../domain/market-context';
import { scannerConfigFromSettings } from '../../hotpath/scanner';
import { bounds, candle, D, policy } from './market-context-fixtures';
import { shippedSettings } from './scanner-script';

function daily(ratio: string): DailyPosition {
  const c = candle(0, 1, 1, 1, 1);
  return { current: c, previous: undefined, range: D(0), position: D('0.5'), positionInPrevious: undefined, trueRange: D(0), averageTrueRange: D(1), rangeRatio: D(ratio) };
}
const whales = (buys: number, sells: number) => ({ medianSize: D(1), threshold: D(10), buys, sells, buyVolume: D(buys * 20), sellVolume: D(sells * 20) });
const calm: ContextInputs = { tradesInWindow: 100, daily: daily('0.6'), intradayRangeRatio: D('0.7'), spreadRatio: D('1.0'), whaleTrades: whales(0, 0), valueArea: 'inside' };
const numbers = (i: ContextInputs, b: ContextBounds = bounds) => {
  const c = assessContext(i, policy(), b, 1);
  return [c.thresholdPercent.toFixed(), c.depthMultiple.toFixed()];
};
/** Bounds whose depth range reaches below the default too, so both ends of both ranges show. */
const wide: ContextBounds = {
  qbot: {
    netThresholdPercent: { baseline: D('0.5'), min: D('0.4'), max: D('1') },
    depthCheck: { minMultiple: D('2'), maxMultiple: D('5'), defaultMultiple: D('2.5') },
  },
};

describe('market context strength -> threshold and depth multiple, continuously over the configured ranges', () => {
  it('reaches the top of both ranges: 1 % and 5x (four warnings, or a daily range at twice the high mark)', () => {
    const four = { ...calm, spreadRatio: D('3'), whaleTrades: whales(0, 4), valueArea: 'above' as const, imbalance: D('0.7') };
    expect(numbers(four)).toEqual(['1', '5']);
    expect(numbers({ ...calm, daily: daily('3') })).toEqual(['1', '5']);
    expect(numbers({ ...calm, daily: daily('9') })).toEqual(['1', '5']);
  });

  it('reaches the bottom of both ranges in a perfectly quiet market', () => {
    const still = { ...calm, daily: daily('0'), intradayRangeRatio: D('0') };
    expect(numbers(still)).toEqual(['0.4', '2.5']);
    expect(numbers(still, wide)).toEqual(['0.4', '2']);
  });

  it('is the baseline exactly where calm ends and with no signal at all', () => {
    expect(numbers({ ...calm, daily: daily('0.8'), intradayRangeRatio: D('0.7') })).toEqual(['0.5', '2.5']);
    expect(numbers({ ...calm, daily: daily('1') })).toEqual(['0.5', '2.5']);
  });

  it('lies between the levels in between: half-way calm, one warning, high volatility at the mark', () => {
    // calm: max(0.4 / 0.8, 0.3 / 1.5) - 1 = -0.5 -> 0.5 - 0.5 x 0.1 = 0.45 %
    expect(numbers({ ...calm, daily: daily('0.4'), intradayRangeRatio: D('0.3') }, wide)).toEqual(['0.45', '2.25']);
    // one warning of four: 0.5 + 0.25 x 0.5 = 0.625 %, 2.5 + 0.25 x 2.5 = 3.125x
    expect(numbers({ ...calm, valueArea: 'above' })).toEqual(['0.625', '3.13']);
    // daily range at exactly 1.5x counts as two warnings: strength 0.5
    expect(numbers({ ...calm, daily: daily('1.5') })).toEqual(['0.75', '3.75']);
  });

  it('maps strength monotonically and never leaves the ranges (property)', () => {
    const strength = fc.integer({ min: -1500, max: 1500 }).map((n) => D(n).div(1000));
    fc.assert(fc.property(strength, strength, (a, b) => {
      const [lo, hi] = a.lte(b) ? [a, b] : [b, a];
      const x = numbersForStrength(lo, wide);
      const y = numbersForStrength(hi, wide);
      const t = wide.qbot.netThresholdPercent;
      const d = wide.qbot.depthCheck;
      return x.thresholdPercent.lte(y.thresholdPercent) && x.depthMultiple.lte(y.depthMultiple)
        && y.thresholdPercent.lte(t.max) && x.thresholdPercent.gte(t.min) && y.depthMultiple.lte(d.maxMultiple) && x.depthMultiple.gte(d.minMultiple);
    }));
    expect(numbersForStrength(D(-1), wide).thresholdPercent.toFixed()).toBe('0.4');
    expect(numbersForStrength(D(1), wide).depthMultiple.toFixed()).toBe('5');
  });

  it('never lowers the threshold when the market gets wilder (property over range ratios and warnings)', () => {
    const ratio = fc.integer({ min: 0, max: 5000 }).map((n) => D(n).div(1000));
    const inputs = fc.record({ d: ratio, i: ratio, sells: fc.integer({ min: 0, max: 6 }), above: fc.boolean() });
    fc.assert(fc.property(inputs, inputs, (p, q) => {
      const lo = { d: p.d.lte(q.d) ? p.d : q.d, i: p.i.lte(q.i) ? p.i : q.i, sells: Math.min(p.sells, q.sells), above: p.above && q.above };
      const hi = { d: p.d.lte(q.d) ? q.d : p.d, i: p.i.lte(q.i) ? q.i : p.i, sells: Math.max(p.sells, q.sells), above: p.above || q.above };
      const ctx = (x: typeof lo) => assessContext({ ...calm, daily: daily(x.d.toFixed()), intradayRangeRatio: x.i, whaleTrades: whales(0, x.sells), valueArea: x.above ? 'above' : 'inside' }, policy(), wide, 1);
      const a = ctx(lo);
      const b = ctx(hi);
      return a.thresholdPercent.lte(b.thresholdPercent) && a.depthMultiple.lte(b.depthMultiple);
    }));
  });

  it('with the shipped settings the Q-bot can be asked for 1 % and 5x, and for 0.4 %', () => {
    const cfg = scannerConfigFromSettings(shippedSettings());
    const top = assessContext({ ...calm, daily: daily('5') }, cfg.policy, cfg.bounds, 1);
    expect([top.thresholdPercent.toFixed(), top.depthMultiple.toFixed()]).toEqual(['1', '5']);
    const bottom = assessContext({ ...calm, daily: daily('0'), intradayRangeRatio: D('0') }, cfg.policy, cfg.bounds, 1);
    expect([bottom.thresholdPercent.toFixed(), bottom.depthMultiple.toFixed()]).toEqual(['0.4', '2.5']);
  });
});
