import { Decimal, ONE, ZERO } from '../money/decimal';
import { candleRange, DAY_MS, trueRange, utcDayStart } from './candles';
import { meanOf, ratioOrUndefined } from './stats';
import type { OhlcCandle } from './types';

export interface DailyPosition {
  /** Today's UTC candle (partial: the day is not over). */
  current: OhlcCandle;
  /** Yesterday's UTC candle when known. */
  previous: OhlcCandle | undefined;
  /** Today's high - low. */
  range: Decimal;
  /** Where `price` sits in today's range: 0 at the low, 1 at the high; 0.5 for a flat day. */
  position: Decimal;
  /** Price against yesterday's range (same scale, not clamped: 1.2 = above yesterday's high). */
  positionInPrevious: Decimal | undefined;
  /** Today's true range (range widened by a gap from yesterday's close). */
  trueRange: Decimal;
  /** Mean true range of the complete days before today (up to `averageDays` of them). */
  averageTrueRange: Decimal | undefined;
  /** trueRange / averageTrueRange: the ATR-like "is today wide" figure. */
  rangeRatio: Decimal | undefined;
}

/**
 * Daily candle position. `days` are UTC daily candles in time order (from REST or built from
 * trades); `now` picks which one is today. Today is partial, so early in a day its ratio reads
 * low: the measure can only flag a wide day once it is wide, which is the conservative direction
 * for a slowdown signal.
 */
export function dailyCandlePosition(
  days: readonly OhlcCandle[],
  price: Decimal,
  now: number,
  averageDays: number,
): DailyPosition | undefined {
  const today = utcDayStart(now);
  const idx = days.findIndex((d) => d.openTime === today);
  if (idx < 0) return undefined;
  const current = days[idx]!;
  const before = days.slice(0, idx);
  const previousCandle = before[before.length - 1];
  const previous = previousCandle && previousCandle.openTime === today - DAY_MS ? previousCandle : undefined;

  const range = candleRange(current);
  const position = range.isZero() ? new Decimal('0.5') : clamp01(price.minus(current.low).div(range));
  const prevRange = previous ? candleRange(previous) : undefined;
  const positionInPrevious = previous && prevRange && !prevRange.isZero() ? price.minus(previous.low).div(prevRange) : undefined;

  const tr = trueRange(current, previousCandle?.close);
  const history = before.slice(-averageDays);
  const trs = history.map((d) => {
    const i = before.indexOf(d);
    return trueRange(d, i > 0 ? before[i - 1]!.close : undefined);
  });
  const averageTrueRange = meanOf(trs);
  return {
    current,
    previous,
    range,
    position,
    positionInPrevious,
    trueRange: tr,
    averageTrueRange,
    rangeRatio: ratioOrUndefined(tr, averageTrueRange),
  };
}

function clamp01(x: Decimal): Decimal {
  if (x.lt(ZERO)) return ZERO;
  if (x.gt(ONE)) return ONE;
  return x;
}
