import type { Client } from '@temporalio/client';
import type { FeeBook } from '../domain/fees';
import type { AccountFeeSource } from '../adapters/exchanges/account-fees';
import { LedgerAllowanceSync } from '../adapters/persistence/fee-book-setup';
import type { AppConfig } from '../config';
import { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import { PaperStaking } from '../adapters/paper/paper-staking';
import { PaperFunding } from '../adapters/paper/paper-funding';
import { PaperTransferNetwork } from '../adapters/paper/paper-transfers';
import { GOLD_NETWORK, PAPER_NETWORKS } from './paper-networks';
import { createAbotActivities } from '../activities/abot';
import { createGbotActivities } from '../activities/gbot';
import { createSweepActivities, modeFromTemporal } from '../activities/sweep';
import { botWorkflowInputs, createAbotInboxActivities, signalBotTransition, type AbotInboxActivities } from '../activities/bot-signals';
import type { BotTransitionInput } from '../activities/mode';
import type { BotVenue } from '../activities/bot-trading';
import type { Ledger } from '../ports/ledger';
import type { Clock } from '../ports/clock';
import type { HotpathProcess } from './hotpath';
import { MODE_WORKFLOW_ID, modeQuery } from '../signals/defs';


/** The A-bot, G-bot and sweep activities over the system's venues. */
export interface BotWiring {
  activities: ReturnType<typeof createAbotActivities> & ReturnType<typeof createGbotActivities> & ReturnType<typeof createSweepActivities> & AbotInboxActivities;
  /** For the mode activities: hands each flip's transition to the A-bot / G-bot workflow. */
  onBotTransition: (t: BotTransitionInput) => Promise<boolean>;
}

/**
 * The venues the orchestrator's activities act on. In paper mode: the hot path's paper accounts
 * (one paper inventory for the whole system) with paper staking and paper withdrawals (to the
 * cold wallet and between paper venues); in live mode the exchange adapters themselves.
 */
export async function systemVenues(o: { config: AppConfig; hotpath: HotpathProcess; clock: Clock }): Promise<BotVenue[]> {
  const { coins, env } = o.config;
  const cold = env.COLD_WALLET_ADDRESS;
  // One paper "chain" between the paper venues, so rebalances move paper money end to end.
  // Durable with the paper inventory: transfers in flight at a restart still arrive, once.
  const transfers = new PaperTransferNetwork(o.clock, undefined, o.hotpath.paper?.state);
  return Promise.all(o.hotpath.venues.map(async (v): Promise<BotVenue> => {
    const exchange: ExchangeId = v.exchange;
    const paper = o.hotpath.paper;
    const trading = paper?.trading.get(exchange);
    const wallet = paper?.wallets.get(exchange);
    const markets = (paper?.markets ?? []).filter((m) => m.exchange === exchange);
    const books = (symbol: string) => o.hotpath.qbot.cache.get(exchange, symbol)?.book;
    if (paper && trading && wallet) {
      transfers.register(exchange, wallet);
      return {
        exchange, trading, account: trading, markets, books, paper: true, booksFills: true,
        staking: new PaperStaking({ exchange, wallet, table: coins.paperStaking ?? {}, clock: o.clock, store: paper.state }),
        // Withdrawal keys in the same store as the wallet: a restart never sends a withdrawal twice.
        funding: new PaperFunding({ exchange, wallet, networks: PAPER_NETWORKS, allowedAddresses: cold ? [cold] : [], transfers, store: paper.state }),
      };
    }
    return { exchange, trading: v.trading, account: v.account, staking: v.staking, funding: v.funding, markets: await v.marketData.markets(), books, paper: false, booksFills: false };
  }));
}

export function wireBots(o: { config: AppConfig; venues: BotVenue[]; ledger: Ledger; clock: Clock; client: Client; fees?: { book: FeeBook; source?: AccountFeeSource } }): BotWiring {
  const { settings, coins, env } = o.config;
  const cold = env.COLD_WALLET_ADDRESS;
  const venues = o.venues;
  // Live bot fills spend the zero-fee allowance where the hot path sees it (the ledger) and check the tier.
  const fees = o.fees ? { book: o.fees.book, sync: new LedgerAllowanceSync(o.fees.book, o.ledger), ...(o.fees.source ? { source: o.fees.source } : {}) } : undefined;
  const base = { venues, ledger: o.ledger, clock: o.clock, quoteCurrencies: [...coins.quoteCurrencies], ...(fees ? { fees } : {}) };
  const inputs = botWorkflowInputs(settings, coins);
  return {
    activities: {
      ...createAbotActivities({ ...base, universe: [...coins.abotUniverse] }),
      ...createGbotActivities({ ...base, goldAsset: coins.goldAsset, goldNetwork: GOLD_NETWORK, ...(cold ? { coldWalletAddress: cold } : {}) }),
      ...createSweepActivities({ ledger: o.ledger, clock: o.clock, currentMode: modeFromTemporal(o.client) }),
      // The abot-inbox hands alerts to the A-bot workflow through this process's client.
      ...createAbotInboxActivities({ client: o.client, abotInput: inputs.abot }),
    },
    onBotTransition: (t) => signalBotTransition(o.client, t, inputs),
  };
}

/**
 * Bots are driven by mode flips; the initial mode (GOLD at first start) has no flip, so the bots
 * it gives capital to are activated once here. Only while the mode has never flipped: after a
 * flip the bots' state comes from the flips, and the fixed flip id makes a restart a no-op.
 */
export async function activateInitialMode(client: Client, wiring: BotWiring): Promise<number> {
  const view = await client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
  if (view.history.length > 0) return 0;
  let sent = 0;
  for (const bot of ['abot', 'gbot'] as const) {
    const percent = view.allocationPercent[bot];
    if (new Decimal(percent).isZero()) continue;
    await wiring.onBotTransition({ flipId: `initial-${view.mode}`, mode: view.mode, bot, state: 'active', percent });
    sent += 1;
  }
  return sent;
}
