import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';

export type LedgerEntryKind =
  | 'order-attempt'
  | 'fill'
  | 'fee'
  | 'order-rejected'
  | 'conversion'
  | 'transfer-out'
  | 'transfer-in'
  | 'transfer-failed'
  | 'staking-reward'
  | 'stake'
  | 'unstake'
  | 'sweep'
  | 'mode-flip'
  | 'decision'
  | 'adjustment';

/** One append-only ledger line. Balance-changing entries carry (asset, delta). */
export interface LedgerEntry {
  kind: LedgerEntryKind;
  at: number;
  exchange?: ExchangeId | 'cold-wallet';
  asset?: string;
  /** Signed change of the asset's balance. */
  delta?: Decimal;
  /** USD value of the change when known (for PnL). */
  usdValue?: Decimal;
  /** Realised PnL in USD booked by this entry (trades, unwinds, sales). */
  realisedPnlUsd?: Decimal;
  /** Groups the entries of one attempt, transfer or workflow step. */
  correlationId: string;
  /** Idempotency: an entry with a key already present is not written again. */
  idempotencyKey?: string;
  /** Free-form details (decimal strings only for money). */
  details?: Record<string, unknown>;
}

export interface StoredLedgerEntry extends LedgerEntry {
  id: number;
}

/** The balance-relevant content of a line, as compared when its idempotency key is met again. */
export interface LedgerKeyContent {
  kind: string;
  exchange: string | null;
  asset: string | null;
  delta: string | null;
  correlationId: string;
}

/**
 * An idempotency key already booked with different content: two different events got the same
 * business id (e.g. ids that restarted after a restart). Never a silent skip: the batch is not
 * written and the caller must surface it.
 */
export class LedgerKeyConflictError extends Error {
  readonly code = 'LEDGER_KEY_CONFLICT' as const;
  constructor(readonly key: string, readonly booked: LedgerKeyContent, readonly attempted: LedgerKeyContent) {
    const show = (c: LedgerKeyContent) => `${c.kind} ${c.exchange ?? '-'} ${c.asset ?? '-'} ${c.delta ?? '-'} (${c.correlationId})`;
    super(`LEDGER_KEY_CONFLICT: key ${key} is booked as ${show(booked)}, refused ${show(attempted)}`);
    this.name = 'LedgerKeyConflictError';
  }
}

export interface Ledger {
  /**
   * Durable before it resolves; returns false when every idempotency key it meets was already
   * booked with the same content (a replay); throws LedgerKeyConflictError when a key is booked
   * with different content, writing nothing.
   */
  append(entries: LedgerEntry[]): boolean;
  entries(q?: { kind?: LedgerEntryKind; correlationId?: string; since?: number }): StoredLedgerEntry[];
  realisedPnlUsd(q?: { since?: number; until?: number }): Decimal;
  feesPaid(q?: { since?: number; exchange?: ExchangeId }): Array<{ exchange: string; asset: string; amount: Decimal }>;
  impliedBalances(): Array<{ exchange: string; asset: string; amount: Decimal }>;
  /**
   * What each transfer that left an exchange cost (rule 25): the `costUsd` of every rebalance
   * decision whose money moved (completed, or stuck after sending), oldest first.
   */
  transferCosts(q?: { since?: number }): Array<{ at: number; correlationId: string; costUsd: Decimal }>;
}
