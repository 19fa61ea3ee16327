import { Decimal, ZERO } from '../money/decimal';
import type { OhlcCandle } from './types';

export type WyckoffPhase = 'accumulation' | 'markup' | 'distribution' | 'markdown' | 'unclear';

export interface WyckoffRules {
  /** |trend| at or above this is a trend (markup/markdown). 0.5 = moved half the window's range. */
  trendFraction: Decimal;
  /** |trend| at or below this is a trading range (accumulation/distribution). */
  sidewaysFraction: Decimal;
  /** In a range, one side's volume must be this many times the other's to call it. */
  volumeBias: Decimal;
  /** Fewer candles than this is too little to judge. */
  minCandles: number;
}

export interface WyckoffReading {
  phase: WyckoffPhase;
  /** (last close - first open) / (window high - window low), in [-1, 1]. */
  trend: Decimal;
  /** Volume of candles that closed above their open. */
  upVolume: Decimal;
  /** Volume of candles that closed below their open. */
  downVolume: Decimal;
  why: string;
}

/**
 * A Wyckoff phase heuristic over time-ordered candles (the scanner uses intraday candles of its
 * window). It is a coarse label for context, not a trading signal. The rules, in order:
 *  1. fewer than `minCandles` candles, or a flat window (high = low): unclear;
 *  2. trend >= trendFraction: markup when up-volume >= down-volume (demand drives the rise),
 *     otherwise unclear (a rise on fading volume is not confirmed);
 *  3. trend <= -trendFraction: markdown when down-volume >= up-volume, otherwise unclear;
 *  4. |trend| <= sidewaysFraction (a trading range): accumulation when up-volume >= volumeBias x
 *     down-volume (buyers absorb supply inside the range), distribution when down-volume >=
 *     volumeBias x up-volume (sellers supply into demand), otherwise unclear;
 *  5. anything between a range and a trend: unclear.
 * Up/down volume is the volume of candles closing above/below their open (a doji counts for
 * neither), Wyckoff's "effort" read from the bars.
 */
export function wyckoffPhase(candles: readonly OhlcCandle[], rules: WyckoffRules): WyckoffReading {
  let upVolume = ZERO;
  let downVolume = ZERO;
  for (const c of candles) {
    if (c.close.gt(c.open)) upVolume = upVolume.plus(c.volume);
    else if (c.close.lt(c.open)) downVolume = downVolume.plus(c.volume);
  }
  const first = candles[0];
  const last = candles[candles.length - 1];
  if (!first || !last || candles.length < rules.minCandles) {
    return { phase: 'unclear', trend: ZERO, upVolume, downVolume, why: `only ${candles.length} candles` };
  }
  let high = first.high;
  let low = first.low;
  for (const c of candles) {
    high = Decimal.max(high, c.high);
    low = Decimal.min(low, c.low);
  }
  const range = high.minus(low);
  if (range.isZero()) return { phase: 'unclear', trend: ZERO, upVolume, downVolume, why: 'flat window' };
  const trend = last.close.minus(first.open).div(range);
  const read = (phase: WyckoffPhase, why: string): WyckoffReading => ({ phase, trend, upVolume, downVolume, why });

  if (trend.gte(rules.trendFraction)) {
    return upVolume.gte(downVolume) ? read('markup', 'rise backed by up-volume') : read('unclear', 'rise on down-volume');
  }
  if (trend.lte(rules.trendFraction.neg())) {
    return downVolume.gte(upVolume) ? read('markdown', 'fall backed by down-volume') : read('unclear', 'fall on up-volume');
  }
  if (trend.abs().lte(rules.sidewaysFraction)) {
    if (upVolume.gt(0) && upVolume.gte(downVolume.times(rules.volumeBias))) return read('accumulation', 'range with up-volume dominant');
    if (downVolume.gt(0) && downVolume.gte(upVolume.times(rules.volumeBias))) return read('distribution', 'range with down-volume dominant');
    return read('unclear', 'range with balanced volume');
  }
  return read('unclear', 'neither range nor trend');
}
