import type { ExchangeId } from '../../domain/market';

/**
 * Moves a recorded frame's venue timestamps by `shiftMs`, editing only those fields' text so
 * every other byte (numbers above all) goes out as recorded. A replay that drives a live hot
 * path needs it: the hot path judges a book's age by the venue's own clock too, and a recording's
 * times are minutes or days old, so unshifted every book reads stale (BOOK_EXCHANGE_STALE, and
 * the feed not live). Shifting each frame by (now - its recorded receive time) keeps the delay
 * the venue had when it was recorded.
 *
 * Fields: Binance `E` and `T` (ms since the epoch); Kraken `timestamp`, Coinbase `timestamp`,
 * `event_time` and `time` (ISO 8601, any digits below the millisecond kept as they were).
 * Coinbase's heartbeat `current_time` (Go's format) is left alone: nothing reads it as a book time.
 */
export function shiftFrameTimes(venue: ExchangeId, text: string, shiftMs: number): string {
  if (shiftMs === 0) return text;
  if (venue === 'binance') return text.replace(/"([ET])":(\d{12,14})(?=[,}])/g, (_m, k: string, ms: string) => `"${k}":${Number(ms) + shiftMs}`);
  const fields = venue === 'kraken' ? 'timestamp' : 'timestamp|event_time|time';
  return text.replace(new RegExp(`"(${fields})":"([^"]+)"`, 'g'), (m, k: string, iso: string) => {
    const moved = shiftIso(iso, shiftMs);
    return moved === undefined ? m : `"${k}":"${moved}"`;
  });
}

const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

/** "2026-08-09T21:05:48.170326Z" + 2500 ms -> "2026-08-09T21:05:50.670326Z"; undefined for anything else. */
function shiftIso(iso: string, shiftMs: number): string | undefined {
  const m = ISO.exec(iso);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  const ms = Date.parse(`${m[1]}.${frac.padEnd(3, '0').slice(0, 3)}Z`);
  if (Number.isNaN(ms)) return undefined;
  const moved = new Date(ms + shiftMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const seconds = moved.slice(0, 19);
  if (frac === '') return moved.slice(20, 23) === '000' ? `${seconds}Z` : moved;
  // As many fraction digits as were sent: the ms from the shifted time, the rest as recorded.
  return `${seconds}.${(moved.slice(20, 23) + frac.slice(3)).slice(0, Math.max(frac.length, 3))}Z`;
}
