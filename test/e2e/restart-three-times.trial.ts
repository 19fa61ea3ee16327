import * as fs from 'node:fs';
import { GBOT_WORKFLOW_ID, goldQuery, MODE_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE, setModeUpdate, type GoldView } from '../../signals/defs';
import { hotpathControlWorkflow } from '../../workflows/hotpath-status';
import { RECONCILE_WORKFLOW_ID } from '../../workers/reconcile';
import { Decimal } from '../../domain/money/decimal';
import { tempDataDir } from './demo-helpers';
import { waitUntil } from '../helpers/wait';
import { fills, reconcileCli, runSnapshot, startSystemProcess, stopSystemProcess, type SystemProcess } from './restart-helpers';

/**
 * Not part of `npm test` (8-12 minutes on a loaded 2-core machine: four full system starts, each
 * bundling the workflows): run it with `npm run trial:restart`. `restart-bounded.test.ts` is its
 * short form in `npm test` (one `kill -9`, one clean stop, no flip).
 *
 * The whole system (workers/system.ts, paper trading over the simulator's books) as its own
 * process on one data dir: started, trading, then restarted three times in the middle of its
 * work, mixing `kill -9` (the process and its Temporal server at once) and a clean stop. After
 * every stop `qbot reconcile` shows the ledger equal to the venues per venue and asset (nothing
 * lost, nothing booked twice); every start finds the operator's pause still in force and the one
 * reconcile workflow it started itself; at the end a flip to BTC has the G-bot sell what the
 * venues really hold (no refusal), and its view equals the venues.
 */
describe('restart the system three times on one data dir (kill -9 and clean stops)', () => {
  const dataDir = tempDataDir('restart3');
  let sys: SystemProcess | undefined;
  afterAll(async () => {
    if (sys) await stopSystemProcess(sys, 'kill').catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the pause, one reconcile workflow, and the ledger equal to the venues; the G-bot then acts on its real position', async () => {
    sys = await startSystemProcess(dataDir);
    // The bots act on the first start (the G-bot buys gold in GOLD mode): wait for fills in the ledger.
    await waitUntil('the bots traded', () => fills(dataDir) > 0 || undefined, 120_000, 500);
    const reason = 'operator: restart trial';
    const paused = await sys.client.workflow.execute(hotpathControlWorkflow, { taskQueue: ORCHESTRATOR_TASK_QUEUE, workflowId: `restart-trial-pause-${Date.now()}`, args: [{ action: 'pause', reason }] });
    expect(paused).toMatchObject({ paused: true, pausedReason: reason });
    const runId = (await sys.client.workflow.getHandle(RECONCILE_WORKFLOW_ID).describe()).runId;
    // In the middle of the run: kill -9, a clean stop, kill -9.
    const stops: Array<'clean' | 'kill'> = ['kill', 'clean', 'kill'];
    for (const [i, how] of stops.entries()) {
      const round = i + 1;
      const booked = fills(dataDir);
      await stopSystemProcess(sys, how);
      sys = undefined;
      // After the stop, nothing moves: the ledger against the venues, per venue and asset.
      const { report } = await reconcileCli(dataDir);
      expect({ round, how, differences: report.differences.filter((d) => d.difference !== '0') }).toEqual({ round, how, differences: [] });
      // Nothing booked was lost by the stop.
      expect(fills(dataDir)).toBeGreaterThanOrEqual(booked);
      sys = await startSystemProcess(dataDir);
      expect({ round, how, snapshot: await runSnapshot(sys.client) }).toMatchObject({ round, how, snapshot: { paused: true, pausedReason: reason } });
      // One workflow across restarts: the running one is found, not started again.
      expect((await sys.client.workflow.getHandle(RECONCILE_WORKFLOW_ID).describe()).runId).toBe(runId);
    }

    // The G-bot, restarted three times, sells on a flip to BTC what the venues really hold.
    const s = sys;
    await s.client.workflow.getHandle(MODE_WORKFLOW_ID).executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'restart trial: flip after the restarts' }] });
    const gold = s.client.workflow.getHandle(GBOT_WORKFLOW_ID);
    const view: GoldView = await waitUntil('the G-bot\'s BTC cycle', async () => {
      const v = await gold.query(goldQuery);
      return v.cycles.some((c) => c.mode === 'BTC') ? v : undefined;
    }, 180_000, 500);
    const cycle = view.cycles.filter((c) => c.mode === 'BTC').at(-1)!;
    expect(cycle.message).not.toMatch(/refused|rejected/);
    expect((view.pendingSales ?? []).filter((p) => p.state === 'needs-operator')).toEqual([]);
    expect((await runSnapshot(s.client)).paused).toBe(true);
    await stopSystemProcess(s, 'clean');
    sys = undefined;

    const { report, exitCode } = await reconcileCli(dataDir);
    // One entry per venue and asset held on either side; each must agree to the last unit.
    expect(report.differences.length).toBeGreaterThan(0);
    expect(report.differences.filter((d) => d.difference !== '0')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(exitCode ?? 0).toBe(0);
    // The G-bot's memory is what the venues hold.
    for (const p of view.perExchange) {
      const venue = report.differences.find((d) => d.exchange === p.exchange && d.asset === 'PAXG');
      expect({ exchange: p.exchange, paxg: new Decimal(p.amount).toFixed() }).toEqual({ exchange: p.exchange, paxg: new Decimal(venue?.exchangeAmount ?? '0').toFixed() });
    }
  }, 1_200_000);
});
