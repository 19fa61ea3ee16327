import { Worker, Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { modeWorkflow } from '../../workflows/mode';
import { macroSignal, modeQuery, setModeUpdate } from '../../signals/defs';
import { startDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createModeActivities } from '../../activities/mode';
import { systemClock } from '../../ports/clock';
import { eventually, hotpathWorker } from '../helpers/mode-workers';

Runtime.install({ logger: new DefaultLogger('WARN') });

const allocationPercent = {
  BTC: { qbot: '85', abot: '15', gbot: '0' },
  GOLD: { qbot: '15', abot: '0', gbot: '85' },
};

describe('Temporal harness: mode workflow on a real dev server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startDevServer();
  }, 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('answers a signal and a query through a real worker, and the history proves it', async () => {
    const taskQueue = uniqueTaskQueue('mode-harness');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      // A flip runs activities: the ledger write here, the allocation on the hot path's queue.
      activities: createModeActivities({ ledger: SqliteLedger.open({ file: ':memory:' }), clock: systemClock }),
    });
    const { worker: hot } = await hotpathWorker(env);
    const workflowId = `mode-harness-${Date.now()}`;
    await worker.runUntil(hot.runUntil(async () => {
      const handle = await env.client.workflow.start(modeWorkflow, {
        taskQueue,
        workflowId,
        args: [{ initialMode: 'GOLD', allocationPercent }],
      });
      expect((await handle.query(modeQuery)).mode).toBe('GOLD');
      await handle.signal(macroSignal, {
        mode: 'BTC',
        alertId: 'a-1',
        firedAt: '2026-11-24T10:00:00.000Z',
        source: 'tradingview',
        reason: 'buy BTC / sell PAXG',
      });
      const view = await eventually(async () => {
        const v = await handle.query(modeQuery);
        expect(v.mode).toBe('BTC');
        return v;
      });
      expect(view.allocationPercent).toEqual({ qbot: '85', abot: '15', gbot: '0' });
      expect(view.history).toHaveLength(1);

      const rejected = handle.executeUpdate(setModeUpdate, { args: [{ mode: 'SILVER' as 'BTC', reason: 'typo' }] });
      await expect(rejected).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const same = await handle.executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'again' }] });
      expect(same).toEqual({ mode: 'BTC', changed: false, message: 'already in BTC mode' });
    }));

    // The server itself recorded the signal: this fails if no real server/worker was involved.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const signalled = history.events?.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'macro');
    expect(signalled).toHaveLength(1);
    const serverInfo = await env.connection.workflowService.getSystemInfo({});
    expect(serverInfo.serverVersion).toMatch(/^\d+\.\d+/);
    console.log(`workflow test ran against a real Temporal server ${serverInfo.serverVersion} at ${env.address}`);
  });
});
