import { Decimal, ZERO } from '../money/decimal';
import { formatDecimal } from '../money/format';
import { splitCapital, splitQbotCapital, type AllocationPercent } from '../allocation';

/**
 * Who spends capital. Each consumer has its own budget from the mode's split and reserves what an
 * order or a withdrawal would spend before it leaves; the Q-bot's two strategies are separate
 * consumers so one cannot eat the other's share.
 */
export type ConsumerId = 'qbot-cross' | 'qbot-tri' | 'abot' | 'gbot' | 'money' | 'sweep';
export const CONSUMERS: readonly ConsumerId[] = ['qbot-cross', 'qbot-tri', 'abot', 'gbot', 'money', 'sweep'];

export function isConsumerId(x: unknown): x is ConsumerId {
  return typeof x === 'string' && (CONSUMERS as readonly string[]).includes(x);
}

/**
 * Consumers whose purchases are theirs to keep (A-bot slot coins, G-bot PAXG, the sweep's PAXG
 * on its way to the cold wallet): no other consumer may sell or send those coins. The Q-bot and
 * the money manager work on the common inventory and own nothing.
 */
export const HOLDING_OWNERS: readonly ConsumerId[] = ['abot', 'gbot', 'sweep'];
export const ownsHoldings = (c: ConsumerId): boolean => HOLDING_OWNERS.includes(c);

/** USD budget per consumer; null = no cap of its own (it moves or spends others' money under their rules). */
export type Budgets = Record<ConsumerId, Decimal | null>;

/**
 * Budgets from the mode's split: A-bot and G-bot get their percent of the capital, the Q-bot's
 * share is divided between cross and triangular by qbot.splitPercent. The money manager
 * (conversions, transfers between venues) and the sweep (a share of profit, its own monthly rule)
 * have no budget of their own; they are still bound by unreserved balances and by ownership.
 */
export function budgetsFor(capitalUsd: Decimal, percent: AllocationPercent, qbotSplit: { cross: Decimal; triangular: Decimal }): Budgets {
  const bots = splitCapital(capitalUsd, percent);
  const q = splitQbotCapital(bots.qbot, qbotSplit);
  return { 'qbot-cross': q.cross, 'qbot-tri': q.triangular, abot: bots.abot, gbot: bots.gbot, money: null, sweep: null };
}

export type CapitalRefusalReason = 'INSUFFICIENT_UNRESERVED' | 'OWNED_BY_OTHER_BOT' | 'OVER_BUDGET' | 'NO_USD_PRICE';

export interface SpendRequest {
  consumer: ConsumerId;
  venue: string;
  asset: string;
  amount: Decimal;
}

/** Everything the check needs about one venue's asset and the consumer, read in one transaction. */
export interface CapitalView {
  /** The exchange's free balance, corrected by the guarded fills and withdrawals booked since it was read. */
  free: Decimal;
  /** Open reservations of every consumer on this venue and asset (the request's own excluded). */
  reserved: Decimal;
  /** Coins of this asset on this venue held by bots, per owner (staked coins are not in here). */
  owned: Partial<Record<ConsumerId, Decimal>>;
  /** The consumer's budget (null: none). */
  budgetUsd: Decimal | null;
  /** USD the consumer already has at work: its open reservations plus, for owners, its holdings at cost. */
  committedUsd: Decimal;
  /** USD price of the asset (undefined: no view; only matters when a budget must be checked). */
  usdPrice: Decimal | undefined;
}

export type SpendVerdict =
  | { ok: true; usd: Decimal | undefined }
  | { ok: false; reason: CapitalRefusalReason; detail: string };

const s = formatDecimal;

/**
 * May `consumer` spend `amount` of `asset` on `venue`? Checked in this order, so the reason names
 * the first thing that stops it: the free balance less every open reservation; then the coins
 * other bots hold; then the consumer's budget (only for what it does not already own: selling
 * its own coins puts no new capital at work).
 */
export function canSpend(req: SpendRequest, view: CapitalView): SpendVerdict {
  const where = `${req.asset} on ${req.venue}`;
  if (!req.amount.gt(ZERO)) throw new Error(`capital check: amount must be positive, got ${s(req.amount)}`);
  const unreserved = Decimal.max(ZERO, view.free.minus(view.reserved));
  if (req.amount.gt(unreserved)) {
    return { ok: false, reason: 'INSUFFICIENT_UNRESERVED', detail: `${req.consumer} needs ${s(req.amount)} ${where}: ${s(view.free)} free, ${s(view.reserved)} reserved by open orders, ${s(unreserved)} unreserved` };
  }
  let othersOwn = ZERO;
  const owners: string[] = [];
  for (const [owner, amount] of Object.entries(view.owned) as Array<[ConsumerId, Decimal]>) {
    if (owner === req.consumer || !amount.gt(ZERO)) continue;
    othersOwn = othersOwn.plus(amount);
    owners.push(`${owner} ${s(amount)}`);
  }
  if (req.amount.gt(unreserved.minus(othersOwn))) {
    return { ok: false, reason: 'OWNED_BY_OTHER_BOT', detail: `${req.consumer} needs ${s(req.amount)} ${where}: ${s(unreserved)} unreserved, of which ${owners.join(', ')} held by other bots` };
  }
  const ownHeld = view.owned[req.consumer] ?? ZERO;
  const fresh = Decimal.max(ZERO, req.amount.minus(ownHeld));
  if (view.budgetUsd === null || fresh.isZero()) return { ok: true, usd: view.usdPrice?.times(req.amount) };
  if (!view.usdPrice) return { ok: false, reason: 'NO_USD_PRICE', detail: `${req.consumer} has a budget but ${req.asset} has no USD price to check it against` };
  const usd = fresh.times(view.usdPrice);
  if (view.committedUsd.plus(usd).gt(view.budgetUsd)) {
    return { ok: false, reason: 'OVER_BUDGET', detail: `${req.consumer} would have ${s(view.committedUsd.plus(usd).toDecimalPlaces(2))} USD at work (${s(view.committedUsd.toDecimalPlaces(2))} already + ${s(usd.toDecimalPlaces(2))}), over its budget of ${s(view.budgetUsd.toDecimalPlaces(2))} USD` };
  }
  return { ok: true, usd: view.usdPrice.times(req.amount) };
}

/** What an order or withdrawal spends: a buy spends quote (amount × limit price), a sell base. */
export function spendOf(order: { symbol: string; side: 'buy' | 'sell'; amount: Decimal; price?: Decimal }): { asset: string; amount: Decimal } | { error: string } {
  const [base, quote] = order.symbol.split('/');
  if (!base || !quote) return { error: `symbol ${order.symbol} is not BASE/QUOTE` };
  if (order.side === 'sell') return { asset: base, amount: order.amount };
  if (!order.price) return { error: `a buy of ${order.symbol} without a limit price cannot be reserved (how much ${quote} would it spend?)` };
  return { asset: quote, amount: order.amount.times(order.price) };
}
