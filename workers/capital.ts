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
import { MODE_WORKFLOW_ID, modeQuery } from '../signals/defs';
import { guardSettings } from './qbot-capital';

export { guardSettings, qbotBudgets, qbotConsumerOf, qbotContinuesAttempt } from './qbot-capital';

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

