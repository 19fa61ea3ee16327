import * as fs from 'node:fs';
import { Command } from 'commander';
import { registerReconcileCommands } from '../../signals/cli/commands/reconcile';
import { reconcileQuery, type ReconcileView } from '../../signals/defs';
import { RECONCILE_WORKFLOW_ID } from '../../workers/reconcile';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import type { RunningSystem } from '../../workers/system';
import { startTestDemo, tempDataDir } from './demo-helpers';
import { waitUntil } from '../helpers/wait';

/** `qbot reconcile --json --data-dir D` as an operator runs it: its JSON and exit code. */
interface CliReport { ok: boolean; differences: Array<{ exchange: string; asset: string; difference: string }> }

async function reconcileCli(dataDir: string): Promise<{ report: CliReport; exitCode: number | undefined }> {
  const program = new Command('qbot').exitOverride();
  registerReconcileCommands(program);
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'qbot', 'reconcile', '--json', '--data-dir', dataDir]);
    return { report: JSON.parse(out.join('\n')) as CliReport, exitCode: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

const fills = (dataDir: string): number => {
  const ledger = SqliteLedger.open({ dataDir });
  try {
    return ledger.entries({ kind: 'fill' }).length;
  } finally {
    ledger.close();
  }
};

/**
 * Not part of `npm test` (8-10 minutes on a loaded 2-core machine: four full system starts, each bundling the workflows):
 * run it with `npm run trial:restart`.
 *
 * The whole system (workers/system.ts, in-process, paper trading over the simulator's books) on one
 * data dir: started, trading, stopped, started again three times. Every start finds the operator's
 * pause still in force, runs the periodic reconciliation it started itself (one workflow), and at
 * the end `qbot reconcile` shows the ledger equal to the paper venues per venue and asset.
 */
describe('restart the system three times on one data dir', () => {
  const dataDir = tempDataDir('restart3');
  let sys: RunningSystem | undefined;
  afterAll(async () => {
    await sys?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the pause, starts one reconcile workflow, and the ledger equals the venues after each restart', async () => {
    sys = await startTestDemo(dataDir);
    // The bots act on the first start (the G-bot buys gold in GOLD mode): wait for fills in the ledger.
    await waitUntil('the bots traded', () => {
      const l = SqliteLedger.open({ dataDir });
      try {
        return l.entries({ kind: 'fill' }).length > 0;
      } finally {
        l.close();
      }
    }, 60_000, 500);
    sys.hotpath.control.pause('operator: restart trial');
    await sys.stop();
    sys = undefined;
    let runId: string | undefined;
    for (let round = 1; round <= 3; round += 1) {
      const booked = fills(dataDir);
      sys = await startTestDemo(dataDir);
      expect(sys.hotpath.control.snapshot()).toMatchObject({ paused: true, pausedReason: 'operator: restart trial' });
      const h = sys.client.workflow.getHandle(RECONCILE_WORKFLOW_ID);
      const view: ReconcileView = await waitUntil(`reconcile round after start ${round}`, async () => {
        const v = await h.query(reconcileQuery);
        return v.last ? v : undefined;
      }, 60_000, 500);
      expect({ round, differences: view.last?.differences }).toEqual({ round, differences: [] });
      const described = await h.describe();
      runId ??= described.runId;
      // One workflow across restarts: the running one is found, not started again.
      expect(described.runId).toBe(runId);
      await sys.stop();
      sys = undefined;
      // Nothing booked twice by a restart.
      expect(fills(dataDir)).toBeGreaterThanOrEqual(booked);
    }
    const { report, exitCode } = await reconcileCli(dataDir);
    // One entry per venue and asset held on either side; each must agree to the last unit.
    expect(report.differences.length).toBeGreaterThan(0);
    expect(report.differences.filter((d) => d.difference !== '0')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(exitCode ?? 0).toBe(0);
  }, 600_000);
});
