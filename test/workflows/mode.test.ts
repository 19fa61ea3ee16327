import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { modeWorkflow } from '../../workflows/mode';
import { macroSignal, modeQuery, setModeUpdate, type MacroAlert } from '../../signals/defs';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import type { HotpathControl } from '../../hotpath/control';
import { workflowBundle } from '../helpers/temporal';
import { ALLOCATION_PERCENT, eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();
let seq = 0;

const alert = (mode: string, alertId: string, firedAt: string): MacroAlert =>
  ({ mode, alertId, firedAt, source: 'tradingview', reason: `TradingView macro ${mode}` }) as MacroAlert;

interface Ctx {
  handle: WorkflowHandle<typeof modeWorkflow>;
  control: HotpathControl;
  ledger: SqliteLedger;
  orchestrator: Worker;
  hot: Worker;
  taskQueue: string;
}

/** A fresh mode workflow, a real orchestrator worker, a real hot path worker and a real ledger. */
async function withMode(fn: (c: Ctx) => Promise<void>, extraInput: { maxHistoryEvents?: number } = {}): Promise<void> {
  const ledger = SqliteLedger.open({ file: ':memory:' });
  const { worker: orchestrator, taskQueue } = await orchestratorWorker(env, ledger);
  const { worker: hot, control } = await hotpathWorker(env);
  seq += 1;
  const handle = await env.client.workflow.start(modeWorkflow, {
    taskQueue,
    workflowId: `mode-test-${seq}-${Date.now()}`,
    args: [{ initialMode: 'GOLD', allocationPercent: ALLOCATION_PERCENT, ...extraInput }],
  });
  try {
    await orchestrator.runUntil(hot.runUntil(fn({ handle, control, ledger, orchestrator, hot, taskQueue })));
  } finally {
    await handle.terminate('test over').catch(() => undefined);
    ledger.close();
  }
}

const flips = (ledger: SqliteLedger) => ledger.entries({ kind: 'mode-flip' });

describe('mode workflow on a real Temporal server with real hot path and ledger workers', () => {
  it('a macro signal flips the mode, applies the split to the running hot path, switches bots in order and books the flip once', async () => {
    await withMode(async ({ handle, control, ledger }) => {
      expect((await handle.query(modeQuery)).mode).toBe('GOLD');
      await handle.signal(macroSignal, alert('BTC', 'tv-1', '2026-11-24T10:00:00Z'));
      const view = await eventually(async () => {
        const v = await handle.query(modeQuery);
        expect(v.mode).toBe('BTC');
        return v;
      });
      expect(view.allocationPercent).toEqual({ qbot: '85', abot: '15', gbot: '0' });
      expect(view.bots).toEqual({ qbot: 'active', abot: 'active', gbot: 'inactive' });
      expect(view.history).toEqual([
        { from: 'GOLD', to: 'BTC', at: '2026-11-24T10:00:00Z', reason: 'TradingView macro BTC', alertId: 'tv-1', source: 'tradingview' },
      ]);
      const snap = control.snapshot();
      expect(snap).toMatchObject({ mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, lastFlipId: 'tv-1', allocationsApplied: 1 });
      const flip = flips(ledger);
      expect(flip).toHaveLength(1);
      expect(flip[0]).toMatchObject({ correlationId: 'tv-1', details: { from: 'GOLD', to: 'BTC' } });
      // The G-bot stops before the others change (it frees the capital they take).
      const bots = ledger.entries({ kind: 'decision', correlationId: 'tv-1' }).map((e) => [e.details?.bot, e.details?.state]);
      expect(bots).toEqual([['gbot', 'inactive'], ['qbot', 'active'], ['abot', 'active']]);
      // Determinism: the recorded history replays against today's workflow code.
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), handle.workflowId);
    });
  });

  it('the setMode update validates, refuses with a reason, acknowledges the same mode and returns only once the flip is applied', async () => {
    await withMode(async ({ handle, control, ledger }) => {
      const refuse = async (req: object, reason: RegExp) => {
        const err = await handle.executeUpdate(setModeUpdate, { args: [req as never] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(String((err as WorkflowUpdateFailedError).cause?.message)).toMatch(reason);
      };
      await refuse({ mode: 'SILVER', reason: 'typo' }, /unknown mode "SILVER"/);
      await refuse({ mode: 'BTC', reason: '   ' }, /reason is required/);
      await refuse({ mode: 'BTC' }, /reason is required/);
      await refuse({ mode: 'BTC', reason: 'x', firedAt: 'yesterday' }, /not an ISO-8601 time/);
      await refuse({ mode: 'BTC', reason: 'x', requestId: ' ' }, /alertId must be a non-empty string/);

      const same = await handle.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'confirm', firedAt: '2026-11-24T11:00:00Z' }] });
      expect(same).toEqual({ mode: 'GOLD', changed: false, message: 'already in GOLD mode' });
      expect(control.snapshot().allocationsApplied).toBe(0);

      const done = await handle.executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'operator call', requestId: 'op-1', firedAt: '2026-11-24T12:00:00Z' }] });
      expect(done).toEqual({ mode: 'BTC', changed: true, message: 'mode is now BTC' });
      // The update returned after the flip ran: the hot path already holds the new split.
      expect(control.snapshot()).toMatchObject({ mode: 'BTC', lastFlipId: 'op-1' });
      expect(flips(ledger)).toHaveLength(1);

      // An alert older than the applied one is refused with the reason; a retried request id is ignored.
      await refuse({ mode: 'GOLD', reason: 'late', firedAt: '2026-11-24T11:59:59Z' }, /older than the last applied alert \(2026-11-24T12:00:00Z\)/);
      const retried = await handle.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'retry', requestId: 'op-1' }] });
      expect(retried).toEqual({ mode: 'BTC', changed: false, message: 'alert op-1 was seen before: ignored' });
      const view = await handle.query(modeQuery);
      expect(view.mode).toBe('BTC');
      expect(view.history).toHaveLength(1);
      expect(flips(ledger)).toHaveLength(1);
      // Rejected updates never reach the history.
      const history = await handle.fetchHistory();
      const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      expect(accepted).toHaveLength(3);
    });
  });

  it('ignores duplicate alert ids and out-of-order alerts, and says why', async () => {
    await withMode(async ({ handle, ledger, control }) => {
      await handle.signal(macroSignal, alert('BTC', 'tv-a', '2026-11-24T10:00:00Z'));
      await handle.signal(macroSignal, alert('BTC', 'tv-a', '2026-11-24T10:00:00Z'));
      // Same id, different content: still the same TradingView alert delivered twice.
      await handle.signal(macroSignal, alert('GOLD', 'tv-a', '2026-11-24T10:05:00Z'));
      // Older than the applied one: a delayed delivery must not undo a newer decision.
      await handle.signal(macroSignal, alert('GOLD', 'tv-b', '2026-11-24T09:59:00Z'));
      await handle.signal(macroSignal, alert('COPPER', 'tv-c', '2026-11-24T10:06:00Z'));
      // Sent by hand without an id (e.g. `temporal workflow signal`): refused, never half-applied.
      await handle.signal(macroSignal, { mode: 'GOLD', firedAt: '2026-11-24T10:07:00Z' } as MacroAlert);
      const view = await eventually(async () => {
        const v = await handle.query(modeQuery);
        expect(v.ignoredAlerts).toHaveLength(5);
        expect(v.pendingFlips).toBe(0);
        return v;
      });
      expect(view.mode).toBe('BTC');
      expect(view.history.map((h) => h.alertId)).toEqual(['tv-a']);
      expect(view.ignoredAlerts?.map((i) => [i.alertId, i.why])).toEqual([
        ['tv-a', 'alert tv-a was seen before: ignored'],
        ['tv-a', 'alert tv-a was seen before: ignored'],
        ['tv-b', 'alert fired at 2026-11-24T09:59:00Z is older than the last applied alert (2026-11-24T10:00:00Z)'],
        ['tv-c', 'unknown mode "COPPER": use BTC or GOLD'],
        [undefined, 'malformed alert: alertId must be a non-empty string'],
      ]);
      expect(flips(ledger)).toHaveLength(1);
      expect(control.snapshot().allocationsApplied).toBe(1);
    });
  });

  it('queues a flip that arrives during another flip and applies them one after the other, in order', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const { worker: orchestrator, taskQueue } = await orchestratorWorker(env, ledger);
    const handle = await env.client.workflow.start(modeWorkflow, {
      taskQueue,
      workflowId: `mode-queue-${Date.now()}`,
      args: [{ initialMode: 'GOLD', allocationPercent: ALLOCATION_PERCENT }],
    });
    await orchestrator.runUntil(async () => {
      // No hot path yet: the first flip stalls at applyAllocation, so the next ones arrive mid-flip.
      await handle.signal(macroSignal, alert('BTC', 'q-1', '2026-11-24T10:00:00Z'));
      await handle.signal(macroSignal, alert('GOLD', 'q-2', '2026-11-24T10:01:00Z'));
      await handle.signal(macroSignal, alert('BTC', 'q-3', '2026-11-24T10:02:00Z'));
      const mid = await eventually(async () => {
        const v = await handle.query(modeQuery);
        expect(v.flipInProgress).toEqual({ from: 'GOLD', to: 'BTC', alertId: 'q-1' });
        expect(v.pendingFlips).toBe(3);
        return v;
      });
      expect(mid.mode).toBe('GOLD');
      expect(flips(ledger)).toHaveLength(0);

      const applied: string[] = [];
      const { worker: hot, control } = await hotpathWorker(env);
      control.onChange((s) => applied.push(`${s.mode}:${s.lastFlipId}`));
      await hot.runUntil(
        eventually(async () => expect((await handle.query(modeQuery)).pendingFlips).toBe(0)),
      );
      expect(applied).toEqual(['BTC:q-1', 'GOLD:q-2', 'BTC:q-3']);
      const view = await handle.query(modeQuery);
      expect(view.mode).toBe('BTC');
      expect(view.history.map((h) => `${h.from}>${h.to}`)).toEqual(['GOLD>BTC', 'BTC>GOLD', 'GOLD>BTC']);
      expect(flips(ledger).map((e) => e.correlationId)).toEqual(['q-1', 'q-2', 'q-3']);
    });
    await handle.terminate('test over');
    ledger.close();
  });

  it('continues as new before the history grows large and keeps mode, history, seen ids and the alert clock', async () => {
    await withMode(
      async ({ handle, ledger }) => {
        const firstRun = (await handle.describe()).runId;
        const times = ['10:00', '10:01', '10:02', '10:03', '10:04'];
        for (const [i, t] of times.entries()) {
          await handle.executeUpdate(setModeUpdate, {
            args: [{ mode: i % 2 === 0 ? 'BTC' : 'GOLD', reason: `flip ${i}`, requestId: `can-${i}`, firedAt: `2026-11-24T${t}:00Z` }],
          });
        }
        const run = await eventually(async () => {
          const d = await handle.describe();
          expect(d.runId).not.toBe(firstRun);
          return d;
        });
        expect(run.status.name).toBe('RUNNING');
        const view = await handle.query(modeQuery);
        expect(view.mode).toBe('BTC');
        expect(view.history.map((h) => h.alertId)).toEqual(['can-0', 'can-1', 'can-2', 'can-3', 'can-4']);
        expect(view.lastAlertAt).toBe('2026-11-24T10:04:00Z');
        // State survived the new run: an old id is still a duplicate, an old time still out of order.
        const dup = await handle.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'again', requestId: 'can-1' }] });
        expect(dup.changed).toBe(false);
        const late = handle.executeUpdate(setModeUpdate, { args: [{ mode: 'GOLD', reason: 'late', firedAt: '2026-11-24T10:03:30Z' }] });
        await expect(late).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
        expect(flips(ledger)).toHaveLength(5);
      },
      { maxHistoryEvents: 40 },
    );
  });
});
