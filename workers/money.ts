import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import { createMoneyActivities } from '../activities/money';
import { createConversionActivities } from '../activities/money-conversion';
import { usdPrice as usdPriceFromBooks, type BotVenue } from '../activities/bot-trading';
import type { Ledger } from '../ports/ledger';
import type { Clock } from '../ports/clock';
import type { MarketData } from '../ports/market-data';
import { MONEY_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE } from '../signals/defs';
import type { moneyWorkflow, MoneyInput } from '../workflows/money';

/**
 * The money manager's and conversions' activities over the system's venues (the same paper
 * accounts and paper transfers the bots use), with USD prices from the hot path's live books.
 */
export function wireMoney(o: { config: AppConfig; venues: BotVenue[]; marketData: Map<ExchangeId, MarketData>; ledger: Ledger; clock: Clock }) {
  const { settings, coins, networks } = o.config;
  // The same book-mid valuation the bots use (stables at par; the depeg guard is the hot path's).
  const valuation = { venues: o.venues, ledger: o.ledger, clock: o.clock, quoteCurrencies: [...coins.quoteCurrencies] };
  const usdPrice = async (asset: string): Promise<Decimal | undefined> => usdPriceFromBooks(valuation, asset);
  const money: Partial<Record<ExchangeId, { account: BotVenue['account']; funding: NonNullable<BotVenue['funding']>; marketData?: MarketData }>> = {};
  const trade: Partial<Record<ExchangeId, { trading: BotVenue['trading']; marketData: MarketData; booksFills: boolean }>> = {};
  for (const v of o.venues) {
    const md = o.marketData.get(v.exchange);
    // The venue's markets tell the money manager which assets it lists (no USD target on Binance.com).
    if (v.funding) money[v.exchange] = { account: v.account, funding: v.funding, ...(md ? { marketData: md } : {}) };
    if (md) trade[v.exchange] = { trading: v.trading, marketData: md, booksFills: v.booksFills };
  }
  return {
    ...createMoneyActivities({ venues: money, ledger: o.ledger, clock: o.clock, catalogue: networks, rules: settings.transfers, stablecoins: coins.stablecoins, usdPrice }),
    ...createConversionActivities({ venues: trade, ledger: o.ledger, clock: o.clock }),
  };
}

/** The `money` workflow's input from config. */
export function moneyWorkflowInput(config: AppConfig): MoneyInput {
  const { settings, coins } = config;
  const inventory = [...new Set([...coins.arbitrageAssets, ...coins.quoteCurrencies])];
  return {
    exchanges: [...settings.exchanges.enabled],
    inventoryAssets: inventory,
    driftLimitPercent: settings.moneyManager.driftLimitPercent.toFixed(),
    transferMinimumUsd: settings.transfers.minimumUsd.toFixed(),
    approvalAboveUsd: settings.transfers.approvalAboveUsd.toFixed(),
    approvalTimeoutMs: settings.transfers.approvalTimeoutMs,
    depositTimeoutMs: settings.transfers.depositTimeoutMs,
    intervalMs: settings.moneyManager.balanceCheckIntervalMs,
    conversions: {
      interchangeable: Object.keys(coins.stablecoins).concat(Object.values(coins.stablecoins)).filter((a, i, all) => all.indexOf(a) === i),
      bridges: inventory,
      minUsd: settings.qbot.minTradeUsd.toFixed(),
    },
    ...(settings.exchanges.enabled.includes('binance')
      ? {
          bnbReserve: {
            minimumUsd: settings.moneyManager.bnbReserve.minimumUsd.toFixed(), daysOfFeeSpend: settings.moneyManager.bnbReserve.daysOfFeeSpend,
            topUpMaxUsd: settings.moneyManager.bnbReserve.topUpMaxUsd.toFixed(),
          },
        }
      : {}),
    transferAssets: [...settings.moneyManager.transferAssets],
    targetWeights: Object.fromEntries(Object.entries(settings.moneyManager.targetWeights).map(([asset, w]) => [
      asset, Object.fromEntries(Object.entries(w).map(([ex, x]) => [ex, x.toFixed()])),
    ])),
    costRule: { targetAverageUsd: settings.transfers.costTargetUsd.toFixed(), yearlyPercentOfCapital: settings.transfers.yearlyCostBudgetPercentOfCapital.toFixed() },
  };
}

/** Starts `money` unless it already runs (a running one keeps its state). */
export async function ensureMoneyWorkflow(client: Client, config: AppConfig): Promise<void> {
  await client.workflow.start<typeof moneyWorkflow>('moneyWorkflow', {
    workflowId: MONEY_WORKFLOW_ID,
    taskQueue: ORCHESTRATOR_TASK_QUEUE,
    args: [moneyWorkflowInput(config)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
