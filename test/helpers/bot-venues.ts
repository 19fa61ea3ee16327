import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { PaperStaking, type PaperStakingRow } from '../../adapters/paper/paper-staking';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createAbotActivities, type AbotActivities } from '../../activities/abot';
import { createGbotActivities, type GbotActivities } from '../../activities/gbot';
import { createSweepActivities, type SweepActivities } from '../../activities/sweep';
import type { BotVenue } from '../../activities/bot-trading';
import type { TradingMode } from '../../domain/allocation';
import { systemClock, type Clock } from '../../ports/clock';
import { uniqueTaskQueue, workflowBundle } from './temporal';

const D = (s: string) => new Decimal(s);
export const COLD = '0x00000000000000000000000000000000000c01d0';
export const UNIVERSE = ['BTC', 'ETH', 'SOL', 'ADA', 'DOT', 'AVAX', 'ATOM', 'LINK', 'MATIC', 'NEAR'];

/** Mid prices in USD of the coins the test venues list. */
export const PRICES: Record<string, string> = {
  BTC: '90000', ETH: '3000', SOL: '150', ADA: '0.5', DOT: '6', AVAX: '30', ATOM: '8', LINK: '15', MATIC: '0.5', NEAR: '4', PAXG: '2600',
};

function market(exchange: ExchangeId, base: string, quote: string): Market {
  return {
    exchange, symbol: `${base}/${quote}`, base, quote, id: `${base}${quote}`, amountStep: D('0.0001'), priceTick: D('0.0001'),
    minAmount: D('0.0001'), minNotional: D('1'), takerFee: D(exchange === 'binance' ? '0.001' : '0.004'), makerFee: D('0.001'), active: true,
  };
}

/** A static two-sided book 0.1 % wide around a mid (kraken 0.05 % dearer), deep enough for any test size. */
export function staticBook(exchange: ExchangeId, symbol: string, mid: Decimal): OrderBook {
  const m = exchange === 'kraken' ? mid.times('1.0005') : mid;
  return {
    exchange, symbol, receivedAt: Date.now(),
    bids: [{ price: m.times('0.9995').toDecimalPlaces(4), amount: D('1000000') }],
    asks: [{ price: m.times('1.0005').toDecimalPlaces(4), amount: D('1000000') }],
  };
}

export interface BotRig {
  ledger: SqliteLedger;
  venues: BotVenue[];
  wallets: Record<ExchangeId, PaperBalances>;
  staking: Record<ExchangeId, PaperStaking>;
  prices: Record<string, string>;
  mode: { value: TradingMode };
  activities: AbotActivities & GbotActivities & SweepActivities;
  close(): void;
}

/**
 * Paper venues (binance with USDT quotes, kraken with USD quotes) over static books, paper
 * staking from a test table, paper cold-wallet withdrawals and a real SQLite ledger: the real
 * adapters, only the market is fixed.
 */
export function botRig(opts: { balances: Record<ExchangeId, Record<string, string>>; staking: Record<string, Partial<Record<ExchangeId, PaperStakingRow>>>; clock?: Clock; coins?: string[] }): BotRig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bots-'));
  const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
  const clock = opts.clock ?? systemClock;
  const prices = { ...PRICES };
  const quotes: Record<ExchangeId, string> = { binance: 'USDT', kraken: 'USD', coinbase: 'USDC' };
  const wallets = {} as Record<ExchangeId, PaperBalances>;
  const staking = {} as Record<ExchangeId, PaperStaking>;
  const venues: BotVenue[] = (['binance', 'kraken'] as ExchangeId[]).map((exchange) => {
    const q = quotes[exchange];
    const markets = (opts.coins ?? [...UNIVERSE, 'PAXG']).map((c) => market(exchange, c, q));
    if (exchange === 'kraken') markets.push(market('kraken', 'USDT', 'USD'));
    const books = (symbol: string) => {
      const [base] = symbol.split('/') as [string];
      const px = base === 'USDT' ? '1' : prices[base];
      return px ? staticBook(exchange, symbol, D(px)) : undefined;
    };
    const wallet = new PaperBalances(Object.fromEntries(Object.entries(opts.balances[exchange] ?? {}).map(([a, v]) => [a, D(v)])));
    wallets[exchange] = wallet;
    staking[exchange] = new PaperStaking({ exchange, wallet, table: opts.staking, clock });
    const trading = new PaperTrading({ exchange, markets, books, wallet, ledger, clock });
    const funding = new PaperFunding({ exchange, wallet, networks: { PAXG: [{ network: 'ERC20', fee: D('0.0001') }] }, allowedAddresses: [COLD] });
    return { exchange, trading, account: trading, staking: staking[exchange], funding, markets, books, paper: true, booksFills: true };
  });
  const mode = { value: 'BTC' as TradingMode };
  const base = { venues, ledger, clock, quoteCurrencies: ['USD', 'USDT', 'USDC'] };
  const activities = {
    ...createAbotActivities({ ...base, universe: UNIVERSE }),
    ...createGbotActivities({ ...base, goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' }),
    ...createSweepActivities({ ledger, clock, currentMode: async () => mode.value }),
  };
  return {
    ledger, venues, wallets, staking, prices, mode, activities,
    close: () => {
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function botWorker(env: TestWorkflowEnvironment, activities: object, taskQueue = uniqueTaskQueue('bots'), shutdownGraceTime = '1 second'): Promise<{ worker: Worker; taskQueue: string }> {
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: shutdownGraceTime as '1 second',
  });
  return { worker, taskQueue };
}

/**
 * A fresh rig and a bot worker serving its activities while `body` runs; the rig (its ledger file)
 * is removed afterwards, also when the body fails.
 */
export async function withBotRig<T>(env: TestWorkflowEnvironment, rigOpts: Parameters<typeof botRig>[0], body: (rig: BotRig, taskQueue: string) => Promise<T>): Promise<T> {
  const rig = botRig(rigOpts);
  try {
    const { worker, taskQueue } = await botWorker(env, rig.activities);
    return await worker.runUntil(() => body(rig, taskQueue));
  } finally {
    rig.close();
  }
}

export const ABOT_INPUT = { slots: 6, rules: { buyWhenEmptyMoreThan: 3, sellWhenEmptyFewerThan: 2 }, universe: UNIVERSE, keepSignalPositionsOnGold: true };

/** Base fills (coins bought or sold) booked for one client order id. */
export function fillsOf(ledger: SqliteLedger, clientOrderId: string) {
  return ledger.entries({ kind: 'fill', correlationId: clientOrderId }).filter((e) => (e.details as { symbol: string }).symbol.startsWith(`${e.asset}/`));
}
