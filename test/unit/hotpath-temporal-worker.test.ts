import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

/**
 * The hot path process serves HotpathControl's activities on the `hotpath` task queue of a real
 * Temporal server: a workflow's snapshot request reaches it, and a pause shows in the snapshot.
 */
describe('hot path process as a Temporal worker', () => {
  let env: TestWorkflowEnvironment;
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  beforeAll(async () => {
    [env, sim] = await Promise.all([startDevServer(), startSimulator({ port: 0, seed: 3, tickMs: 200 })]);
    hp = await startHotpath({
      sim, temporalConnection: env.nativeConnection, ledger: SqliteLedger.open({ file: ':memory:' }),
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }),
    });
  }, 90_000);
  afterAll(async () => {
    await hp?.close();
    await sim?.close();
    await env?.teardown();
  });

  it('answers hotpathSnapshot from a workflow, with the pause it was given', async () => {
    hp.control.pause('maintenance window');
    const taskQueue = uniqueTaskQueue('hotpath-status');
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle() });
    const snap = await worker.runUntil(env.client.workflow.execute('hotpathStatusWorkflow', { taskQueue, workflowId: uniqueTaskQueue('status') }));
    expect(snap).toMatchObject({ paused: true, pausedReason: 'maintenance window' });
  });
});
