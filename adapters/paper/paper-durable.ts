import { z } from 'zod';
import { formatDecimal } from '../../domain/money/format';
import { decimalString } from '../../domain/money/schemas';
import type { ExchangeId } from '../../domain/market';
import type { Rejected } from '../../ports/outcomes';
import type { OrderOutcome } from '../../ports/trading';

/**
 * Row shapes of the paper venues' durable state (state.sqlite): order outcomes by client order id,
 * staking positions, unbonding coins, staking keys and transfers in flight. Money is a decimal
 * string on disk and a Decimal in memory; every row is validated on the way back in.
 */

const s = formatDecimal;

const fillRow = z.strictObject({ price: decimalString, amount: decimalString, fee: decimalString, feeCurrency: z.string(), tradeId: z.string().optional() });

/**
 * `pending`: a process (pid `owner`) has claimed the client order id and is executing it; its
 * outcome replaces the row in the same transaction as the fill. `owner` on a confirmed row: the
 * process whose resting order it is (only that process fills it).
 */
export const orderOutcomeRow = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('confirmed'), exchange: z.string(), symbol: z.string(), side: z.enum(['buy', 'sell']), orderId: z.string(), clientOrderId: z.string(),
    amount: decimalString, filled: decimalString, averagePrice: decimalString, cost: decimalString, fills: z.array(fillRow),
    fees: z.array(z.strictObject({ currency: z.string(), amount: decimalString })), orderStatus: z.enum(['closed', 'canceled', 'expired', 'open']), timestamp: z.number(),
    owner: z.number().int().optional(),
  }),
  z.strictObject({ status: z.literal('rejected'), code: z.string(), reason: z.string(), retryable: z.boolean(), clientOrderId: z.string() }),
  z.strictObject({ status: z.literal('pending'), clientOrderId: z.string(), owner: z.number().int(), claimedAt: z.number() }),
]);
export type OrderRow = z.output<typeof orderOutcomeRow>;

export function orderOutcomeToRow(o: OrderOutcome, owner?: number): z.input<typeof orderOutcomeRow> {
  if (o.status === 'rejected') return { status: 'rejected', code: o.code, reason: o.reason, retryable: o.retryable, clientOrderId: o.clientOrderId };
  return {
    status: 'confirmed', exchange: o.exchange, symbol: o.symbol, side: o.side, orderId: o.orderId, clientOrderId: o.clientOrderId,
    amount: s(o.amount), filled: s(o.filled), averagePrice: s(o.averagePrice), cost: s(o.cost),
    fills: o.fills.map((f) => ({ price: s(f.price), amount: s(f.amount), fee: s(f.fee), feeCurrency: f.feeCurrency, ...(f.tradeId ? { tradeId: f.tradeId } : {}) })),
    fees: o.fees.map((f) => ({ currency: f.currency, amount: s(f.amount) })), orderStatus: o.orderStatus, timestamp: o.timestamp,
    ...(owner !== undefined && o.orderStatus === 'open' ? { owner } : {}),
  };
}

export function orderOutcomeFromRow(r: Exclude<OrderRow, { status: 'pending' }>): OrderOutcome {
  if (r.status === 'rejected') return { status: 'rejected', code: r.code as Rejected['code'], reason: r.reason, retryable: r.retryable, clientOrderId: r.clientOrderId };
  const { owner: _owner, ...outcome } = r;
  return { ...outcome, exchange: r.exchange as ExchangeId };
}

/** Whether the process `pid` still runs (the state file is local, so its processes share this host). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A staking position; `accruedTo` is the time its rewards were last brought up to date. */
export const stakingPositionRow = z.strictObject({ amount: decimalString, rewards: decimalString, accruedTo: z.number() });
export const unbondingRow = z.array(z.strictObject({ asset: z.string(), amount: decimalString, availableAt: z.number() }));
export const stakeOutcomeRow = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('confirmed'), productId: z.string(), asset: z.string(), amount: decimalString, id: z.string(),
    availableAt: z.number().optional(), rewardsPaid: decimalString.optional(),
  }),
  z.strictObject({ status: z.literal('rejected'), code: z.string(), reason: z.string(), retryable: z.boolean() }),
]);

/** A transfer between paper venues, on its way (or arrived: `credited`). */
export const transferRow = z.strictObject({
  txid: z.string(), to: z.string(), asset: z.string(), amount: decimalString, sentAt: z.number(), creditAt: z.number(), credited: z.boolean(),
});
