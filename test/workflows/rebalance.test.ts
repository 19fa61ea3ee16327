import { waitUntil } from '../helpers/wait';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { rebalanceWorkflow, type RebalanceInput } from '../../workflows/rebalance';
import { approveRebalanceUpdate, rebalanceQuery, rejectRebalanceUpdate, type RebalanceState } from '../../signals/defs';
import { createMoneyActivities } from '../../activities/money';
import { createReconcileActivities } from '../../activities/reconcile';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { systemClock } from '../../ports/clock';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { adaptersFor, testConfig } from '../adapters/helpers/exchange-harness';

Runtime.install({ logger: new DefaultLogger('ERROR') });

let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
let venues: Record<'binance' | 'kraken', ExchangeAdapters>;
let ledger: SqliteLedger;
let seq = 0;
const { cfg } = testConfig();

beforeAll(async () => {
  [env, sim] = await Promise.all([
    startDevServer(),
    // Withdrawals take 0.8 s to confirm: long enough to stop a worker in the middle of one.
    startSimulator({ port: 0, seed: 7, autoTick: false, exchanges: ['binance', 'kraken'], withdrawalDelayMs: 800 }),
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
afterEach(() => sim.control.clearFaults());

async function worker(taskQueue: string, v = venues): Promise<Worker> {
  const activities = createMoneyActivities({ venues: v, ledger, clock: systemClock, catalogue: cfg.networks, rules: cfg.settings.transfers, pollMs: 100 });
  return Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: '1 second' });
}

function input(amount: string, over: Partial<RebalanceInput> = {}): RebalanceInput {
  seq += 1;
  return {
    rebalanceId: `rebalance-USDT-${seq}-${Date.now()}`, asset: 'USDT', amount, priceUsd: '1', from: 'binance', to: 'kraken',
    approvalAboveUsd: '2500', approvalTimeoutMs: 60_000, depositTimeoutMs: 20_000, ...over,
  };
}

async function start(taskQueue: string, i: RebalanceInput) {
  return env.client.workflow.start(rebalanceWorkflow, { taskQueue, workflowId: i.rebalanceId, args: [i] });
}

async function stateIs(handle: Awaited<ReturnType<typeof start>>, state: RebalanceState): Promise<void> {
  await waitUntil(`rebalance ${handle.workflowId} to reach ${state}`, async () => {
    const seen = (await handle.query(rebalanceQuery)).state;
    if (seen !== state) throw new Error(`state ${seen}`);
    return true;
  }, 20_000, 100);
}

const withdrawalsOf = (key: string) => (sim.control.withdrawals('binance') as Array<{ clientId?: string }>).filter((w) => w.clientId === key);
const usdt = (ex: 'binance' | 'kraken') => Number(sim.control.balances(ex).USDT!.total);

describe('rebalance workflow (real Temporal server, real ccxt adapters against the simulator)', () => {
  it('plans on live networks, withdraws once, waits for the credit and books both sides', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const i = input('1000');
    const krakenBefore = usdt('kraken');
    const result = await w.runUntil(async () => (await start(tq, i)).result());
    expect(result).toMatchObject({ state: 'completed', network: 'TRC20', fee: '1', costUsd: '1', received: '999', reason: 'credited 999 USDT on kraken' });
    expect(result.history.map((h) => h.state)).toEqual(['planning', 'withdrawing', 'in-transit', 'completed']);
    expect(usdt('kraken') - krakenBefore).toBe(999);
    expect(ledger.entries({ correlationId: i.rebalanceId }).map((e) => [e.kind, e.exchange, e.delta?.toFixed()])).toEqual([
      ['transfer-out', 'binance', '-999'],
      ['fee', 'binance', '-1'],
      ['transfer-in', 'kraken', '999'],
      ['decision', undefined, undefined],
    ]);
  });

  it('refuses below the $500 minimum without touching the exchange', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const i = input('400');
    const before = sim.control.withdrawals('binance').length;
    const result = await w.runUntil(async () => (await start(tq, i)).result());
    expect(result).toMatchObject({ state: 'refused', reason: 'BELOW_TRANSFER_MINIMUM: $400.00 is below the $500.00 transfer minimum' });
    expect(sim.control.withdrawals('binance').length).toBe(before);
  });

  it('waits for an operator above the approval amount: a reason is required to reject, then rejected means nothing moves', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const i = input('3000');
    await w.runUntil(async () => {
      const h = await start(tq, i);
      await stateIs(h, 'awaiting-approval');
      await expect(h.executeUpdate(rejectRebalanceUpdate, { args: [{ by: 'ops', reason: ' ' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const v = await h.executeUpdate(rejectRebalanceUpdate, { args: [{ by: 'ops', reason: 'not now' }] });
      expect(v).toMatchObject({ state: 'rejected', reason: 'rejected by ops: not now' });
      // A late approval is refused: by the validator while the run is still closing, or as "not
      // found" once it has closed (which may come first on a fast server).
      const late = await h.executeUpdate(approveRebalanceUpdate, { args: [{ by: 'ops' }] }).then(() => 'accepted', (err: unknown) => err);
      expect(late instanceof WorkflowUpdateFailedError || late instanceof WorkflowNotFoundError).toBe(true);
      expect(await h.result()).toMatchObject({ state: 'rejected' });
    });
    expect(withdrawalsOf(`rebalance:${i.rebalanceId}`)).toHaveLength(0);
  });

  it('approved transfers go ahead; unanswered ones are rejected on timeout', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const approved = input('3000');
    const late = input('3000', { approvalTimeoutMs: 1000 });
    await w.runUntil(async () => {
      const h = await start(tq, approved);
      const t = await start(tq, late);
      await stateIs(h, 'awaiting-approval');
      await h.executeUpdate(approveRebalanceUpdate, { args: [{ by: 'alice' }] });
      expect(await h.result()).toMatchObject({ state: 'completed', received: '2999', reason: 'credited 2999 USDT on kraken; approved by alice' });
      expect(await t.result()).toMatchObject({ state: 'rejected', reason: 'no approval within 1 s' });
    });
    expect(withdrawalsOf(`rebalance:${approved.rebalanceId}`)).toHaveLength(1);
    expect(withdrawalsOf(`rebalance:${late.rebalanceId}`)).toHaveLength(0);
  });

  it('a withdrawal the exchange rejects ends with its reason; one that fails after submission is booked as failed', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const tooMuch = input('250000', { approvalAboveUsd: '1000000' });
    const failing = input('1000');
    await w.runUntil(async () => {
      expect(await (await start(tq, tooMuch)).result()).toMatchObject({ state: 'withdrawal-rejected', reason: expect.stringMatching(/insufficient USDT/) });
      sim.control.injectFault('binance', { type: 'withdrawal-fails' });
      expect(await (await start(tq, failing)).result()).toMatchObject({ state: 'withdrawal-failed', reason: expect.stringMatching(/failed/) });
    });
    expect(ledger.entries({ correlationId: failing.rebalanceId, kind: 'transfer-failed' })).toHaveLength(1);
  });

  it('a deposit that never arrives ends as stuck after the timeout, not a silent hang', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    sim.control.injectFault('binance', { type: 'withdrawal-stuck' });
    const result = await w.runUntil(async () => (await start(tq, input('1000', { depositTimeoutMs: 1500 }))).result());
    expect(result).toMatchObject({ state: 'stuck', reason: expect.stringMatching(/not credited within 2 s \(last: withdrawal pending\)/) });
  });

  it('a deposit that never arrives (the sender completed it, txid and all) ends deposit-missing, kept in transit; a late arrival is booked once by the reconcile', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    sim.control.injectFault('kraken', { type: 'deposit-missing' });
    const i = input('1000', { depositTimeoutMs: 1500 });
    const krakenBefore = usdt('kraken');
    const result = await w.runUntil(async () => (await start(tq, i)).result());
    expect(result).toMatchObject({ state: 'deposit-missing', inTransit: '999', txid: expect.any(String) });
    expect(result.reason).toMatch(/^DEPOSIT_MISSING: 999 USDT sent \(txid \S+\) not credited within 2 s \(last: withdrawal confirmed, deposit not-found\)$/);
    expect(withdrawalsOf(`rebalance:${i.rebalanceId}`)).toMatchObject([{ status: 'ok', txid: result.txid }]);
    // Booked as sent, never written off: the in-transit amount is on its own line, nothing credited.
    const lines = () => ledger.entries({ correlationId: i.rebalanceId });
    expect(lines().map((e) => [e.kind, e.exchange, e.delta?.toFixed(), e.details?.event ?? e.details?.outcome])).toEqual([
      ['transfer-out', 'binance', '-999', undefined],
      ['fee', 'binance', '-1', undefined],
      ['decision', undefined, undefined, 'deposit-missing'],
      ['decision', undefined, undefined, 'deposit-missing'],
    ]);
    expect(lines()[2]?.details).toMatchObject({ from: 'binance', to: 'kraken', asset: 'USDT', inTransit: '999', txid: result.txid });
    // The reconcile shows it (real ccxt against the simulator), and books a late arrival once.
    const reconcile = createReconcileActivities({ ledger, venues: (['binance', 'kraken'] as const).map((ex) => ({ exchange: ex, account: venues[ex].account, funding: venues[ex].funding })) });
    const before = await reconcile.reconcileBalances();
    expect(before.missingDeposits).toEqual([expect.objectContaining({ from: 'binance', to: 'kraken', asset: 'USDT', inTransit: '999', txid: result.txid })]);
    expect(before.lateDepositsBooked).toBeUndefined();
    expect(sim.control.releaseDeposits('kraken')).toBe(1);
    expect(usdt('kraken') - krakenBefore).toBe(999);
    const late = await reconcile.reconcileBalances();
    expect(late).toMatchObject({ lateDepositsBooked: 1 });
    expect(late.missingDeposits).toBeUndefined();
    const again = await reconcile.reconcileBalances();
    expect(again.lateDepositsBooked).toBeUndefined();
    expect(ledger.entries({ correlationId: i.rebalanceId, kind: 'transfer-in' }).map((e) => [e.exchange, e.delta?.toFixed(), e.details?.txid])).toEqual([['kraken', '999', result.txid]]);
  });

  it('the worker stopped in the middle of a transfer and a new one (new adapters) finishes it with exactly one withdrawal', async () => {
    const tq = uniqueTaskQueue('rebalance');
    const i = input('1000');
    const first = await worker(tq);
    const h = await start(tq, i);
    await first.runUntil(() => stateIs(h, 'in-transit'));
    expect(withdrawalsOf(`rebalance:${i.rebalanceId}`)).toHaveLength(1);
    const restarted = { binance: await adaptersFor(sim, 'binance'), kraken: await adaptersFor(sim, 'kraken') };
    try {
      const second = await worker(tq, restarted);
      expect(await second.runUntil(() => h.result())).toMatchObject({ state: 'completed', received: '999' });
    } finally {
      await Promise.all(Object.values(restarted).map((v) => v.close()));
    }
    expect(withdrawalsOf(`rebalance:${i.rebalanceId}`)).toHaveLength(1);
    expect(ledger.entries({ correlationId: i.rebalanceId, kind: 'transfer-in' })).toHaveLength(1);
  });

  it('rule 25: a $1,000 transfer that would push the average cost per rebalance over $1 waits for an operator; a rejection sends nothing', async () => {
    // An earlier transfer that cost $2.50 (booked as the workflow books it): any $1 transfer now
    // lifts the running average above the $1 target.
    ledger.append([{ kind: 'decision', at: Date.now(), correlationId: 'rebalance-earlier', idempotencyKey: `rebalance:earlier-${Date.now()}:completed`, details: { what: 'rebalance', outcome: 'completed', costUsd: '2.5' } }]);
    const tq = uniqueTaskQueue('rebalance');
    const w = await worker(tq);
    const i = input('1000', { costRule: { targetAverageUsd: '1', yearlyPercentOfCapital: '0.5' } });
    const result = await w.runUntil(async () => {
      const h = await start(tq, i);
      await stateIs(h, 'awaiting-approval');
      const v = await h.query(rebalanceQuery);
      expect(v.history.at(-1)!.note).toMatch(/^cost \$1 would raise the average cost per rebalance to \$1\.\d\d, over the \$1\.00 target/);
      await h.executeUpdate(rejectRebalanceUpdate, { args: [{ by: 'test-operator', reason: 'not worth it' }] });
      return h.result();
    });
    expect(result).toMatchObject({ state: 'rejected', reason: 'rejected by test-operator: not worth it' });
    expect(withdrawalsOf(`rebalance:${i.rebalanceId}`)).toHaveLength(0);
  });
});
