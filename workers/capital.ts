import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import { Decimal } from '../domain/money/decimal';
import { budgetsFor, type Budgets, type ConsumerId } from '../domain/capital';
import { CapitalGuard } from '../adapters/capital/guard';
import type { CapitalStore } from '../adapters/persistence/capital-sqlite';
import { portfolioUsd, usdPrice, type BotTradingDeps, type BotVenue } from '../activities/bot-trading';
import type { Clock } from '../ports/clock';
import type { TradingMode } from '../domain/allocation';
import type { Ledger } from '../ports/ledger';
import type { OrderRequest } from '../ports/trading';
import { MODE_WORKFLOW_ID, modeQuery } from '../signals/defs';

/** The guard's settings from config (capital.*). */
export function guardSettings(config: AppConfig): { reservationTtlMs: number; balanceMaxAgeMs: number; budgetSlackPercent: Decimal } {
  const c = config.settings.capital;
  return { reservationTtlMs: c.reservationTtlMs, balanceMaxAgeMs: c.balanceMaxAgeMs, budgetSlackPercent: c.budgetSlackPercent };
}

/**
 * Which of the Q-bot's two consumers an order belongs to, from the executor's client order ids:
 * `<attempt>-buy|-sell` are cross legs, `<attempt>-legN` triangular legs; a single-leg correction
 * (`<attempt>-unwind|-hedge`) belongs to the attempt it corrects. Unknown ids count as cross.
 */
export function qbotConsumerOf(): (req: OrderRequest) => ConsumerId {
  const attempts = new Map<string, ConsumerId>();
  return (req) => {
    const id = req.clientOrderId ?? '';
    const known = req.correlationId ? attempts.get(req.correlationId) : undefined;
    const consumer: ConsumerId = /-leg\d+$/.test(id) ? 'qbot-tri' : /-(buy|sell)$/.test(id) ? 'qbot-cross' : known ?? 'qbot-cross';
    if (req.correlationId && !known) {
      attempts.set(req.correlationId, consumer);
      // Only recent attempts can still send a correction: keep the map small.
      if (attempts.size > 1000) attempts.delete(attempts.keys().next().value as string);
    }
    return consumer;
  };
}

/**
 * A Q-bot order whose capital is already counted by its attempt's first order: a cross sell is the
 * other half of the same trade (its buy carries the budget check), triangle legs 2..n spend the
 * proceeds of leg 1, a correction undoes a leg.
 */
export function qbotContinuesAttempt(req: OrderRequest): boolean {
  return !/-(buy|leg1)$/.test(req.clientOrderId ?? '');
}

/** Workflow type -> consumer: bot activities are shared, the workflow that called them is the spender. */
const CONSUMER_OF_WORKFLOW: Record<string, ConsumerId> = {
  abotWorkflow: 'abot',
  gbotWorkflow: 'gbot',
  // The sweep buys PAXG and sends it cold through the G-bot's activities: its own consumer.
  sweepWorkflow: 'sweep',
  moneyWorkflow: 'money',
  rebalanceWorkflow: 'money',
};

/**
 * The consumer of an order placed inside an activity, from the workflow that scheduled it.
 * Anything else (a tool, a test, a workflow added later) is `fallback`: with no budget of its
 * own it is still bound by unreserved balances and may never touch a bot's coins.
 */
export function consumerOfActivity(fallback: ConsumerId = 'money'): () => ConsumerId {
  return () => {
    let type: string | undefined;
    try {
      type = Context.current().info.workflowType;
    } catch {
      type = undefined; // not inside an activity
    }
    return (type && CONSUMER_OF_WORKFLOW[type]) || fallback;
  };
}

/** Venues whose orders, withdrawals and stakes go through the guard as `consumer`'s. */
export function guardVenues(guard: CapitalGuard, venues: BotVenue[], consumer: () => ConsumerId): BotVenue[] {
  return venues.map((v) => ({
    ...v,
    trading: guard.trading(v.trading, v.account, () => consumer()),
    ...(v.funding ? { funding: guard.funding(v.funding, v.account, () => consumer()) } : {}),
    ...(v.staking ? { staking: guard.staking(v.staking, () => consumer()) } : {}),
    // The bots size on what the guard will let them spend, not on the bare free balance.
    spendable: { exchange: v.account.exchange, balances: () => guard.spendable(v.account, consumer()).balances() },
  }));
}

/**
 * The orchestrator's guard (A-bot, G-bot, sweep, money manager): budgets are the mode's split
 * (queried from the `mode` workflow) of the whole portfolio, the same base the bots size on,
 * re-read at most every `refreshMs`.
 */
export function orchestratorGuard(o: { config: AppConfig; store: CapitalStore; venues: BotVenue[]; ledger: Ledger; client: Client; clock: Clock; refreshMs?: number }): CapitalGuard {
  const valuation: BotTradingDeps = { venues: o.venues, ledger: o.ledger, clock: o.clock, quoteCurrencies: [...o.config.coins.quoteCurrencies] };
  const budgets = modeBudgets({
    config: o.config, clock: o.clock, refreshMs: o.refreshMs,
    readMode: async () => (await o.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery)).mode,
    portfolioUsd: () => portfolioUsd(valuation),
  });
  return new CapitalGuard({ store: o.store, clock: o.clock, ...guardSettings(o.config), budgets, usdPrice: (a) => usdPrice(valuation, a) });
}

/**
 * Budgets of the mode in force. The mode is read on every check (a query, cheap for the bots'
 * pace): a flip activates the A-bot or G-bot at once, and a split cached from the previous mode
 * would refuse their first orders. Only the portfolio's value (balances of every venue) is
 * re-read at most every `refreshMs`.
 */
export function modeBudgets(o: { config: AppConfig; clock: Clock; refreshMs?: number; readMode: () => Promise<TradingMode>; portfolioUsd: () => Promise<Decimal> }): () => Promise<Budgets> {
  let valued: { at: number; usd: Decimal } | undefined;
  return async () => {
    const mode = await o.readMode();
    const now = o.clock.now();
    if (!valued || now - valued.at >= (o.refreshMs ?? 10_000)) valued = { at: now, usd: await o.portfolioUsd() };
    return budgetsFor(valued.usd, o.config.settings.modes.allocationPercent[mode], o.config.settings.qbot.splitPercent);
  };
}

/**
 * The hot path's budgets: the Q-bot's own cross/triangular capital (what it sizes trades on).
 * Synchronous, so the guard checks and reserves in the decision's own step.
 */
export function qbotBudgets(capital: () => { cross: Decimal; triangular: Decimal }): () => Budgets {
  return () => {
    const c = capital();
    return { 'qbot-cross': c.cross, 'qbot-tri': c.triangular, abot: null, gbot: null, money: null, sweep: null };
  };
}
