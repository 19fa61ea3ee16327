import { z } from 'zod';
import { Decimal } from './decimal';
import { tryParseDecimal } from './parse';

/**
 * Zod schemas for money at every boundary: the wire form is a decimal string, the parsed form a
 * Decimal. A JSON number is refused on purpose: it has already passed through a float.
 */
export const decimalString = z.string().transform((s, ctx): Decimal => {
  const r = tryParseDecimal(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `malformed decimal ${JSON.stringify(s)}: ${r.reason}` });
    return z.NEVER;
  }
  return r.value;
});

export const positiveDecimalString = decimalString.refine((d) => d.gt(0), {
  message: 'must be greater than 0',
});

export const nonNegativeDecimalString = decimalString.refine((d) => d.gte(0), {
  message: 'must be 0 or greater',
});

/** A percentage between 0 and 100 inclusive, written as percent ("0.5" means 0.5 %). */
export const percentageString = decimalString.refine((d) => d.gte(0) && d.lte(100), {
  message: 'must be a percentage between 0 and 100',
});

/** The raw wire shape (string) for places that only validate and pass strings on. */
export const decimalWire = z.string().refine((s) => tryParseDecimal(s).ok, {
  message: 'must be a plain decimal string like "12.5"',
});

export type DecimalString = string;
