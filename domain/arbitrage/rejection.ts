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
  | 'STABLE_NO_VIEW'
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

/**
 * A figure worked out only when the rejection is first read (kept lazy, see `reject`): an exact
 * evaluator's figure as a Decimal, a formatted percentage. A class, not a closure: a scan builds
 * hundreds of rejections that nobody reads.
 */
export abstract class LazyFigure {
  abstract value(): string | number | Decimal;
}

export type Figure = string | number | Decimal | LazyFigure;

function figureText(v: Figure): string {
  if (v instanceof LazyFigure) return figureText(v.value());
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return formatDecimal(v);
}

/**
 * A rejection whose figures and message are formatted on first read: a scan rejects hundreds of
 * candidates per update that nobody logs, and formatting their Decimals was most of its cost.
 * A class with getters on its prototype: an object literal with getters is built by V8's runtime
 * in dictionary mode, which cost more than the triangle evaluation's arithmetic (#17). JSON and
 * logs see plain fields (`toJSON`); a spread copies `code` only (nothing spreads a rejection).
 */
class LazyRejection implements GateRejection {
  #text: Record<string, string> | undefined;
  #message: string | undefined;
  readonly #raw: Record<string, Figure>;

  constructor(readonly code: GateCode, figures: Record<string, Figure>) {
    this.#raw = figures;
  }

  get figures(): Record<string, string> {
    if (!this.#text) {
      const text: Record<string, string> = {};
      for (const k in this.#raw) text[k] = figureText(this.#raw[k]!);
      this.#text = text;
    }
    return this.#text;
  }

  get message(): string {
    if (this.#message === undefined) {
      const parts = Object.entries(this.figures).map(([k, v]) => `${k}=${v}`);
      this.#message = parts.length ? `${this.code}: ${parts.join(' ')}` : this.code;
    }
    return this.#message;
  }

  toJSON(): GateRejection {
    return { code: this.code, figures: this.figures, message: this.message };
  }
}

export function reject(code: GateCode, figures: Record<string, Figure> = {}): GateRejection {
  return new LazyRejection(code, figures);
}

/** A percentage for a figure, two places like a trader reads it ("0.31%"). */
export function pct(value: Decimal, dp = 2): string {
  return `${formatDecimal(value, dp)}%`;
}
