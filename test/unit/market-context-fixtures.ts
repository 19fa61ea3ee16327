import { Decimal } from '../../domain/money/decimal';
import type { ContextBounds, ContextPolicy, OhlcCandle, TradePrint } from '../../domain/market-context';

export const D = (s: string | number): Decimal => new Decimal(String(s));
export const DAY = 86_400_000;

export function trade(price: string | number, amount: string | number, side: 'buy' | 'sell', timestamp = 0): TradePrint {
  return { price: D(price), amount: D(amount), side, timestamp };
}

export function candle(openTime: number, o: number, h: number, l: number, c: number, v = 1): OhlcCandle {
  return { openTime, open: D(o), high: D(h), low: D(l), close: D(c), volume: D(v) };
}

export const bounds: ContextBounds = {
  qbot: {
    netThresholdPercent: { baseline: D('0.5'), min: D('0.4'), max: D('1') },
    depthCheck: { minMultiple: D('2.5'), maxMultiple: D('5'), defaultMultiple: D('2.5') },
  },
};

export function policy(over: Partial<ContextPolicy> = {}): ContextPolicy {
  return {
    minTrades: 20,
    highRangeRatio: D('1.5'),
    intradayHighRangeRatio: D('3'),
    careful: { minSignals: 2, spreadRatio: D('2'), whaleTrades: 3, whaleWalls: 2, imbalance: D('0.6') },
    aggressive: { maxRangeRatio: D('0.8'), maxIntradayRangeRatio: D('1.5'), maxSpreadRatio: D('1.2') },
    strength: { fullCautionSignals: 4 },
    ...over,
  };
}
