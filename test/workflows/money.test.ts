import { eventuallyWithin } from '../helpers/wait';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { moneyWorkflow, type MoneyInput } from '../../workflows/money';
import { approveRebalanceUpdate, moneyQuery, rebalanceQuery, reviewMoneySignal } from '../../signals/defs';
import { createMoneyActivities } from '../../activities/money';
import { createConversionActivities } from '../../activities/money-conversion';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { systemClock } from '../../ports/clock';
import { Decimal } from '../../domain/money/decimal';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { adaptersFor, testConfig } from '../adapters/helpers/exchange-harness';

Runtime.install({ logger: new DefaultLogger('ERROR') });

let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
let venues: Record<'binance' | 'kraken', ExchangeAdapters>;
let ledger: SqliteLedger;
const { cfg } = testConfig();

beforeAll(async () => {
  [env, sim] = await Promise.all([
    startDevServer(),
    startSimulator({ port: 0, seed: 5, autoTick: false, exchanges: ['binance', 'kraken'], withdrawalDelayMs: 500 }),
  ]);
  venues = { binance: await adaptersFor(sim, 'binance'), kraken: await adaptersFor(sim, 'kraken') };
  ledger = SqliteLedger.open({ file: ':memory:' });
}, 90_000);
afterAll(async () => {
  await Promise.all(Object.values(venues ?? {}).map((v) => v.close()));
  await sim?.close();
  await env?.teardown();
  ledger?.close();
});

const t = cfg.settings.transfers;
const INPUT: MoneyInput = {
  exchanges: ['binance', 'kraken'],
  inventoryAssets: ['USDT', 'USDC', 'SOL'],
  driftLimitPercent: cfg.settings.moneyManager.driftLimitPercent.toFixed(),
  transferMinimumUsd: t.minimumUsd.toFixed(),
  approvalAboveUsd: t.approvalAboveUsd.toFixed(),
  approvalTimeoutMs: 60_000,
  depositTimeoutMs: 30_000,
  intervalMs: 3_600_000,
};

async function worker(taskQueue: string, usdPrice?: (asset: string) => Promise<Decimal | undefined>): Promise<Worker> {
  const activities = {
    ...createMoneyActivities({
      venues, ledger, clock: systemClock, catalogue: cfg.networks, rules: t, pollMs: 100, stablecoins: cfg.coins.stablecoins, ...(usdPrice ? { usdPrice } : {}),
    }),
    ...createConversionActivities({ venues, ledger, clock: systemClock }),
  };
  return Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: '1 second' });
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  return eventuallyWithin(what, async () => {
    const v = await get();
    if (!ok(v)) throw new Error(`not yet: ${JSON.stringify(v)}`);
    return v;
  }, 20_000, 100);
}

