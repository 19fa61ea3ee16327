import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { EXCHANGE_IDS, type ExchangeId } from '../../../domain/market';
import { isDecimal } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import { decimalString } from '../../../domain/money/schemas';

/**
 * The simulator's accounts in a file (`qbot sim --state FILE`): balances, orders (so a client
 * order id is still found after a restart), withdrawals and deposits (a withdrawal key is still
 * known), staking positions, and the id counters (ids stay unique across restarts). It is the
 * exchange of record in the demo, so a restart of its process must not hand out a fresh account.
 * Money is written as decimal strings and read back through the zod decimal schema.
 */
const exchange = z.custom<ExchangeId>((v) => typeof v === 'string' && EXCHANGE_IDS.includes(v as ExchangeId), { message: `an exchange id (${EXCHANGE_IDS.join(', ')})` });
const fill = z.object({ tradeId: z.number().int(), price: decimalString, amount: decimalString, cost: decimalString, fee: decimalString, feeCurrency: z.string(), timestamp: z.number() });
const order = z.object({
  id: z.string(), clientOrderId: z.string().optional(), exchange, symbol: z.string(), side: z.enum(['buy', 'sell']), type: z.enum(['limit', 'market']),
  timeInForce: z.enum(['GTC', 'IOC', 'FOK']), price: decimalString.optional(), amount: decimalString, filled: decimalString, cost: decimalString,
  fee: decimalString, feeCurrency: z.string(), status: z.enum(['open', 'closed', 'canceled', 'expired']), fills: z.array(fill),
  locked: decimalString, lockedAsset: z.string(), created: z.number(), updated: z.number(),
});
const transfer = z.object({
  id: z.string(), exchange, kind: z.enum(['withdrawal', 'deposit']), asset: z.string(), network: z.string(), amount: decimalString, fee: decimalString,
  address: z.string(), tag: z.string().optional(), clientId: z.string().optional(), status: z.enum(['pending', 'ok', 'failed']),
  failReason: z.string().optional(), txid: z.string().optional(), created: z.number(), updated: z.number(),
});
const position = z.object({
  exchange, productId: z.string(), amount: decimalString, rewarded: decimalString, since: z.number(),
  unbonding: z.array(z.object({ id: z.string(), amount: decimalString, readyAt: z.number() })),
});

export const simStateSchema = z.object({
  version: z.literal(1),
  accounts: z.object({
    nextId: z.number().int().positive(),
    holdings: z.record(z.string(), z.record(z.string(), z.object({ free: decimalString, used: decimalString }))),
    orders: z.array(order),
  }),
  funding: z.object({ nextId: z.number().int().positive(), transfers: z.array(transfer) }),
  earn: z.object({ nextId: z.number().int().positive(), positions: z.array(position) }),
});

export type SimState = z.output<typeof simStateSchema>;

/** Every Decimal as its decimal string (what goes into the file). */
function plain(value: unknown): unknown {
  if (isDecimal(value)) return formatDecimal(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Reads and validates a state file; undefined when there is none yet. A broken file is an error naming it. */
export function readSimState(file: string): SimState | undefined {
  if (!fs.existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`simulator state ${file} is not JSON (${(err as Error).message}); move it away to start with fresh accounts`);
  }
  const parsed = simStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`simulator state ${file} is not valid: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * Writes the state when it changed since the last write: to a temporary file, then renamed over
 * the old one, so a crash mid-write leaves the previous state, never half a file.
 */
export class SimStateWriter {
  private last = '';

  constructor(private readonly file: string, private readonly snapshot: () => SimState) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  save(): void {
    const text = JSON.stringify(plain(this.snapshot()));
    if (text === this.last) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.file);
    this.last = text;
  }
}
