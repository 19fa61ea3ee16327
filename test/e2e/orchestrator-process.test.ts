import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../config';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { GBOT_WORKFLOW_ID, goldQuery, ORCHESTRATOR_TASK_QUEUE } from '../../signals/defs';
import { sweepInput } from '../../signals/cli/commands/sweep';
import { monthKey } from '../../domain/sweep';
import { sweepWorkflow } from '../../workflows/sweep';
import { startDevServer } from '../helpers/temporal';
import { eventually } from '../helpers/mode-workers';
import { freePort, get, startTsx, type Started } from '../helpers/processes';
import { waitUntil } from '../helpers/wait';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const config = loadConfig({ env: {} });
let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
let orchestrator: Started;
let healthPort: number;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestrator-'));

let retriesBeforeSim: string[] = [];

beforeAll(async () => {
  env = await startDevServer();
  // The orchestrator starts before its exchange answers (the simulator still starting, a venue's
  // outage): it must wait for the market load with back-off, not exit.
  const simPort = await freePort();
  healthPort = await freePort();
  orchestrator = startTsx('workers/orchestrator.ts', [], {
    TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', SIM_URL: `http://127.0.0.1:${simPort}`,
    QBOT_DATA_DIR: dataDir, ORCHESTRATOR_HEALTH_PORT: String(healthPort), LOG_LEVEL: 'info',
  });
  const retrying = () => orchestrator.output().split('\n').filter((l) => l.includes('market load failed; trying again'));
  await waitUntil('the orchestrator to retry the market load', () => retrying().length >= 2 || orchestrator.child.exitCode !== null, 120_000, 100);
  retriesBeforeSim = retrying();
  sim = await startSimulator({ port: simPort, seed: 3 });
  // The G-bot buys PAXG with its 85 % of what the accounts hold.
  sim.control.credit('kraken', 'USD', '3000');
  sim.control.credit('binance', 'USDT', '3000');
}, 180_000);

afterAll(async () => {
  await orchestrator?.stop();
  await sim?.close();
  await env?.teardown();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the orchestrator process answers its health check once its worker runs', async () => {
  const h = await eventually(async () => {
    const r = await get(`http://127.0.0.1:${healthPort}/health`);
    if (r.status !== 200) throw new Error(`health ${r.status}: ${r.body}`);
    return r;
  }, 150_000, 250);
  expect(JSON.parse(h.body)).toMatchObject({ ok: true, part: 'orchestrator', worker: 'RUNNING' });
}, 180_000);

test('a venue that did not answer at start was retried with back-off, named, without exiting; no SDK INFO lines at LOG_LEVEL info', async () => {
  await waitUntil('the orchestrator to say it runs', () => orchestrator.output().includes('orchestrator worker running') || orchestrator.child.exitCode !== null, 150_000, 250);
  expect([orchestrator.child.exitCode, orchestrator.output().slice(-1500)]).toEqual([null, expect.any(String)]);
  expect(retriesBeforeSim.slice(0, 2).map((l) => JSON.parse(l) as object)).toEqual([
    expect.objectContaining({ exchange: 'binance', attempt: 1, retryInMs: 500, msg: 'binance: market load failed; trying again' }),
    expect.objectContaining({ exchange: 'binance', attempt: 2, retryInMs: 1000 }),
  ]);
  // The SDK's own INFO lines (webpack's bundle report, "Worker state changed") stay out of the log.
  expect(orchestrator.output()).not.toMatch(/\[INFO\]|webpack .* compiled/);
}, 180_000);

test('a sweep started on the cluster runs on the orchestrator process and ends with its reason (GOLD mode)', async () => {
  const h = await env.client.workflow.start(sweepWorkflow, {
    taskQueue: ORCHESTRATOR_TASK_QUEUE, workflowId: `sweep-e2e-${Date.now()}`, args: [sweepInput(config.settings, monthKey(Date.now()))],
  });
  const err = await h.result().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('SweepRefused');
  expect(cause.message).toMatch(/GOLD/);
  expect(orchestrator.output()).not.toMatch(/is not registered/);
}, 60_000);

test('in the initial GOLD mode the G-bot run on the orchestrator buys PAXG through the simulator', async () => {
  const gold = await eventually(async () => {
    const v = await env.client.workflow.getHandle(GBOT_WORKFLOW_ID).query(goldQuery);
    if (v.cycles.length === 0) throw new Error('no G-bot cycle yet');
    return v;
  }, 90_000, 500);
  expect(gold.cycles[0]!.message).toMatch(/bought .* PAXG/);
  expect(orchestrator.output()).not.toMatch(/is not registered/);
}, 120_000);
