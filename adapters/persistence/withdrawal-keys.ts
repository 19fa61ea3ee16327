import { z } from 'zod';
import type { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { decimalString } from '../../domain/money/schemas';
import type { StateStore } from './state-sqlite';

/** What a withdrawal asked for: a key stands for exactly this, forever. */
export interface WithdrawalIntent {
  key: string;
  exchange: string;
  asset: string;
  amount: Decimal;
  address: string;
  network: string;
  tag?: string;
}

const intentRow = z.strictObject({
  exchange: z.string(),
  asset: z.string(),
  amount: decimalString,
  address: z.string(),
  network: z.string(),
  tag: z.string().optional(),
  /** When the intent was first written (ms); the exchange is searched from a little before it. */
  at: z.number().int(),
  /** Set once the exchange's answer is known: the venue's withdrawal id, or a definite refusal. */
  outcome: z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('submitted'), id: z.string(), at: z.number().int() }),
    z.strictObject({ status: z.literal('rejected'), code: z.string(), reason: z.string(), at: z.number().int() }),
  ]).optional(),
});
export type WithdrawalKeyRow = z.infer<typeof intentRow>;

/** Names the field that differs between what a key was first used for and a new request. */
export function intentDifference(row: WithdrawalKeyRow, want: WithdrawalIntent): string | undefined {
  if (row.exchange !== want.exchange) return `exchange ${row.exchange} != ${want.exchange}`;
  if (row.asset !== want.asset) return `asset ${row.asset} != ${want.asset}`;
  if (!row.amount.eq(want.amount)) return `amount ${formatDecimal(row.amount)} != ${formatDecimal(want.amount)}`;
  if (row.address !== want.address) return 'address differs';
  if (row.network !== want.network) return `network ${row.network} != ${want.network}`;
  if ((row.tag ?? '') !== (want.tag ?? '')) return 'tag differs';
  return undefined;
}

/**
 * Live withdrawal idempotency keys in state.sqlite (scope `withdrawal-keys:<exchange>`): the intent
 * is written (fsynced) BEFORE the withdraw call and the outcome after it. A key with an intent and
 * no outcome may have reached the exchange (a crash or a timeout in between): it is looked up there,
 * never sent again blindly. A key without a row was never sent by this account.
 */
export class WithdrawalKeyStore {
  private readonly scope: string;

  constructor(private readonly store: StateStore, exchange: string) {
    this.scope = `withdrawal-keys:${exchange}`;
  }

  get(key: string): WithdrawalKeyRow | undefined {
    return this.store.get(this.scope, key, intentRow);
  }

  /** Writes the intent (a fresh key, or one whose last answer was a definite refusal: a new attempt). */
  recordIntent(intent: WithdrawalIntent, at: number): void {
    this.store.set(this.scope, intent.key, {
      exchange: intent.exchange, asset: intent.asset, amount: formatDecimal(intent.amount), address: intent.address, network: intent.network,
      ...(intent.tag ? { tag: intent.tag } : {}), at,
    }, at);
  }

  recordOutcome(key: string, outcome: { status: 'submitted'; id: string } | { status: 'rejected'; code: string; reason: string }, at: number): void {
    this.store.transaction(() => {
      const row = this.get(key);
      if (!row) throw new Error(`withdrawal key ${key}: an outcome without an intent`);
      this.store.set(this.scope, key, { ...toRow(row), outcome: { ...outcome, at } }, at);
    });
  }

  /** Venue withdrawal ids already owned by some key: a history match must not claim them twice. */
  claimedIds(): Set<string> {
    const ids = new Set<string>();
    for (const [, row] of this.store.all(this.scope, intentRow)) if (row.outcome?.status === 'submitted') ids.add(row.outcome.id);
    return ids;
  }
}

function toRow(row: WithdrawalKeyRow): z.input<typeof intentRow> {
  return { ...row, amount: formatDecimal(row.amount) };
}
