import { waitUntil } from '../helpers/wait';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { rebalanceWorkflow, type RebalanceInput } from '../../workflows/rebalance';
import { rebalanceQuery } from '../../signals/defs';
import { createMoneyActivities } from '../../activities/money';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { systemClock } from '../../ports/clock';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { adaptersFor, testConfig } from '../adapters/helpers/exchange-harness';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const ROOT = path.resolve(__dirname, '../..');
let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
let venues: Record<'binance' | 'kraken', ExchangeAdapters>;
let worker: Worker;
let running: Promise<void>;
const ledger = SqliteLedger.open({ file: ':memory:' });
const { cfg } = testConfig();
const taskQueue = uniqueTaskQueue('rebalance-cli');

function qbot(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/qbot.js'), 'rebalance', ...args], {
      cwd: ROOT, env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' }, timeout: 45_000,
    }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr }));
  });
}

const input = (id: string, amount: string): RebalanceInput => ({
  rebalanceId: id, asset: 'USDT', amount, priceUsd: '1', from: 'binance', to: 'kraken',
  approvalAboveUsd: '2500', approvalTimeoutMs: 120_000, depositTimeoutMs: 20_000,
});

beforeAll(async () => {
  [env, sim] = await Promise.all([
    startDevServer(),
    startSimulator({ port: 0, seed: 3, autoTick: false, exchanges: ['binance', 'kraken'], withdrawalDelayMs: 300 }),
  ]);
  venues = { binance: await adaptersFor(sim, 'binance'), kraken: await adaptersFor(sim, 'kraken') };
  const activities = createMoneyActivities({ venues, ledger, clock: systemClock, catalogue: cfg.networks, rules: cfg.settings.transfers, pollMs: 100 });
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, shutdownGraceTime: '1 second' });
  running = worker.run();
}, 90_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all(Object.values(venues ?? {}).map((v) => v.close()));
  await sim?.close();
  await env?.teardown();
  ledger.close();
});

describe('qbot rebalance list/show/approve/reject against a real Temporal server', () => {
  it('lists and shows rebalances, refuses a rejection without a reason, and an approval lets the transfer go', async () => {
    const done = await env.client.workflow.start(rebalanceWorkflow, { taskQueue, workflowId: 'rebalance-USDT-1', args: [input('rebalance-USDT-1', '1000')] });
    const big = await env.client.workflow.start(rebalanceWorkflow, { taskQueue, workflowId: 'rebalance-USDT-2', args: [input('rebalance-USDT-2', '3000')] });
    expect(await done.result()).toMatchObject({ state: 'completed' });
    await waitUntil('the large rebalance to wait for approval', async () => (await big.query(rebalanceQuery)).state === 'awaiting-approval', 10_000, 100);

    const [list, show, blank, missing] = await Promise.all([
      qbot(['list', '--json']),
      qbot(['show', 'rebalance-USDT-1']),
      qbot(['reject', 'rebalance-USDT-2', '--reason', ' ']),
      qbot(['show', 'rebalance-nope']),
    ]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ id: string; status: string }>;
    expect(rows.map((r) => [r.id, r.status]).sort()).toEqual([['rebalance-USDT-1', 'COMPLETED'], ['rebalance-USDT-2', 'RUNNING']]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('rebalance-USDT-1: completed  1000 USDT binance -> kraken on TRC20 (fee 1, cost $1)');
    expect(show.stdout).toContain('credited 999 USDT on kraken');
    expect(blank.code).toBe(1);
    expect(blank.stderr).toContain('refused: a rejection needs who (by) and a reason');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no rebalance rebalance-nope');

    const approve = await qbot(['approve', 'rebalance-USDT-2', '--by', 'cli-test', '--json']);
    expect(approve.code).toBe(0);
    expect(JSON.parse(approve.stdout).state).not.toBe('awaiting-approval');
    expect(await big.result()).toMatchObject({ state: 'completed', reason: 'credited 2999 USDT on kraken; approved by cli-test' });
    const again = await qbot(['approve', 'rebalance-USDT-2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('rebalance-USDT-2 has already ended (completed): nothing to decide');
  });
});
