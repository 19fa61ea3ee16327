import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { modeWorkflow } from '../../workflows/mode';
import { macroSignal, modeQuery } from '../../signals/defs';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { uniqueTaskQueue } from '../helpers/temporal';
import { ALLOCATION_PERCENT, eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('mode flip across an orchestrator worker restart', () => {
  it('a worker stopped in the middle of a flip leaves it to the next worker, and the flip is booked exactly once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mode-restart-'));
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const taskQueue = uniqueTaskQueue('orchestrator-restart');
    const { worker: hot, control } = await hotpathWorker(env);
    const hotRun = hot.run();
    try {
      let reached!: () => void;
      const inFlight = new Promise<void>((r) => (reached = r));
      // The first worker books the flip, then "crashes" before reporting completion: the worst case
      // for exactly-once, since the retry on the next worker repeats a write that already happened.
      const first = await orchestratorWorker(env, ledger, {
        taskQueue,
        shutdownGraceTime: '200 ms',
        wrap: (real) => ({
          recordModeFlip: async (input) => {
            await real.recordModeFlip(input);
            reached();
            await Context.current().cancelled;
            throw new Error('unreachable: the worker is shutting down');
          },
        }),
      });
      const firstRun = first.worker.run();
      const handle = await env.client.workflow.start(modeWorkflow, {
        taskQueue,
        workflowId: `mode-restart-${Date.now()}`,
        args: [{ initialMode: 'GOLD', allocationPercent: ALLOCATION_PERCENT }],
      });
      await handle.signal(macroSignal, { mode: 'BTC', alertId: 'restart-1', firedAt: '2026-11-24T10:00:00Z', source: 'tradingview', reason: 'buy BTC' });
      await inFlight;
      const mid = await handle.query(modeQuery);
      expect(mid.flipInProgress).toEqual({ from: 'GOLD', to: 'BTC', alertId: 'restart-1' });
      expect(mid.mode).toBe('GOLD');
      first.worker.shutdown();
      await firstRun;

      const restartedAt = Date.now();
      const second = await orchestratorWorker(env, ledger, { taskQueue });
      const view = await second.worker.runUntil(
        eventually(async () => {
          const v = await handle.query(modeQuery);
          expect(v.mode).toBe('BTC');
          expect(v.pendingFlips).toBe(0);
          return v;
        }, 20_000),
      );
      console.log(`flip completed ${Date.now() - restartedAt} ms after the new worker started`);

      expect(ledger.entries({ kind: 'mode-flip', correlationId: 'restart-1' })).toHaveLength(1);
      expect(ledger.entries({ kind: 'decision', correlationId: 'restart-1' })).toHaveLength(3);
      expect(control.snapshot()).toMatchObject({ mode: 'BTC', allocationsApplied: 1, lastFlipId: 'restart-1' });
      expect(view.history.map((h) => h.alertId)).toEqual(['restart-1']);
      // The history proves the restart happened: recordModeFlip was attempted twice, completed once.
      const events = (await handle.fetchHistory()).events ?? [];
      const flipActivityIds = new Set(
        events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordModeFlip').map((e) => e.eventId?.toString()),
      );
      expect(flipActivityIds.size).toBe(1);
      const completed = events.filter((e) => flipActivityIds.has(e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString()));
      expect(completed).toHaveLength(1);
      const started = events.find((e) => flipActivityIds.has(e.activityTaskStartedEventAttributes?.scheduledEventId?.toString()));
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);

    } finally {
      // Leave no worker polling a server that is about to go away, whatever failed above.
      hot.shutdown();
      await hotRun;
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
