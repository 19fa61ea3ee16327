import type { Share } from './common';

/**
 * Kraken WebSocket v2 `book` as really sent (recorded sessions). Numbers are bare JSON numbers;
 * example update: {"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":
 * 64167.5,"qty":0.00000000}],"asks":[],"checksum":2114181697,"timestamp":"2026-08-09T21:05:48.440295Z"}]}
 */
export const KRAKEN_WIRE = {
  /** Microseconds, six digits. */
  timestamp: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
  /** Fields of a book message's data entry; a snapshot carries a timestamp too. */
  bookKeys: ['symbol', 'bids', 'asks', 'checksum', 'timestamp'] as const,
  /** A deletion, as printed on the wire (the lot's eight decimals of zero). */
  deletion: /"qty":0\.00000000[,}]/,
  /** No number in exponent form, no quoted numbers in levels. */
  levelNumber: /^-?\d+(\.\d+)?$/,
  /** Levels (bids + asks) per update message. */
  updateLevels: { min: 1, max: 6 },
  updateMean: { min: 1.1, max: 1.8 } as Share,
  /** Some updates list a side's levels not best first. */
  notBestFirstAtLeast: 1,
  /** Levels pushed below the subscribed depth are not deleted: the client must truncate. */
  venueDeletesPushedOutLevels: false,
  /** connection_id exceeds 2^53: exact only when read as text. */
  connectionIdAbove: 2n ** 53n,
} as const;

/** The raw digits of every `"key":<number>` in a frame (JSON.parse would round them). */
export function rawNumbers(frame: string, key: string): string[] {
  return [...frame.matchAll(new RegExp(`"${key}":(-?[0-9.eE+-]+)`, 'g'))].map((m) => m[1] ?? '');
}
