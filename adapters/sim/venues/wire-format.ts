import type { Decimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import type { BookDiff, LevelChange } from '../model/book';
import type { Prng } from '../model/prng';

/**
 * How each venue really prints numbers, times and book updates (recorded sessions, issue #18);
 * the written description the wire tests check against is test/adapters/wire-specs/.
 */

/** Shortest decimal string: "65062.5", "0.12", "65084" (Coinbase; Kraken's non-zero numbers). */
export function shortest(x: Decimal): string {
  return formatDecimal(x);
}

/** Always eight decimals: "64167.51000000" (Binance depth and trades). */
export function eight(x: Decimal): string {
  return formatDecimal(x, 8);
}

/** A Binance book level: ["64167.51000000", "0.00934000"]. */
export function eightLevel(l: readonly [Decimal, Decimal]): [string, string] {
  return [eight(l[0]), eight(l[1])];
}

/**
 * A wall clock in nanoseconds that never runs backwards on one venue: the millisecond clock the
 * simulator runs on plus the sub-millisecond part of the process's high-resolution clock.
 */
export class NanoClock {
  private last = 0n;

  constructor(private readonly now: () => number) {}

  nowNs(): bigint {
    const ns = BigInt(Math.floor(this.now())) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    this.last = ns > this.last ? ns : this.last + 1n;
    return this.last;
  }
}

function splitNs(ns: bigint): { date: Date; frac: string } {
  const ms = Number(ns / 1_000_000n);
  const sec = Math.floor(ms / 1000);
  return { date: new Date(sec * 1000), frac: (ns - BigInt(sec) * 1_000_000_000n).toString().padStart(9, '0') };
}

/** "2026-08-09T21:05:48.483587501Z" with trailing zeros trimmed (Coinbase's top-level timestamp). */
export function isoNanosTrimmed(ns: bigint): string {
  const { date, frac } = splitNs(ns);
  const f = frac.replace(/0+$/, '');
  return `${date.toISOString().slice(0, 19)}${f ? `.${f}` : ''}Z`;
}

/** "2026-08-09T21:05:48.170326Z": always six digits (Coinbase event_time, Kraken timestamps). */
export function isoMicros(ns: bigint): string {
  const { date, frac } = splitNs(ns);
  return `${date.toISOString().slice(0, 19)}.${frac.slice(0, 6)}Z`;
}

/** A millisecond time with a sub-millisecond part drawn from `rng` (deterministic by seed). */
export function msToNs(ms: number, rng: Prng): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(rng.int(1_000_000));
}

/**
 * Go's time.Time String(): "2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.262749201" (the
 * fraction trimmed of trailing zeros, the monotonic reading in seconds with nine decimals).
 */
export function goTime(ns: bigint, monotonicNs: bigint): string {
  const { date, frac } = splitNs(ns);
  const f = frac.replace(/0+$/, '');
  const mono = `${monotonicNs / 1_000_000_000n}.${(monotonicNs % 1_000_000_000n).toString().padStart(9, '0')}`;
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}${f ? `.${f}` : ''} +0000 UTC m=+${mono}`;
}

/** One wire message's share of a book change. */
export interface DiffChunk { bids: LevelChange[]; asks: LevelChange[] }

/**
 * Cuts one book change into the messages a venue really sends (sizes drawn by `size`). Removals go
 * first, so no prefix ever crosses the book (every prefix is a subset of the old book, then a
 * subset of the new one); a cut is only made where neither side would be left empty.
 */
export function splitDiff(diff: BookDiff, before: { bids: number; asks: number }, size: () => number): DiffChunk[] {
  const all: Array<['bids' | 'asks', LevelChange]> = [];
  for (const removal of [true, false]) {
    for (const side of ['bids', 'asks'] as const) for (const c of diff[side]) if (c[1].isZero() === removal) all.push([side, c]);
  }
  const left = { ...before };
  const grown = { bids: false, asks: false };
  const chunks: DiffChunk[] = [];
  let cur: DiffChunk = { bids: [], asks: [] };
  let n = 0;
  let want = size();
  for (const [side, c] of all) {
    cur[side].push(c);
    n += 1;
    if (c[1].isZero()) left[side] -= 1;
    else grown[side] = true;
    const whole = (s: 'bids' | 'asks'): boolean => before[s] === 0 || left[s] > 0 || grown[s];
    if (n >= want && whole('bids') && whole('asks')) {
      chunks.push(cur);
      cur = { bids: [], asks: [] };
      n = 0;
      want = size();
    }
  }
  if (n > 0) chunks.push(cur);
  return chunks;
}

/** Coinbase level2 updates: about a quarter carry one change, half 2-9, a quarter 10 or more. */
export function coinbaseUpdateSize(rng: Prng): number {
  const u = rng.next();
  if (u < 0.25) return 1;
  if (u < 0.75) return 2 + rng.int(8);
  return 10 + rng.int(20);
}

/** Kraken v2 book updates: 1-6 levels, mean about 1.4. */
export function krakenUpdateSize(rng: Prng): number {
  const u = rng.next();
  if (u < 0.75) return 1;
  if (u < 0.9) return 2;
  if (u < 0.95) return 3;
  if (u < 0.98) return 4;
  return u < 0.99 ? 5 : 6;
}

