import type { ExchangeId } from '../market';

/**
 * The A-bot's six slots as plain data (money as decimal strings: this state crosses Temporal's
 * continue-as-new and query boundaries). The rules here only decide; the workflow acts.
 */

export interface SlotStake {
  exchange: ExchangeId;
  productId: string;
  amount: string;
  since: number;
  unbondingMs: number;
  apy?: string;
}

export interface SlotPosition {
  coin: string;
  exchange: ExchangeId;
  /** Base amount held (after fees). */
  amount: string;
  /** USD paid, fees included: the cost basis for the realised PnL. */
  costUsd: string;
  /** Bought by the seat-warmer rule rather than by a signal: these are sold first. */
  seatWarmer: boolean;
  /** Order of opening, for first-in-first-out (times can tie, a counter cannot). */
  openedSeq: number;
  openedAt: number;
  stake: SlotStake | null;
  /** Being unstaked/sold: still occupies the slot, already counted as leaving by the warmer rule. */
  closing?: boolean;
}

export type Slot = SlotPosition | null;

export interface SeatWarmerRules {
  /** Buy warmers while more than this many slots are empty (3). */
  buyWhenEmptyMoreThan: number;
  /** Sell warmers while fewer than this many slots are empty (2). */
  sellWhenEmptyFewerThan: number;
}

export function emptySlots(count: number): Slot[] {
  return Array.from({ length: count }, () => null);
}

export function emptyCount(slots: readonly Slot[]): number {
  return slots.filter((s) => s === null).length;
}

/** The first empty slot, or null when all are taken. */
export function freeSlot(slots: readonly Slot[]): number | null {
  const i = slots.findIndex((s) => s === null);
  return i < 0 ? null : i;
}

/** Indices of seat warmers, oldest first. */
export function seatWarmersOldestFirst(slots: readonly Slot[]): number[] {
  return slots
    .map((s, i) => ({ s, i }))
    .filter((x): x is { s: SlotPosition; i: number } => x.s !== null && x.s.seatWarmer)
    .sort((a, b) => a.s.openedSeq - b.s.openedSeq)
    .map((x) => x.i);
}

export type SeatWarmerAction =
  | { kind: 'buy'; count: number }
  | { kind: 'sell'; slots: number[] }
  | { kind: 'none' };

/**
 * More than `buyWhenEmptyMoreThan` empty: buy warmers until exactly that many are empty.
 * Fewer than `sellWhenEmptyFewerThan` empty: sell warmers, oldest first, until that many are
 * empty (or no warmer is left). Inactive (no capital in this mode): never buy, sell all warmers.
 */
export function seatWarmerAction(slots: readonly Slot[], rules: SeatWarmerRules, active = true): SeatWarmerAction {
  const warmers = seatWarmersOldestFirst(slots).filter((i) => !(slots[i] as SlotPosition).closing);
  if (!active) return warmers.length > 0 ? { kind: 'sell', slots: warmers } : { kind: 'none' };
  // A slot being sold counts as empty already: otherwise a second warmer would be sold for it.
  const empty = emptyCount(slots) + slots.filter((x) => x?.closing).length;
  if (empty > rules.buyWhenEmptyMoreThan) return { kind: 'buy', count: empty - rules.buyWhenEmptyMoreThan };
  if (empty < rules.sellWhenEmptyFewerThan && warmers.length > 0) {
    return { kind: 'sell', slots: warmers.slice(0, rules.sellWhenEmptyFewerThan - empty) };
  }
  return { kind: 'none' };
}

export type BuyPlan =
  | { kind: 'free'; slot: number }
  /** No free slot: the oldest seat warmer is sold first and its slot reused. */
  | { kind: 'evict'; slot: number; coin: string }
  | { kind: 'reject'; code: 'INACTIVE' | 'NO_SLOT' | 'ALREADY_HELD' | 'NOT_IN_UNIVERSE'; reason: string };

/** Where a buy signal for `coin` goes, or why it is refused. */
export function planBuy(slots: readonly Slot[], coin: string, opts: { active: boolean; universe: readonly string[] }): BuyPlan {
  if (!opts.universe.includes(coin)) return { kind: 'reject', code: 'NOT_IN_UNIVERSE', reason: `${coin} is not in the A-bot universe (${opts.universe.join(', ')})` };
  if (!opts.active) return { kind: 'reject', code: 'INACTIVE', reason: 'the A-bot has no capital in the mode in force: it buys nothing new' };
  const held = slots.findIndex((s) => s !== null && s.coin === coin && !s.seatWarmer);
  if (held >= 0) return { kind: 'reject', code: 'ALREADY_HELD', reason: `${coin} is already held by a signal in slot ${held + 1}` };
  const free = freeSlot(slots);
  if (free !== null) return { kind: 'free', slot: free };
  const [oldest] = seatWarmersOldestFirst(slots);
  if (oldest !== undefined) return { kind: 'evict', slot: oldest, coin: (slots[oldest] as SlotPosition).coin };
  return { kind: 'reject', code: 'NO_SLOT', reason: `all ${slots.length} slots hold signal positions and there is no seat warmer to sell` };
}

export type SellPlan = { kind: 'sell'; slot: number } | { kind: 'reject'; reason: string };

/**
 * A sell signal closes the signal position of that coin; otherwise the oldest seat warmer of the
 * coin (first in, first out, like every warmer sale).
 */
export function planSell(slots: readonly Slot[], coin: string): SellPlan {
  const bySignal = slots.findIndex((s) => s !== null && s.coin === coin && !s.seatWarmer);
  const any = bySignal >= 0 ? bySignal : (seatWarmersOldestFirst(slots).find((i) => slots[i]?.coin === coin) ?? -1);
  if (any < 0) return { kind: 'reject', reason: `no slot holds ${coin}: nothing to sell` };
  return { kind: 'sell', slot: any };
}
