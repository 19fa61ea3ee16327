import type { ExchangeId } from '../domain/market';
import type { Decimal } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { parseDecimal } from '../domain/money/parse';
import type { Clock } from '../ports/clock';
import type { Funding } from '../ports/funding';
import type { Ledger, LedgerEntry } from '../ports/ledger';

/**
 * A deposit that never arrived: the sender completed the withdrawal (status ok, a txid) but the
 * receiver has not credited it by the transfer's deadline. The amount stays booked as sent (it
 * left the sender, the exchange took it) and is kept visible as in transit by one decision line
 * per txid; it is never written off. A late arrival is booked by `settleLateDeposits` under the
 * same idempotency key the transfer itself would have used (`deposit:<to>:<txid>`), so it is
 * credited once whoever sees it first.
 */
export const DEPOSIT_MISSING = 'deposit-missing';

export interface MissingDeposit {
  correlationId: string;
  from: ExchangeId;
  to: ExchangeId;
  asset: string;
  /** Decimal string: what the receiver should credit. */
  inTransit: string;
  txid: string;
  withdrawalId: string;
  /** When the deadline passed (ms). */
  since: number;
}

export function depositMissingEntry(m: MissingDeposit & { reason: string }): LedgerEntry {
  return {
    kind: 'decision', at: m.since, correlationId: m.correlationId, idempotencyKey: `${DEPOSIT_MISSING}:${m.to}:${m.txid}`,
    details: { event: DEPOSIT_MISSING, from: m.from, to: m.to, asset: m.asset, inTransit: m.inTransit, txid: m.txid, withdrawalId: m.withdrawalId, reason: m.reason },
  };
}

/** The deposit as the transfer books it when it arrives in time (the same key and content, so a late booking is the same line). */
export function depositEntry(d: { at: number; to: ExchangeId; from: ExchangeId; asset: string; received: Decimal; txid: string; correlationId: string; late?: boolean }): LedgerEntry {
  return {
    kind: 'transfer-in', at: d.at, exchange: d.to, asset: d.asset, delta: d.received, correlationId: d.correlationId,
    idempotencyKey: `deposit:${d.to}:${d.txid}`, details: { from: d.from, txid: d.txid, ...(d.late ? { late: true } : {}) },
  };
}

/** Missing deposits booked in the ledger whose deposit is not booked yet (oldest first). */
export function openMissingDeposits(ledger: Ledger, q: { since?: number } = {}): MissingDeposit[] {
  const out: MissingDeposit[] = [];
  const seen = new Set<string>();
  // Transfers are few (hot path decisions are many): start from what left an exchange.
  for (const sent of ledger.entries({ kind: 'transfer-out', ...(q.since !== undefined ? { since: q.since } : {}) })) {
    if (seen.has(sent.correlationId)) continue;
    seen.add(sent.correlationId);
    const lines = ledger.entries({ correlationId: sent.correlationId });
    for (const e of lines) {
      if (e.kind !== 'decision' || e.details?.event !== DEPOSIT_MISSING) continue;
      const d = e.details as Record<string, string>;
      if (lines.some((x) => x.idempotencyKey === `deposit:${d.to}:${d.txid}`)) continue;
      out.push({
        correlationId: e.correlationId, from: d.from as ExchangeId, to: d.to as ExchangeId, asset: d.asset as string, inTransit: d.inTransit as string,
        txid: d.txid as string, withdrawalId: d.withdrawalId as string, since: e.at,
      });
    }
  }
  return out;
}

export interface LateDepositDeps {
  ledger: Ledger;
  funding: Partial<Record<ExchangeId, Pick<Funding, 'depositStatus'>>>;
  clock: Clock;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * Asks each receiver again about every open missing deposit; one that has arrived since is booked
 * (once: the deposit's own key) with a `deposit-late` line. Returns what arrived and what is still
 * missing. A receiver that cannot be asked now keeps its deposits missing (asked again next time).
 */
export async function settleLateDeposits(deps: LateDepositDeps): Promise<{ arrived: MissingDeposit[]; missing: MissingDeposit[] }> {
  const arrived: MissingDeposit[] = [];
  const missing: MissingDeposit[] = [];
  for (const m of openMissingDeposits(deps.ledger)) {
    const funding = deps.funding[m.to];
    const d = funding ? await funding.depositStatus({ asset: m.asset, txid: m.txid, since: m.since - 86_400_000 }) : undefined;
    if (d?.status !== 'confirmed') {
      missing.push(m);
      continue;
    }
    const at = deps.clock.now();
    const received = d.amount ?? parseDecimal(m.inTransit);
    deps.ledger.append([
      depositEntry({ at, to: m.to, from: m.from, asset: m.asset, received, txid: m.txid, correlationId: m.correlationId, late: true }),
      {
        kind: 'decision', at, correlationId: m.correlationId, idempotencyKey: `deposit-late:${m.to}:${m.txid}`,
        details: { event: 'deposit-late', to: m.to, asset: m.asset, received: formatDecimal(received), txid: m.txid, missingSince: m.since },
      },
    ]);
    deps.logger?.info({ ...m, received: formatDecimal(received) }, 'a missing deposit arrived late: booked once');
    arrived.push(m);
  }
  if (missing.length) deps.logger?.warn({ missing }, 'deposits still missing (booked as sent, kept in transit)');
  return { arrived, missing };
}
