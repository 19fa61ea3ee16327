import { Decimal } from '../domain/money/decimal';
import { formatDecimal, formatForPeople } from '../domain/money/format';
import type { Ledger } from '../ports/ledger';

/**
 * Realised PnL over time as chart coordinates, plus the profit the monthly sweep could take.
 * Coordinates are computed here with Decimal and sent as strings: the page only places them in
 * an SVG, it never scales or adds money.
 */
export interface PnlChart {
  /** viewBox size of the SVG. */
  width: number;
  height: number;
  /** `x,y x,y …` for an SVG polyline (empty when nothing has been realised yet). */
  points: string;
  /** y of the zero line. */
  zeroY: string;
  maxLabel: string;
  minLabel: string;
  fromLabel: string;
  toLabel: string;
  count: number;
}

export interface SweepAvailability {
  profitSinceLastUsd: string;
  availableUsd: string;
  percent: string;
  lastSweep: string;
}

const W = 600;
const H = 140;
const PAD = 6;
const MAX_POINTS = 300;
const ZERO = new Decimal(0);
const coord = (d: Decimal) => formatDecimal(d, 1);
const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function pnlChart(ledger: Ledger, now: number): PnlChart {
  let sum = ZERO;
  const series: Array<{ at: number; cum: Decimal }> = [];
  for (const e of ledger.entries()) {
    if (!e.realisedPnlUsd) continue;
    sum = sum.plus(e.realisedPnlUsd);
    series.push({ at: e.at, cum: sum });
  }
  if (series.length === 0) return { width: W, height: H, points: '', zeroY: String(H / 2), maxLabel: '0.00', minLabel: '0.00', fromLabel: '', toLabel: time(now), count: 0 };
  // A long ledger is thinned to every k-th point; the last point (today's total) always stays.
  const step = Math.ceil(series.length / MAX_POINTS);
  const shown = series.filter((_, i) => i % step === 0 || i === series.length - 1);
  const first = shown[0]!.at;
  const span = new Decimal(Math.max(now - first, 1));
  const hi = shown.reduce((m, p) => Decimal.max(m, p.cum), ZERO);
  const lo = shown.reduce((m, p) => Decimal.min(m, p.cum), ZERO);
  const range = hi.minus(lo).isZero() ? new Decimal(1) : hi.minus(lo);
  const inner = new Decimal(H - 2 * PAD);
  const y = (v: Decimal) => coord(new Decimal(PAD).plus(hi.minus(v).div(range).times(inner)));
  const x = (at: number) => coord(new Decimal(at - first).div(span).times(W));
  const pts = shown.map((p) => `${x(p.at)},${y(p.cum)}`);
  // The line runs on to now at the last total, so a quiet hour reads as flat, not as missing.
  pts.push(`${W},${y(sum)}`);
  return {
    width: W, height: H, points: pts.join(' '), zeroY: y(ZERO),
    maxLabel: formatForPeople(hi, 2), minLabel: formatForPeople(lo, 2), fromLabel: time(first), toLabel: time(now), count: series.length,
  };
}

/** As the sweep's own `sweepContext` judges it: realised PnL since the last sweep claim, times the sweep share. */
export function sweepAvailability(ledger: Ledger, profitPercent: Decimal): SweepAvailability {
  const claims = ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { what?: string } | undefined)?.what === 'sweep-claim');
  const last = claims.at(-1);
  const profit = ledger.realisedPnlUsd(last ? { since: last.at } : {});
  const available = profit.isPositive() ? profit.times(profitPercent).div(100) : ZERO;
  return {
    profitSinceLastUsd: formatForPeople(profit, 2),
    availableUsd: formatForPeople(available, 2),
    percent: formatForPeople(profitPercent, 0),
    lastSweep: last ? time(last.at) : 'never',
  };
}