describe('money manager workflow (real Temporal server, real ccxt adapters against the simulator)', () => {
  it('reviews balances, leaves balanced assets alone, starts one rebalance for a drifted asset and sees it through', async () => {
    const taskQueue = uniqueTaskQueue('money');
    const w = await worker(taskQueue);
    await w.runUntil(async () => {
      const h = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId: `money-test-${Date.now()}`, args: [INPUT] });
      const q = () => h.query(moneyQuery);
      try {
        const first = await until('first review', q, (v) => v.reviews >= 1);
        expect(first.drifts).toEqual([
          { asset: 'USDT', driftPercent: '0.00', exceedsLimit: false },
          { asset: 'USDC', driftPercent: '0.00', exceedsLimit: false },
        ]);
        expect(first.problems).toEqual(['SOL: no USD price']);
        expect(first.running).toEqual({});

        // 40,000 USDT more on Binance: 140k vs 100k is 16.67 % over the 120k target -> move 20k.
        sim.control.credit('binance', 'USDT', '40000');
        await h.signal(reviewMoneySignal);
        const started = await until('a rebalance', q, (v) => v.running.USDT !== undefined);
        expect(started.drifts.find((d) => d.asset === 'USDT')).toEqual({ asset: 'USDT', driftPercent: '16.67', exceedsLimit: true });
        const id = started.running.USDT!;
        expect(id).toBe('rebalance-USDT-1');
        expect(started.events.at(-1)!.what).toBe('started rebalance-USDT-1: 20000 binance -> kraken (drift 16.67 %)');

        // $20,000 is above the approval amount: it waits, and a second review starts nothing new.
        const child = env.client.workflow.getHandle(id);
        await until('approval wait', () => child.query(rebalanceQuery), (v) => v.state === 'awaiting-approval');
        await h.signal(reviewMoneySignal);
        const again = await until('second review', q, (v) => v.reviews >= started.reviews + 1);
        expect(again.running).toEqual({ USDT: id });
        expect(again.events.filter((e) => e.what.startsWith('started'))).toHaveLength(1);

        await child.executeUpdate(approveRebalanceUpdate, { args: [{ by: 'test-operator' }] });
        const done = await until('rebalance done', q, (v) => v.running.USDT === undefined);
        expect(done.events.at(-1)!.what).toBe('rebalance-USDT-1 completed: credited 19999 USDT on kraken; approved by test-operator');
        expect(sim.control.balances('binance').USDT!.total).toBe('120000');
        expect(sim.control.balances('kraken').USDT!.total).toBe('119999');

        await h.signal(reviewMoneySignal);
        const after = await until('review after', q, (v) => v.reviews >= again.reviews + 1);
        expect(after.drifts.find((d) => d.asset === 'USDT')!.exceedsLimit).toBe(false);
        expect(after.running).toEqual({});
        expect(sim.control.withdrawals('binance')).toHaveLength(1);
      } finally {
        await h.terminate('test over');
      }
    });
  });

  it('continues as new with its state (review count, events) when the history grows', async () => {
    const taskQueue = uniqueTaskQueue('money');
    const w = await worker(taskQueue);
    await w.runUntil(async () => {
      const workflowId = `money-roll-${Date.now()}`;
      const h = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId, args: [{ ...INPUT, maxHistoryEvents: 20 }] });
      try {
        const firstRun = h.firstExecutionRunId;
        // The run reviews once on start; on a busy machine that review may still be in flight when
        // the first signal lands, and then the two count as one. Wait for it, then count four more.
        await until('the first review', () => h.query(moneyQuery), (v) => v.reviews >= 1);
        for (let i = 0; i < 4; i += 1) {
          const before = (await h.query(moneyQuery)).reviews;
          await env.client.workflow.getHandle(workflowId).signal(reviewMoneySignal);
          await until('a review', () => env.client.workflow.getHandle(workflowId).query(moneyQuery), (v) => v.reviews > before);
        }
        const latest = env.client.workflow.getHandle(workflowId);
        expect((await latest.describe()).runId).not.toBe(firstRun);
        expect((await latest.query(moneyQuery)).reviews).toBeGreaterThanOrEqual(5);
      } finally {
        await env.client.workflow.getHandle(workflowId).terminate('test over');
      }
    });
  });

  it('sizes the BNB reserve on Binance from the fee spend in the ledger and notes a shortfall', async () => {
    // 14 BNB of fees over the last 14 days: 1 BNB a day, 14 days of it to keep; Binance holds 10.
    ledger.append([{ kind: 'fee', at: Date.now() - 3_600_000, exchange: 'binance', asset: 'BNB', delta: new Decimal('-14'), correlationId: 'bnb-test', idempotencyKey: 'bnb-test-fee' }]);
    const taskQueue = uniqueTaskQueue('money');
    const w = await worker(taskQueue, async (asset) => (asset === 'BNB' ? new Decimal('600') : undefined));
    await w.runUntil(async () => {
      const input: MoneyInput = { ...INPUT, bnbReserve: { minimumUsd: '25', daysOfFeeSpend: cfg.settings.moneyManager.bnbReserve.daysOfFeeSpend } };
      const h = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId: `money-bnb-${Date.now()}`, args: [input] });
      try {
        const v = await until('a review with BNB', () => h.query(moneyQuery), (x) => x.bnb !== undefined);
        expect(v.bnb).toEqual({ balance: '10', required: '14.00000000', topUp: '4.00000000', binding: 'fee-spend' });
        expect(v.events.at(-1)).toMatchObject({ asset: 'BNB', what: 'reserve short by 4.00000000 BNB (need 14.00000000, hold 10)' });
      } finally {
        await h.terminate('test over');
      }
    });
  });

  it('tops the BNB reserve up with the Q-bot\'s USDT on Binance, within topUpMaxUsd, booked in the ledger; shows rule 25 costs', async () => {
    // 14 BNB of fees in the last day (more if the reserve test ran first): the reserve is short by far more than $50.
    ledger.append([{ kind: 'fee', at: Date.now() - 3_600_000, exchange: 'binance', asset: 'BNB', delta: new Decimal('-14'), correlationId: 'bnb-topup-test', idempotencyKey: 'bnb-topup-test-fee' }]);
    const bnbBefore = new Decimal(sim.control.balances('binance').BNB?.total ?? '0');
    const usdtBefore = new Decimal(sim.control.balances('binance').USDT!.total);
    const taskQueue = uniqueTaskQueue('money');
    const w = await worker(taskQueue, async (asset) => (asset === 'BNB' ? new Decimal('600') : undefined));
    await w.runUntil(async () => {
      const input: MoneyInput = {
        ...INPUT,
        bnbReserve: { minimumUsd: '25', daysOfFeeSpend: 14, topUpMaxUsd: '50' },
        conversions: { interchangeable: ['USDT', 'USDC', 'USD'], bridges: ['USDT', 'USDC', 'BTC'], minUsd: '20' },
        costRule: { targetAverageUsd: '1', yearlyPercentOfCapital: '0.5' },
      };
      const h = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId: `money-bnb-topup-${Date.now()}`, args: [input] });
      try {
        const v = await until('a BNB top-up', () => h.query(moneyQuery), (x) => x.events.some((e) => e.what.includes('bnb-topup')));
        const topUp = v.events.find((e) => e.what.includes('bnb-topup'))!;
        // short by far more than $50: the cap decides what is spent
        expect(topUp.what).toMatch(/^bnb-topup-\d+: bought \d+(\.\d+)? BNB for 50 USDT$/);
        const id = topUp.what.split(':')[0]!;
        const legs = ledger.entries({ correlationId: id });
        expect(legs.length).toBeGreaterThan(0);
        expect(legs.every((e) => e.kind === 'conversion' || e.kind === 'fee')).toBe(true);
        expect(new Decimal(sim.control.balances('binance').BNB!.total).gt(bnbBefore)).toBe(true);
        const spent = usdtBefore.minus(new Decimal(sim.control.balances('binance').USDT!.total));
        expect(spent.gt(0) && spent.lte(50)).toBe(true);
        // rule 25's standing is shown with its targets
        expect(v.costs).toMatchObject({ targetAverageUsd: '1', yearlyBudgetPercentOfCapital: '0.5' });
        expect(v.costs!.rebalances).toBeGreaterThanOrEqual(0);
      } finally {
        await h.terminate('test over');
      }
    });
  });

  it('reads which assets each venue lists from its markets (real ccxt against the simulator)', async () => {
    const acts = createMoneyActivities({ venues, ledger, clock: systemClock, catalogue: cfg.networks, rules: t });
    const listed = await acts.listedAssets(['binance', 'kraken']);
    expect(listed.binance).toEqual(expect.arrayContaining(['BTC', 'USDT', 'BNB']));
    expect(listed.kraken).toEqual(expect.arrayContaining(['BTC', 'USD']));
    expect(listed.kraken).not.toContain('BNB');
  });

  it('converts inside each exchange first when that fixes the drift, and then transfers nothing', async () => {
    // Mirror-image drift: Binance has 40k USDT too many, Kraken 40k USDC too many.
    const usdtBefore = { b: Number(sim.control.balances('binance').USDT!.total), k: Number(sim.control.balances('kraken').USDT!.total) };
    const usdcBefore = { b: Number(sim.control.balances('binance').USDC!.total), k: Number(sim.control.balances('kraken').USDC!.total) };
    sim.control.credit('binance', 'USDT', String(usdtBefore.k - usdtBefore.b + 40_000));
    sim.control.credit('kraken', 'USDC', String(usdcBefore.b - usdcBefore.k + 40_000));
    const withdrawals = sim.control.withdrawals('binance').length + sim.control.withdrawals('kraken').length;
    const taskQueue = uniqueTaskQueue('money');
    const w = await worker(taskQueue);
    await w.runUntil(async () => {
      const input: MoneyInput = { ...INPUT, inventoryAssets: ['USDT', 'USDC'], conversions: { interchangeable: ['USDT', 'USDC', 'USD'], bridges: ['USD', 'USDT', 'USDC', 'BTC'], minUsd: '20' } };
      const h = await env.client.workflow.start(moneyWorkflow, { taskQueue, workflowId: `money-convert-${Date.now()}`, args: [input] });
      try {
        const v = await until('conversions and a clean review', () => h.query(moneyQuery), (x) => x.reviews >= 2 && x.drifts.every((d) => !d.exceedsLimit));
        const conv = v.events.filter((e) => e.what.includes(': converted '));
        expect(conv.map((e) => e.what.replace(/ to [0-9.]+ /, ' to N '))).toEqual([
          expect.stringMatching(/^convert-USDT-USDC-\d+: converted 20000.00 USDT to N USDC on binance via USDC\/USDT$/),
          expect.stringMatching(/^convert-USDC-USDT-\d+: converted 20000.00 USDC to N USDT on kraken via USDC\/USD, USDT\/USD$/),
        ]);
        expect(v.running).toEqual({});
        expect(v.events.some((e) => e.what.startsWith('started rebalance'))).toBe(false);
        expect(sim.control.withdrawals('binance').length + sim.control.withdrawals('kraken').length).toBe(withdrawals);
      } finally {
        await h.terminate('test over');
      }
    });
  });
});
