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

Runtime.install({ logger: new DefaultLogger('ERROR') });

const config = loadConfig({ env: {} });
let env: TestWorkflowEnvironment;
let sim: RunningSimulator;
let orchestrator: Started;
let healthPort: number;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestrator-'));

beforeAll(async () => {
  [env, sim] = await Promise.all([startDevServer(), startSimulator({ port: 0, seed: 3 })]);
  // The G-bot buys PAXG with its 85 % of what the accounts hold.
  sim.control.credit('kraken', 'USD', '3000');
  sim.control.credit('binance', 'USDT', '3000');
  healthPort = await freePort();
  orchestrator = startTsx('workers/orchestrator.ts', [], {
    TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', SIM_URL: `http://127.0.0.1:${sim.port}`,
    QBOT_DATA_DIR: dataDir, ORCHESTRATOR_HEALTH_PORT: String(healthPort), LOG_LEVEL: 'info',
  });
}, 90_000);

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
