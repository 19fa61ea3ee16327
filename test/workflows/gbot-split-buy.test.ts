import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { gbotWorkflow } from '../../workflows/gbot';
import { botActivateSignal, goldQuery } from '../../signals/defs';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createGbotActivities } from '../../activities/gbot';
import { systemClock } from '../../ports/clock';
import { startDevServer } from '../helpers/temporal';
import { botWorker, COLD } from '../helpers/bot-venues';
import { deepBook, simBotVenues } from '../helpers/sim-bot-venues';
import { eventuallyWithin } from '../helpers/wait';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const EXCHANGES: ExchangeId[] = ['binance', 'kraken', 'coinbase'];
const STABLES = ['USD', 'USDT', 'USDC'];
const D = (s: string) => new Decimal(s);

let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
beforeAll(async () => {
  [env, sim] = await Promise.all([
    startDevServer(),
    startSimulator({ port: 0, seed: 16, autoTick: false, exchanges: EXCHANGES, withdrawalDelayMs: 200 }),
  ]);
}, 90_000);
afterAll(async () => {
  await sim?.close();
  await env?.teardown();
});

describe('G-bot GOLD purchase larger than any single venue\'s stables (real Temporal, real ccxt against the simulator)', () => {
  it('buys now across the venues by what each can spend (converting inside a venue), skips a venue whose PAXG book is empty, and refuses nothing', async () => {
    // Deep books, so the size is limited by the money and never by the book.
    for (const ex of ['kraken', 'coinbase'] as const) {
      const b = deepBook('2400', '0.5', '1000');
      sim.control.setBook(ex, 'PAXG/USD', b.bids, b.asks);
      const c = deepBook('1', '0.0001', '10000000');
      sim.control.setBook(ex, 'USDT/USD', c.bids, c.asks);
    }
    const k = deepBook('1', '0.0001', '10000000');
    sim.control.setBook('kraken', 'USDC/USD', k.bids, k.asks);
    // Binance's PAXG book is empty at this moment: that venue is skipped, not a reason to refuse.
    sim.control.setBook('binance', 'PAXG/USDT', [['2399', '1']], []);

    const stablesUsd = (ex: ExchangeId) => STABLES.reduce((t, a) => t.plus(D(sim.control.balances(ex)[a]?.free ?? '0')), ZERO);
    const paxgOn = (ex: ExchangeId) => D(sim.control.balances(ex).PAXG?.total ?? '0');
    const largest = Decimal.max(...EXCHANGES.map(stablesUsd));
    const before = Object.fromEntries(EXCHANGES.map((ex) => [ex, paxgOn(ex)]));

    const { venues, close } = await simBotVenues(sim, EXCHANGES);
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const acts = createGbotActivities({ venues, ledger, clock: systemClock, quoteCurrencies: STABLES, goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });
    // The G-bot's share is sized so its target is 20 % above the richest venue's stables.
    const capital = D(await acts.gbotCapitalUsd());
    const heldUsd = EXCHANGES.reduce((t, ex) => t.plus(before[ex]!), ZERO).times(D(await acts.gbotGoldPriceUsd()));
    const target = largest.times('1.2');
    const percent = target.plus(heldUsd).times(100).div(capital).toDecimalPlaces(6, Decimal.ROUND_UP);

    const { worker, taskQueue } = await botWorker(env, acts);
    try {
      await worker.runUntil(async () => {
        const h = await env.client.workflow.start(gbotWorkflow, { taskQueue, workflowId: `gbot-split-${Date.now()}`, args: [{ sellPercentOnFlip: '85', minBuyUsd: '10', buyRetryMs: 600_000 }] });
        await h.signal(botActivateSignal, { flipId: 'g1', mode: 'GOLD', percent: percent.toFixed() });
        const v = await eventuallyWithin('the first GOLD cycle', async () => {
          const x = await h.query(goldQuery);
          expect(x.cycles).toHaveLength(1);
          return x;
        }, 60_000, 200);
        const message = v.cycles[0]!.message;
        expect(message).not.toMatch(/buy refused/);
        const bought = Object.fromEntries(EXCHANGES.map((ex) => [ex, paxgOn(ex).minus(before[ex]!)]));
        // Bought on both venues with a usable book in the first attempt, nothing on the empty one.
        expect(bought.kraken!.gt(0)).toBe(true);
        expect(bought.coinbase!.gt(0)).toBe(true);
        expect(bought.binance!.toFixed()).toBe('0');
        expect(sim.control.orders('binance').filter((o) => o.symbol === 'PAXG/USDT')).toEqual([]);
        // Together the venues could pay the whole target, so (almost) all of it is bought now.
        const spentUsd = bought.kraken!.plus(bought.coinbase!).times('2400');
        expect(spentUsd.gt(largest)).toBe(true);
        expect(spentUsd.gt(target.times('0.98'))).toBe(true);
        // The G-bot's memory is what the exchange holds, to the last unit.
        for (const ex of ['kraken', 'coinbase'] as const) {
          expect(D(v.perExchange.find((p) => p.exchange === ex)!.amount).toFixed()).toBe(paxgOn(ex).toFixed());
        }
        await h.terminate('test done');
      });
    } finally {
      await close();
      ledger.close();
    }
  }, 180_000);
});
