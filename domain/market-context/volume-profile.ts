import { Decimal, ZERO } from '../money/decimal';
import type { TradePrint } from './types';

export interface ProfileBucket {
  low: Decimal;
  high: Decimal;
  volume: Decimal;
}

export interface VolumeProfile {
  buckets: ProfileBucket[];
  /** Index of the point of control: the bucket with the most traded volume. */
  pocIndex: number;
  /** Middle of the POC bucket. */
  pointOfControl: Decimal;
  valueAreaLow: Decimal;
  valueAreaHigh: Decimal;
  /** Volume inside the value area (>= the requested share of the total). */
  valueAreaVolume: Decimal;
  totalVolume: Decimal;
}

export type ValueAreaPosition = 'inside' | 'above' | 'below';

/**
 * Volume profile of the given trades over `bucketCount` equal price buckets between the lowest
 * and highest trade price. A price on a boundary belongs to the upper bucket; the highest price
 * goes in the last bucket. The POC is the bucket with the most volume (a tie goes to the lower
 * price, so the result does not depend on trade order).
 *
 * Value area, the standard market-profile expansion: start from the POC; look at the next two
 * buckets above and the next two below; add the pair with more volume (a tie goes up); repeat
 * until the area holds at least `valueAreaFraction` (0.7) of the total. Near an edge a "pair" is
 * whatever is left on that side.
 */
export function volumeProfile(trades: readonly TradePrint[], bucketCount: number, valueAreaFraction: Decimal): VolumeProfile | undefined {
  if (trades.length === 0 || bucketCount < 1) return undefined;
  let min = trades[0]!.price;
  let max = min;
  for (const t of trades) {
    if (t.price.lt(min)) min = t.price;
    if (t.price.gt(max)) max = t.price;
  }
  const n = max.eq(min) ? 1 : bucketCount;
  const size = max.minus(min).div(n);
  const lows = Array.from({ length: n }, (_, i) => min.plus(size.times(i)));
  const volumes: Decimal[] = Array.from({ length: n }, () => ZERO);
  for (const t of trades) {
    // Binary search over the bucket lows: comparisons are far cheaper than a 40-digit division.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t.price.gte(lows[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    volumes[lo] = volumes[lo]!.plus(t.amount);
  }
  const buckets = volumes.map((volume, i) => ({ low: lows[i]!, high: i === n - 1 ? max : lows[i + 1]!, volume }));
  const totalVolume = volumes.reduce((a, v) => a.plus(v), ZERO);

  let pocIndex = 0;
  volumes.forEach((v, i) => {
    if (v.gt(volumes[pocIndex]!)) pocIndex = i;
  });
  const target = totalVolume.times(valueAreaFraction);
  let lo = pocIndex;
  let hi = pocIndex;
  let area = volumes[pocIndex]!;
  const sumRange = (from: number, to: number) => volumes.slice(from, to + 1).reduce((a, v) => a.plus(v), ZERO);
  while (area.lt(target) && (lo > 0 || hi < n - 1)) {
    const upTo = Math.min(n - 1, hi + 2);
    const downTo = Math.max(0, lo - 2);
    const up = hi < n - 1 ? sumRange(hi + 1, upTo) : undefined;
    const down = lo > 0 ? sumRange(downTo, lo - 1) : undefined;
    if (up !== undefined && (down === undefined || up.gte(down))) {
      area = area.plus(up);
      hi = upTo;
    } else if (down !== undefined) {
      area = area.plus(down);
      lo = downTo;
    }
  }
  const poc = buckets[pocIndex]!;
  return {
    buckets,
    pocIndex,
    pointOfControl: poc.low.plus(poc.high).div(2),
    valueAreaLow: buckets[lo]!.low,
    valueAreaHigh: buckets[hi]!.high,
    valueAreaVolume: area,
    totalVolume,
  };
}

/** Where a price sits against the value area (its edges count as inside). */
export function priceVsValueArea(profile: VolumeProfile, price: Decimal): ValueAreaPosition {
  if (price.gt(profile.valueAreaHigh)) return 'above';
  if (price.lt(profile.valueAreaLow)) return 'below';
  return 'inside';
}

/**
 * Acceptance outside value: 'above' only when every one of the recent closes (e.g. the last few
 * intraday candles, the open one included) is above the value area, 'below' likewise. A single
 * print outside is noise (by construction about 30 % of volume trades outside the value area);
 * closes that stay outside mean the market is looking for a new value, i.e. moving.
 */
export function closesVsValueArea(profile: VolumeProfile, closes: readonly Decimal[]): ValueAreaPosition {
  if (closes.length === 0) return 'inside';
  if (closes.every((c) => c.gt(profile.valueAreaHigh))) return 'above';
  if (closes.every((c) => c.lt(profile.valueAreaLow))) return 'below';
  return 'inside';
}
