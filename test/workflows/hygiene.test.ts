import pino from 'pino';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, ActivityFailure } from '@temporalio/common';
import { loadConfig } from '../../config';
import { createModeActivities } from '../../activities/mode';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { systemClock } from '../../ports/clock';
import { sweepWorkflow } from '../../workflows/sweep';
import { abotWorkflow } from '../../workflows/abot';
import { modeWorkflow } from '../../workflows/mode';
import { modeWorkflowInput } from '../../signals/mode-start';
import { botDeactivateSignal } from '../../signals/defs';
import { sweepInput } from '../../signals/cli/commands/sweep';
import { ABOT_INPUT, botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();
const config = loadConfig({ env: {} });
const ledger = SqliteLedger.open({ file: ':memory:' });

afterAll(() => {
  ledger.close();
});

test('a sweep on a worker that lacks its activities fails at once with the reason, instead of retrying forever', async () => {
  // The mis-deployment of the issue: an orchestrator serving only the mode workflow's activities.
  const { worker, taskQueue } = await botWorker(env, createModeActivities({ ledger, clock: systemClock, logger: pino({ level: 'silent' }) }));
  await worker.runUntil(async () => {
    const h = await env.client.workflow.start(sweepWorkflow, { taskQueue, workflowId: `sweep-unregistered-${Date.now()}`, args: [sweepInput(config.settings, '2020-01')] });
    const err = await h.result().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    const cause = (activity as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('NotFoundError');
    expect(cause.message).toMatch(/Activity function sweepContext is not registered/);
  });
}, 60_000);

test('the mode workflow says in its memo which mode it is in and what it is doing', async () => {
  const { worker, taskQueue } = await botWorker(env, createModeActivities({ ledger, clock: systemClock, logger: pino({ level: 'silent' }) }));
  await worker.runUntil(async () => {
    const h = await env.client.workflow.start(modeWorkflow, { taskQueue, workflowId: `mode-memo-${Date.now()}`, args: [modeWorkflowInput(config.settings)] });
    const deadline = Date.now() + 20_000;
    let memo: Record<string, unknown> | undefined;
    while (Date.now() < deadline) {
      memo = (await h.describe()).memo;
      if (memo?.mode) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(memo).toEqual({ mode: 'GOLD', state: 'steady' });
    await h.terminate('test done');
  });
}, 60_000);

test('a ledger write started by a bot signal handler completes before the run continues as new', async () => {
  const rig = botRig({ balances: { binance: {}, kraken: {}, coinbase: {} }, staking: {} });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const activities = {
    ...rig.activities,
    // A slow ledger: the write is still running when the run would roll over.
    abotRecord: async (x: Parameters<typeof rig.activities.abotRecord>[0]) => {
      await gate;
      return rig.activities.abotRecord(x);
    },
  };
  const { worker, taskQueue } = await botWorker(env, activities);
  try {
    await worker.runUntil(async () => {
      const workflowId = `abot-can-${Date.now()}`;
      // maxHistoryEvents 1: the run wants to continue as new as soon as it is idle.
      const h = await env.client.workflow.signalWithStart(abotWorkflow, {
        taskQueue, workflowId, args: [{ ...ABOT_INPUT, maxHistoryEvents: 1 }],
        signal: botDeactivateSignal, signalArgs: [{ flipId: 'f-can', mode: 'GOLD', percent: '0' }],
      });
      const firstRun = h.signaledRunId;
      setTimeout(() => release(), 1500);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const d = await env.client.workflow.getHandle(workflowId, firstRun).describe();
        if (d.status.name !== 'RUNNING') break;
        if (Date.now() > deadline) throw new Error('the first run never closed');
        await new Promise((r) => setTimeout(r, 100));
      }
      const events = (await env.client.workflow.getHandle(workflowId, firstRun).fetchHistory()).events ?? [];
      const completed = events.findIndex((e) => e.activityTaskCompletedEventAttributes);
      const rolled = events.findIndex((e) => e.workflowExecutionContinuedAsNewEventAttributes);
      expect(rolled).toBeGreaterThan(0);
      expect(completed).toBeGreaterThan(0);
      expect(completed).toBeLessThan(rolled);
      await env.client.workflow.getHandle(workflowId).terminate('test done');
    });
  } finally {
    release();
    rig.close();
  }
}, 90_000);
