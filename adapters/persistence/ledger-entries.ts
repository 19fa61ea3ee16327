import type { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { splitSymbol, type ExchangeId, type Symbol } from '../../domain/market';
import { LedgerKeyConflictError, type Ledger, type LedgerEntry } from '../../ports/ledger';

/**
 * Builders for the ledger lines the system books. Each derives its idempotency keys from a
 * stable business id (client order id, withdrawal id, workflow step), so a retried step books
 * nothing twice. Balance-changing lines carry a signed delta; fees are negative deltas.
 */

type Place = ExchangeId | 'cold-wallet';
const s = formatDecimal;

export interface OrderRef {
  at: number;
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  clientOrderId: string;
  correlationId: string;
}

const orderKey = (o: OrderRef, part: string) => `order:${o.exchange}:${o.clientOrderId}:${part}`;

export function orderAttempt(o: OrderRef & { type: string; amount: Decimal; price?: Decimal; mode: 'paper' | 'live' }): LedgerEntry {
  return {
    kind: 'order-attempt', at: o.at, exchange: o.exchange, correlationId: o.correlationId, idempotencyKey: orderKey(o, 'attempt'),
    details: { symbol: o.symbol, side: o.side, type: o.type, amount: s(o.amount), price: o.price ? s(o.price) : null, clientOrderId: o.clientOrderId, mode: o.mode },
  };
}

export function orderRejected(o: OrderRef & { code: string; reason: string }): LedgerEntry {
  return {
    kind: 'order-rejected', at: o.at, exchange: o.exchange, correlationId: o.correlationId, idempotencyKey: orderKey(o, 'rejected'),
    details: { symbol: o.symbol, side: o.side, clientOrderId: o.clientOrderId, code: o.code, reason: o.reason },
  };
}

export interface FeeLine {
  currency: string;
  amount: Decimal;
  /** Notional (USD) covered by a zero-fee allowance on this fill: the fee book counts it. */
  allowanceUsedUsd?: Decimal;
}

/**
 * A filled order: the base and quote deltas and one fee line per currency. `quoteUsd` (USD per
 * unit of quote, 1 for USD-like quotes) values the quote leg when known.
 */
export function orderFilled(
  o: OrderRef & { orderId: string; filled: Decimal; cost: Decimal; fees: FeeLine[]; quoteUsd?: Decimal; realisedPnlUsd?: Decimal; fillKey?: string },
): LedgerEntry[] {
  const { base, quote } = splitSymbol(o.symbol);
  // An order that fills in several events (a resting limit) books each under its own fill key.
  const fill = o.fillKey === undefined ? 'fill' : `fill:${o.fillKey}`;
  const sign = o.side === 'buy' ? 1 : -1;
  const common = { at: o.at, exchange: o.exchange, correlationId: o.correlationId };
  const details = { symbol: o.symbol, side: o.side, orderId: o.orderId, clientOrderId: o.clientOrderId, filled: s(o.filled), cost: s(o.cost), ...(o.fillKey ? { fillKey: o.fillKey } : {}) };
  const out: LedgerEntry[] = [
    { ...common, kind: 'fill', asset: base, delta: o.filled.times(sign), idempotencyKey: orderKey(o, `${fill}:base`), details },
    {
      ...common, kind: 'fill', asset: quote, delta: o.cost.times(-sign), idempotencyKey: orderKey(o, `${fill}:quote`), details,
      ...(o.quoteUsd ? { usdValue: o.cost.times(-sign).times(o.quoteUsd) } : {}),
      ...(o.realisedPnlUsd ? { realisedPnlUsd: o.realisedPnlUsd } : {}),
    },
  ];
  for (const f of o.fees) out.push(feeEntry({ ...common, asset: f.currency, amount: f.amount, allowanceUsedUsd: f.allowanceUsedUsd, idempotencyKey: orderKey(o, o.fillKey === undefined ? `fee:${f.currency}` : `${fill}:fee:${f.currency}`), details: { symbol: o.symbol, orderId: o.orderId } }));
  return out;
}

export function feeEntry(f: {
  at: number; exchange: ExchangeId; asset: string; amount: Decimal; correlationId: string; idempotencyKey: string;
  allowanceUsedUsd?: Decimal; details?: Record<string, unknown>;
}): LedgerEntry {
  return {
    kind: 'fee', at: f.at, exchange: f.exchange, asset: f.asset, delta: f.amount.negated(), correlationId: f.correlationId, idempotencyKey: f.idempotencyKey,
    details: { ...f.details, ...(f.allowanceUsedUsd ? { allowanceUsedUsd: s(f.allowanceUsedUsd) } : {}) },
  };
}

/** An intra-exchange conversion (e.g. USDT -> USDC) booked as two deltas plus its fee. */
export function conversion(c: {
  at: number; exchange: ExchangeId; from: string; fromAmount: Decimal; to: string; toAmount: Decimal;
  fee?: { currency: string; amount: Decimal }; correlationId: string; key: string; realisedPnlUsd?: Decimal;
}): LedgerEntry[] {
  const common = { at: c.at, exchange: c.exchange, correlationId: c.correlationId };
  const out: LedgerEntry[] = [
    { ...common, kind: 'conversion', asset: c.from, delta: c.fromAmount.negated(), idempotencyKey: `${c.key}:from`, details: { to: c.to } },
    { ...common, kind: 'conversion', asset: c.to, delta: c.toAmount, idempotencyKey: `${c.key}:to`, details: { from: c.from }, ...(c.realisedPnlUsd ? { realisedPnlUsd: c.realisedPnlUsd } : {}) },
  ];
  if (c.fee) out.push(feeEntry({ ...common, asset: c.fee.currency, amount: c.fee.amount, idempotencyKey: `${c.key}:fee` }));
  return out;
}

export function transferOut(t: {
  at: number; from: ExchangeId; to: Place; asset: string; amount: Decimal; fee: Decimal; network: string; withdrawalId: string; correlationId: string;
}): LedgerEntry[] {
  const common = { at: t.at, exchange: t.from, asset: t.asset, correlationId: t.correlationId };
  return [
    { ...common, kind: 'transfer-out', delta: t.amount.negated(), idempotencyKey: `withdrawal:${t.from}:${t.withdrawalId}:out`, details: { to: t.to, network: t.network, withdrawalId: t.withdrawalId } },
    feeEntry({ ...common, exchange: t.from, amount: t.fee, idempotencyKey: `withdrawal:${t.from}:${t.withdrawalId}:fee`, details: { network: t.network, withdrawalId: t.withdrawalId } }),
  ];
}

export function transferIn(t: { at: number; to: Place; from: Place; asset: string; amount: Decimal; txid: string; correlationId: string }): LedgerEntry {
  return {
    kind: 'transfer-in', at: t.at, exchange: t.to, asset: t.asset, delta: t.amount, correlationId: t.correlationId,
    idempotencyKey: `deposit:${t.to}:${t.txid}`, details: { from: t.from, txid: t.txid },
  };
}

/** A withdrawal that failed; `refunded` is what came back to the source balance (if anything). */
export function transferFailed(t: { at: number; from: ExchangeId; asset: string; refunded: Decimal; withdrawalId: string; reason: string; correlationId: string }): LedgerEntry {
  return {
    kind: 'transfer-failed', at: t.at, exchange: t.from, asset: t.asset, delta: t.refunded, correlationId: t.correlationId,
    idempotencyKey: `withdrawal:${t.from}:${t.withdrawalId}:failed`, details: { withdrawalId: t.withdrawalId, reason: t.reason },
  };
}

export function stakingReward(r: { at: number; exchange: ExchangeId; asset: string; amount: Decimal; usdValue?: Decimal; rewardId: string; correlationId: string }): LedgerEntry {
  return {
    kind: 'staking-reward', at: r.at, exchange: r.exchange, asset: r.asset, delta: r.amount, correlationId: r.correlationId,
    idempotencyKey: `reward:${r.exchange}:${r.rewardId}`, ...(r.usdValue ? { usdValue: r.usdValue, realisedPnlUsd: r.usdValue } : {}),
  };
}

/** The monthly sweep: PAXG leaves an exchange and lands in the cold wallet. */
export function sweep(w: { at: number; from: ExchangeId; asset: string; amount: Decimal; month: string; correlationId: string }): LedgerEntry[] {
  const details = { month: w.month };
  return [
    { kind: 'sweep', at: w.at, exchange: w.from, asset: w.asset, delta: w.amount.negated(), correlationId: w.correlationId, idempotencyKey: `sweep:${w.month}:out`, details },
    { kind: 'sweep', at: w.at, exchange: 'cold-wallet', asset: w.asset, delta: w.amount, correlationId: w.correlationId, idempotencyKey: `sweep:${w.month}:in`, details },
  ];
}

export function modeFlip(m: { at: number; from: string; to: string; signalId: string; correlationId: string }): LedgerEntry {
  return { kind: 'mode-flip', at: m.at, correlationId: m.correlationId, idempotencyKey: `mode-flip:${m.signalId}`, details: { from: m.from, to: m.to } };
}

/** A trading decision with its figures (gates passed/failed), for audit; changes no balance. */
export function decision(d: { at: number; exchange?: ExchangeId; correlationId: string; key?: string; details: Record<string, unknown> }): LedgerEntry {
  return { kind: 'decision', at: d.at, correlationId: d.correlationId, details: d.details, ...(d.exchange ? { exchange: d.exchange } : {}), ...(d.key ? { idempotencyKey: d.key } : {}) };
}

/**
 * Opening balances of a venue, booked once (keyed by venue and asset) so that the ledger's
 * implied balances can equal the exchange's: without them every coin held before the first
 * booking would show as a difference. Later arrivals are deposits (`transferIn`), never openings.
 */
export function openingBalances(o: { at: number; exchange: ExchangeId; balances: Record<string, Decimal> }): LedgerEntry[] {
  return Object.entries(o.balances).filter(([, amount]) => !amount.isZero()).map(([asset, amount]) => ({
    kind: 'adjustment' as const, at: o.at, exchange: o.exchange, asset, delta: amount, correlationId: `opening-balances:${o.exchange}`,
    idempotencyKey: `opening:${o.exchange}:${asset}`, details: { what: 'opening-balance' },
  }));
}

export function bookOpeningBalances(ledger: Ledger, o: { at: number; exchange: ExchangeId; balances: Record<string, Decimal> }): boolean {
  const lines = openingBalances(o);
  return lines.length === 0 ? false : ledger.append(lines);
}

/**
 * Opening balances booked by the first process on a fresh paper state file. Amounts already booked
 * with other values are reported, not fatal: `qbot reconcile` shows the gap.
 */
export function bookOpeningOrReport(ledger: Ledger, o: { at: number; exchange: ExchangeId; balances: Record<string, Decimal> }, report: (obj: object, msg: string) => void): void {
  try {
    bookOpeningBalances(ledger, o);
  } catch (err) {
    if (!(err instanceof LedgerKeyConflictError)) throw err;
    report({ exchange: o.exchange, key: err.key }, `${err.message}: the ledger already has other opening balances for this venue`);
  }
}
