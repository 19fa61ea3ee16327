import { Decimal } from './decimal';

/**
 * A plain decimal literal: optional minus, digits, optional fraction. No plus sign, no exponent,
 * no hex/binary, no surrounding whitespace, no leading dot ("".5"), no trailing dot ("5.").
 * Strict on purpose: an exchange or a user sending "1e3" or " 12" is a bug to surface, not guess.
 */
const DECIMAL_LITERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Longest literal accepted; a 10k-digit "amount" is garbage, not money. */
const MAX_LITERAL_LENGTH = 80;

export class DecimalParseError extends Error {
  constructor(
    readonly input: unknown,
    readonly reason: string,
  ) {
    super(`not a decimal string (${reason}): ${describe(input)}`);
    this.name = 'DecimalParseError';
  }
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}...` : input);
  return `${typeof input} ${String(input)}`;
}

export type DecimalParseResult = { ok: true; value: Decimal } | { ok: false; reason: string };

/** Parses without throwing: the reason says exactly what was wrong. */
export function tryParseDecimal(input: unknown): DecimalParseResult {
  if (typeof input !== 'string') return { ok: false, reason: `expected a string, got ${typeof input}` };
  if (input.length === 0) return { ok: false, reason: 'empty string' };
  if (input.length > MAX_LITERAL_LENGTH) return { ok: false, reason: `longer than ${MAX_LITERAL_LENGTH} characters` };
  if (input.trim() !== input) return { ok: false, reason: 'leading or trailing whitespace' };
  if (!DECIMAL_LITERAL.test(input)) {
    return { ok: false, reason: 'must be digits with an optional minus sign and fraction, like "-12.345"' };
  }
  const value = new Decimal(input);
  if (!value.isFinite()) return { ok: false, reason: 'not finite' };
  // "-0" is accepted by the grammar; normalise so it formats as "0".
  return { ok: true, value: value.isZero() ? new Decimal(0) : value };
}

/** Parses a decimal string or throws DecimalParseError. Use at trusted-but-checked edges. */
export function parseDecimal(input: unknown): Decimal {
  const r = tryParseDecimal(input);
  if (!r.ok) throw new DecimalParseError(input, r.reason);
  return r.value;
}

/**
 * ccxt hands book levels and some fields over as JS numbers. `String(x)` of a double gives the
 * shortest representation that round-trips, which is exactly what the exchange sent for any value
 * with <= 15 significant digits. Rejects NaN/Infinity instead of letting them into money.
 */
export function decimalFromWireNumber(x: number): Decimal {
  if (!Number.isFinite(x)) throw new DecimalParseError(x, 'not a finite number');
  return new Decimal(String(x));
}
