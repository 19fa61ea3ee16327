import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { modeWorkflow, type ModeWorkflowInput } from '../../workflows/mode';
import { initialModeState } from '../../workflows/mode-types';
import { macroSignal, modeQuery, setModeUpdate, type MacroAlert } from '../../signals/defs';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { workflowBundle } from '../helpers/temporal';
import { ALLOCATION_PERCENT, eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

const alert = (mode: 'BTC' | 'GOLD', alertId: string, firedAt: string): MacroAlert => ({ mode, alertId, firedAt, source: 'tradingview', reason: `TradingView macro ${mode}` });
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

async function withMode(input: Partial<ModeWorkflowInput>, fn: (h: Awaited<ReturnType<typeof env.client.workflow.start<typeof modeWorkflow>>>) => Promise<void>): Promise<void> {
  const ledger = SqliteLedger.open({ file: ':memory:' });
  const { worker: orchestrator, taskQueue } = await orchestratorWorker(env, ledger);
  const { worker: hot } = await hotpathWorker(env);
  const handle = await env.client.workflow.start(modeWorkflow, {
    taskQueue, workflowId: `mode-future-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    args: [{ initialMode: 'GOLD', allocationPercent: ALLOCATION_PERCENT, ...input }],
  });
  // The test body is one promise that is always awaited to its end, even when a worker stops
  // first: a body left running would go on calling the client after the connection is closed
  // (its gRPC retries then throw "Channel has been shut down" from a timer, failing the suite).
  const body = fn(handle);
  try {
    await orchestrator.runUntil(hot.runUntil(body));
  } finally {
    await body.catch(() => undefined);
    await handle.terminate('test over').catch(() => undefined);
    ledger.close();
  }
}

describe('mode workflow: an alert dated in the future cannot block the mode', () => {
  it('refuses a macro signal fired in 2099 (sent straight to the workflow); later alerts and setMode still work', async () => {
    await withMode({}, async (h) => {
      await h.signal(macroSignal, alert('BTC', 'tv-2099', '2099-01-01T00:00:00Z'));
      const v = await eventually(async () => {
        const x = await h.query(modeQuery);
        expect(x.ignoredAlerts?.map((a) => a.alertId)).toContain('tv-2099');
        return x;
      }, 15_000);
      expect(v.mode).toBe('GOLD');
      expect(v.lastAlertAt ?? null).toBeNull();
      expect(v.ignoredAlerts?.find((a) => a.alertId === 'tv-2099')?.why).toMatch(/in the future/);
      // a real alert of now flips the mode
      await h.signal(macroSignal, alert('BTC', 'tv-now', isoIn(-1000)));
      await eventually(async () => expect((await h.query(modeQuery)).mode).toBe('BTC'), 15_000);
      // an operator's request with a future firedAt is refused with the reason; one without it works
      await expect(h.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'test', firedAt: '2099-01-01T00:00:00Z' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect(await h.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'operator flip' }] })).toMatchObject({ mode: 'GOLD', changed: true });
      // within the small skew (clocks differ by seconds) an alert is still accepted
      await h.signal(macroSignal, alert('BTC', 'tv-skew', isoIn(20_000)));
      await eventually(async () => expect((await h.query(modeQuery)).mode).toBe('BTC'), 15_000);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await h.fetchHistory(), h.workflowId);
    });
  }, 90_000);

  it('recovers a run whose alert clock was already pushed to 2099: the operator setMode is not bound by it and resets it', async () => {
    // The state an older build carried over continue-as-new after accepting the 2099 alert.
    const poisoned = { ...initialModeState({ initialMode: 'GOLD', allocationPercent: ALLOCATION_PERCENT }), book: { seenAlertIds: ['tv-2099'], lastAlertAt: '2099-01-01T00:00:00Z' } };
    await withMode({ state: poisoned }, async (h) => {
      // same mode: nothing to flip, but the alert clock comes back to now
      expect(await h.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'reset the alert clock' }] })).toMatchObject({ mode: 'GOLD', changed: false });
      const v = await h.query(modeQuery);
      expect(Date.parse(v.lastAlertAt ?? '') <= Date.now()).toBe(true);
      // TradingView's alerts are taken again
      await h.signal(macroSignal, alert('BTC', 'tv-after', isoIn(2000)));
      await eventually(async () => expect((await h.query(modeQuery)).mode).toBe('BTC'), 15_000);
    });
  }, 60_000);
});
