import * as fs from 'node:fs';
import { ORCHESTRATOR_TASK_QUEUE } from '../../signals/defs';
import { hotpathControlWorkflow } from '../../workflows/hotpath-status';
import { RECONCILE_WORKFLOW_ID } from '../../workers/reconcile';
import { tempDataDir } from './demo-helpers';
import { scaled, waitUntil } from '../helpers/wait';
import { fills, ledgerLines, reconcileCli, runSnapshot, startSystemProcess, stopSystemProcess, type SystemProcess } from './restart-helpers';

/**
 * The restart test of issue #13 in `npm test`, bounded: the in-process system (workers/system.ts,
 * paper trading over the simulator's books) as its own process on one data dir, stopped by `kill -9`
 * (the process and its Temporal server at once) in the middle of its work, started again, then
 * stopped cleanly. After each stop `qbot reconcile` finds the ledger equal to the venues (nothing
 * lost, nothing booked twice); the second start finds the operator's pause in force and the same
 * reconcile workflow. The long form, with three stops and the G-bot's flip, is `npm run trial:restart`.
 */
describe('restart the system on one data dir: kill -9, then a clean stop', () => {
  const dataDir = tempDataDir('restart2');
  let sys: SystemProcess | undefined;
  afterAll(async () => {
    if (sys) await stopSystemProcess(sys, 'kill').catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, scaled(60_000));

  it('keeps the pause, one reconcile workflow and the ledger equal to the venues; every simulator entry is marked', async () => {
    sys = await startSystemProcess(dataDir);
    await waitUntil('the bots traded', () => fills(dataDir) > 0 || undefined, 120_000, 500);
    const reason = 'operator: bounded restart test';
    const paused = await sys.client.workflow.execute(hotpathControlWorkflow, { taskQueue: ORCHESTRATOR_TASK_QUEUE, workflowId: `restart-bounded-pause-${Date.now()}`, args: [{ action: 'pause', reason }] });
    expect(paused).toMatchObject({ paused: true, pausedReason: reason });
    const runId = (await sys.client.workflow.getHandle(RECONCILE_WORKFLOW_ID).describe()).runId;

    let booked = fills(dataDir);
    await stopSystemProcess(sys, 'kill');
    sys = undefined;
    expect((await reconcileCli(dataDir)).report.differences.filter((d) => d.difference !== '0')).toEqual([]);
    expect(fills(dataDir)).toBeGreaterThanOrEqual(booked);

    sys = await startSystemProcess(dataDir);
    expect(await runSnapshot(sys.client)).toMatchObject({ paused: true, pausedReason: reason });
    expect((await sys.client.workflow.getHandle(RECONCILE_WORKFLOW_ID).describe()).runId).toBe(runId);
    booked = fills(dataDir);
    await stopSystemProcess(sys, 'clean');
    sys = undefined;
    const { report, exitCode } = await reconcileCli(dataDir);
    expect(report.differences.length).toBeGreaterThan(0);
    expect(report.differences.filter((d) => d.difference !== '0')).toEqual([]);
    expect([report.ok, exitCode ?? 0]).toEqual([true, 0]);
    expect(fills(dataDir)).toBeGreaterThanOrEqual(booked);

    // The venues are the local simulator: every line that moves a balance says so (the ledger's marker).
    const moving = ledgerLines(dataDir).filter((e) => e.delta !== undefined);
    expect(moving.length).toBeGreaterThan(0);
    expect(moving.filter((e) => e.details?.simulated !== true).map((e) => `${e.kind} ${e.exchange ?? ''} ${e.asset ?? ''}`)).toEqual([]);
  }, scaled(400_000));
});
