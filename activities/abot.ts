import { ApplicationFailure } from '@temporalio/activity';
import { Decimal, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { chooseSeatWarmer, highestYield, type YieldOption } from '../domain/abot/staking';
import type { ExchangeId } from '../domain/market';
import { stakingReward } from '../adapters/persistence/ledger-entries';
import type { LedgerEntry } from '../ports/ledger';
import { bookedOutcome, bookOutcome, buyBest, portfolioUsd, sellBest, usdPrice, venueOf, type BotTradingDeps, type TradeResult } from './bot-trading';

/**
 * The A-bot's activities: thin steps over the ports. Every step takes an idempotency key from the
 * workflow, books its outcome under it, and on a retry returns what was booked instead of acting
 * again; orders carry the key as client order id, so even a retry that never saw the booking
 * cannot buy twice.
 */
export interface AbotActivityDeps extends BotTradingDeps {
  /** coins.json abotUniverse. */
  universe: string[];
}

export type StakeResult =
  | { status: 'staked'; exchange: ExchangeId; productId: string; amount: string; apy: string; unbondingMs: number; since: number }
  | { status: 'not-staked'; reason: string };

export type UnstakeResult =
  | { status: 'unstaking'; availableAt: number; rewards: string; rewardsUsd: string }
  | { status: 'rejected'; reason: string };

export interface SaleResult {
  trade: TradeResult;
  /** Net proceeds minus the cost basis, when the sale went through. */
  realisedPnlUsd?: string;
}

const s = formatDecimal;

export function createAbotActivities(deps: AbotActivityDeps) {
  const products = async (asset?: string, exchange?: ExchangeId): Promise<YieldOption[]> => {
    const out: YieldOption[] = [];
    for (const v of deps.venues) {
      if (!v.staking || (exchange && v.exchange !== exchange)) continue;
      const p = await v.staking.products(asset);
      if (Array.isArray(p)) out.push(...p);
    }
    return out;
  };

  return {
    /** The capital the A-bot's share is taken from: everything held, in USD. */
    async abotCapitalUsd(): Promise<string> {
      return s(await portfolioUsd(deps));
    },

    /** The highest-yield stakable coin of the universe that a venue trades, for a seat warmer, or null. */
    async abotSeatWarmerCoin(input: { held: string[] }): Promise<{ coin: string; apy: string } | null> {
      // Coins with an active market in a quote currency the bots pay with, on some wired venue.
      const tradable = [...new Set(deps.venues.flatMap((v) => v.markets.filter((m) => m.active && deps.quoteCurrencies.includes(m.quote)).map((m) => m.base)))];
      const best = chooseSeatWarmer(await products(), deps.universe, input.held, tradable);
      return best ? { coin: best.asset, apy: s(best.apy) } : null;
    },

    async abotBuy(input: { key: string; coin: string; budgetUsd: string; seatWarmer: boolean }): Promise<TradeResult> {
      const known = bookedOutcome<TradeResult>(deps, input.key);
      if (known) return known;
      const trade = await buyBest(deps, { key: input.key, asset: input.coin, budgetUsd: new Decimal(input.budgetUsd) });
      return bookOutcome(deps, input.key, 'abot-buy', { ...trade, coin: input.coin, seatWarmer: input.seatWarmer, budgetUsd: input.budgetUsd }) as TradeResult;
    },

    /** Stakes on the exchange holding the coins, in its highest-yield product (no transfer for yield). */
    async abotStake(input: { key: string; coin: string; exchange: ExchangeId; amount: string }): Promise<StakeResult> {
      const known = bookedOutcome<StakeResult>(deps, input.key);
      if (known) return known;
      const amount = new Decimal(input.amount);
      const best = highestYield(await products(input.coin, input.exchange), { amount });
      if (!best) return bookOutcome(deps, input.key, 'abot-stake', { status: 'not-staked', reason: `${input.coin} is not stakable on ${input.exchange}` } as StakeResult);
      const venue = venueOf(deps, input.exchange);
      const r = await (venue.staking as NonNullable<typeof venue.staking>).stake(best.productId, amount, input.key);
      if (r.status === 'rejected') return bookOutcome(deps, input.key, 'abot-stake', { status: 'not-staked', reason: `${r.code}: ${r.reason}` } as StakeResult);
      const at = deps.clock.now();
      const line: LedgerEntry = { kind: 'stake', at, exchange: input.exchange, asset: input.coin, delta: amount.negated(), correlationId: input.key, idempotencyKey: `${input.key}:stake`, details: { productId: best.productId, apy: s(best.apy), paper: venue.paper } };
      const out: StakeResult = { status: 'staked', exchange: input.exchange, productId: best.productId, amount: input.amount, apy: s(best.apy), unbondingMs: best.unbondingMs, since: at };
      return bookOutcome(deps, input.key, 'abot-stake', out, [line]);
    },

    /** Starts unstaking; rewards paid with it are booked as realised profit. */
    async abotUnstake(input: { key: string; coin: string; exchange: ExchangeId; productId: string; amount: string }): Promise<UnstakeResult> {
      const known = bookedOutcome<UnstakeResult>(deps, input.key);
      if (known) return known;
      const staking = venueOf(deps, input.exchange).staking;
      if (!staking) return bookOutcome(deps, input.key, 'abot-unstake', { status: 'rejected', reason: `no staking on ${input.exchange}` } as UnstakeResult);
      const r = await staking.unstake(input.productId, new Decimal(input.amount), input.key);
      if (r.status === 'rejected') return bookOutcome(deps, input.key, 'abot-unstake', { status: 'rejected', reason: `${r.code}: ${r.reason}` } as UnstakeResult);
      const rewards = r.rewardsPaid ?? ZERO;
      const rewardsUsd = rewards.times(usdPrice(deps, input.coin) ?? ZERO);
      const at = deps.clock.now();
      const lines: LedgerEntry[] = rewards.gt(ZERO) ? [stakingReward({ at, exchange: input.exchange, asset: input.coin, amount: rewards, usdValue: rewardsUsd, rewardId: r.id, correlationId: input.key })] : [];
      const out: UnstakeResult = { status: 'unstaking', availableAt: r.availableAt ?? at, rewards: s(rewards), rewardsUsd: s(rewardsUsd) };
      return bookOutcome(deps, input.key, 'abot-unstake', out, lines);
    },

    /**
     * After the workflow's unbonding timer: the coins must be free again. Not yet (a venue slower
     * than it said) is a retryable failure, so Temporal keeps checking on its retry schedule.
     */
    async abotUnbonded(input: { key: string; coin: string; exchange: ExchangeId; amount: string }): Promise<{ free: string }> {
      const venue = venueOf(deps, input.exchange);
      await venue.staking?.positions(); // a venue settles matured unbondings when asked
      const b = await venue.account.balances();
      const free = 'assets' in b ? (b.assets[input.coin]?.free ?? ZERO) : ZERO;
      if (free.lt(new Decimal(input.amount))) {
        throw ApplicationFailure.retryable(`${input.coin} on ${input.exchange}: ${s(free)} free, waiting for ${input.amount} to unbond`, 'NotYetUnbonded');
      }
      deps.ledger.append([{ kind: 'unstake', at: deps.clock.now(), exchange: input.exchange, asset: input.coin, delta: new Decimal(input.amount), correlationId: input.key, idempotencyKey: `${input.key}:unbonded`, details: { paper: venue.paper } }]);
      return { free: s(free) };
    },

    /** What the exchange really holds free of a coin (read before acting on a position); null when unreadable. */
    async abotHolding(input: { coin: string; exchange: ExchangeId }): Promise<{ free: string | null; reason?: string }> {
      const b = await venueOf(deps, input.exchange).account.balances();
      if (!('assets' in b)) return { free: null, reason: b.reason };
      return { free: s(b.assets[input.coin]?.free ?? ZERO) };
    },

    /** Sells the position on its exchange and books the realised PnL against its cost basis. */
    async abotSell(input: { key: string; coin: string; exchange: ExchangeId; amount: string; costUsd: string }): Promise<SaleResult> {
      const known = bookedOutcome<SaleResult>(deps, input.key);
      if (known) return known;
      const trade = await sellBest(deps, { key: input.key, asset: input.coin, amount: new Decimal(input.amount), exchange: input.exchange });
      if (trade.status !== 'confirmed') return bookOutcome(deps, input.key, 'abot-sell', { trade });
      const pnl = new Decimal(trade.usd).minus(new Decimal(input.costUsd));
      return bookOutcome(deps, input.key, 'abot-sell', { trade, realisedPnlUsd: s(pnl) }, [], pnl);
    },

    /** A decision that changes nothing (a refused signal, an activation): booked for the audit trail. */
    async abotRecord(input: { key: string; what: string; details: Record<string, unknown> }): Promise<void> {
      bookOutcome(deps, input.key, input.what, input.details);
    },
  };
}

export type AbotActivities = ReturnType<typeof createAbotActivities>;
