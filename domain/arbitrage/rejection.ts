import type { Decimal } from '../money/decimal';
import { formatDecimal } from '../money/format';

/**
 * Stable codes for every reason the Q-bot does not trade. Like a risk engine's denial: the code
 * is for machines (metrics, tests), the figures are the numbers behind it, for people and logs.
 */
export type GateCode =
  | 'KILL_SWITCH'
  | 'PAUSED'
  | 'FEED_NOT_LIVE'
  | 'BOOK_STALE'
  | 'BOOK_EMPTY'
  | 'BOOK_EXCHANGE_STALE'
  | 'BOOK_CROSSED'
  | 'BOOK_UNSORTED'
  | 'MARKET_INACTIVE'
  | 'STABLE_DEPEG'
  | 'NO_CONVERSION'
  | 'NO_CAPITAL'
  | 'INSUFFICIENT_BALANCE'
  | 'DEPTH_INSUFFICIENT'
  | 'BELOW_MIN_AMOUNT'
  | 'BELOW_MIN_NOTIONAL'
  | 'BELOW_MIN_TRADE'
  | 'NET_BELOW_THRESHOLD'
  | 'IMPLAUSIBLE_PROFIT'
  | 'CYCLE_TIME'
  | 'RATE_BUDGET'
  | 'ASSET_LOCKED';

export interface GateRejection {
  code: GateCode;
  /** Figures as plain strings (decimal strings for money), in the order they read best. */
  figures: Record<string, string>;
  /** `CODE: k=v k=v`, ready for a log line. */
  message: string;
}

export type Figure = string | number | Decimal;

function figureText(v: Figure): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return formatDecimal(v);
}

export function reject(code: GateCode, figures: Record<string, Figure> = {}): GateRejection {
  const text: Record<string, string> = {};
  for (const [k, v] of Object.entries(figures)) text[k] = figureText(v);
  const parts = Object.entries(text).map(([k, v]) => `${k}=${v}`);
  return { code, figures: text, message: parts.length ? `${code}: ${parts.join(' ')}` : code };
}

/** A percentage for a figure, two places like a trader reads it ("0.31%"). */
export function pct(value: Decimal, dp = 2): string {
  return `${formatDecimal(value, dp)}%`;
}
