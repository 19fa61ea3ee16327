import { z } from 'zod';
import { Decimal, isDecimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { decimalString, decimalWire } from '../../domain/money/schemas';
import { parseDecimal } from '../../domain/money/parse';
import type { LedgerEntry, LedgerEntryKind, StoredLedgerEntry } from '../../ports/ledger';

/** Every kind the port knows; the type check below fails when the port gains one we miss. */
export const LEDGER_KINDS = [
  'order-attempt', 'fill', 'fee', 'order-rejected', 'conversion', 'transfer-out', 'transfer-in', 'transfer-failed',
  'staking-reward', 'stake', 'unstake', 'sweep', 'mode-flip', 'decision', 'adjustment',
] as const satisfies readonly LedgerEntryKind[];
type Missing = Exclude<LedgerEntryKind, (typeof LEDGER_KINDS)[number]>;
const _exhaustive: Missing extends never ? true : never = true;
void _exhaustive;

const nullableDecimal = decimalWire.nullable();

/** One row as SQLite holds it. Validated both on the way in and on the way out. */
export const ledgerRowSchema = z.strictObject({
  kind: z.enum(LEDGER_KINDS),
  at: z.number().int().nonnegative(),
  exchange: z.enum(['binance', 'kraken', 'coinbase', 'cold-wallet']).nullable(),
  asset: z.string().regex(/^[A-Z0-9]{1,15}$/, 'asset must be an upper-case code like "BTC"').nullable(),
  delta: nullableDecimal,
  usd_value: nullableDecimal,
  realised_pnl_usd: nullableDecimal,
  correlation_id: z.string().min(1).max(200),
  idempotency_key: z.string().min(1).max(300).nullable(),
  details: z.string().nullable(),
}).refine((r) => (r.asset === null) === (r.delta === null), { message: 'asset and delta go together: a balance change needs both' });
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

export const storedRowSchema = z.object({ id: z.number().int().positive() }).passthrough();

/**
 * Details are free-form, but money inside them must be a decimal string: a Decimal is written
 * with formatDecimal (its own toJSON may use exponent form), and a non-finite number is refused.
 */
function jsonSafe(value: unknown, path: string): unknown {
  if (isDecimal(value)) return formatDecimal(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`ledger details ${path} is not a finite number`);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v, i) => jsonSafe(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v, `${path}.${k}`)]));
  }
  return value;
}

const optDecimal = (d: Decimal | undefined, what: string): string | null => {
  if (d === undefined) return null;
  if (!isDecimal(d) || !d.isFinite()) throw new Error(`ledger entry ${what} must be a finite Decimal`);
  return formatDecimal(d);
};

/** Entry -> validated row, or a clear error naming the field (nothing is written then). */
export function entryToRow(e: LedgerEntry): LedgerRow {
  const candidate = {
    kind: e.kind,
    at: e.at,
    exchange: e.exchange ?? null,
    asset: e.asset ?? null,
    delta: optDecimal(e.delta, 'delta'),
    usd_value: optDecimal(e.usdValue, 'usdValue'),
    realised_pnl_usd: optDecimal(e.realisedPnlUsd, 'realisedPnlUsd'),
    correlation_id: e.correlationId,
    idempotency_key: e.idempotencyKey ?? null,
    details: e.details === undefined ? null : JSON.stringify(jsonSafe(e.details, 'details')),
  };
  const r = ledgerRowSchema.safeParse(candidate);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ledger entry (${e.kind} ${e.correlationId}): ${msg}`);
  }
  return r.data;
}

// Schemas are built once: constructing a zod schema per row costs ~50 us, 10x the parse itself.
const detailsSchema = z.record(z.string(), z.unknown());

/** The three columns balance and fee sums need, for aggregate queries over many rows. */
export const deltaRowSchema = z.object({
  id: z.number().int().positive(),
  exchange: z.string().nullable(),
  asset: z.string(),
  delta: decimalString,
});
export type DeltaRow = z.infer<typeof deltaRowSchema>;

export const pnlRowSchema = z.object({ realised_pnl_usd: decimalString });

const dec = (s: string | null): Decimal | undefined => (s === null ? undefined : parseDecimal(s));

/** Row read back -> entry; a row that fails validation is a corrupt file and throws loudly. */
export function rowToEntry(raw: unknown): StoredLedgerEntry {
  const { id } = storedRowSchema.parse(raw);
  const { id: _ignored, ...rest } = raw as Record<string, unknown>;
  const r = ledgerRowSchema.parse(rest);
  const out: StoredLedgerEntry = { id, kind: r.kind, at: r.at, correlationId: r.correlation_id };
  if (r.exchange !== null) out.exchange = r.exchange;
  if (r.asset !== null) out.asset = r.asset;
  const delta = dec(r.delta);
  if (delta) out.delta = delta;
  const usd = dec(r.usd_value);
  if (usd) out.usdValue = usd;
  const pnl = dec(r.realised_pnl_usd);
  if (pnl) out.realisedPnlUsd = pnl;
  if (r.idempotency_key !== null) out.idempotencyKey = r.idempotency_key;
  if (r.details !== null) out.details = detailsSchema.parse(JSON.parse(r.details));
  return out;
}
