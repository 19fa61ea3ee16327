import { loadConfig, type AppConfig } from '../../config';
import { reconcileQuery } from '../../signals/defs';
import { createReconcileActivities } from '../../activities/reconcile';
import { ensureReconcileWorkflow, RECONCILE_WORKFLOW_ID } from '../../workers/reconcile';
import { eventually } from '../helpers/mode-workers';
import { botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

/**
 * The running system starts the periodic reconciliation itself: a fixed workflow id, started
 * with USE_EXISTING so several orchestrators (or a restart) start it once; a difference is an
 * operator alert (an error log and one ledger line per distinct set of differences).
 */
describe('the reconcile workflow is started by the system', () => {
  it('two orchestrators starting it at once give one workflow; a difference raises one operator alert, not one per round', async () => {
    const rig = botRig({ balances: { binance: { USDT: '1000' }, kraken: {}, coinbase: {} }, staking: {} });
    const alerts: Array<{ obj: object; msg: string }> = [];
    const logger = { warn: () => undefined, error: (obj: object, msg: string) => alerts.push({ obj, msg }) };
    const base = loadConfig({ env: {} });
    const config: AppConfig = { ...base, settings: { ...base.settings, reconcile: { intervalMs: 300 } } };
    const { worker, taskQueue } = await botWorker(env, createReconcileActivities({ ledger: rig.ledger, venues: rig.venues, logger }));
    await worker.runUntil(async () => {
      const [a, b] = await Promise.all([ensureReconcileWorkflow(env.client, config, { taskQueue }), ensureReconcileWorkflow(env.client, config, { taskQueue })]);
      expect(a.workflowId).toBe(RECONCILE_WORKFLOW_ID);
      expect(a.firstExecutionRunId).toMatch(/\S/);
      expect(b.firstExecutionRunId).toBe(a.firstExecutionRunId);
      // A restarted orchestrator finds the running one.
      expect((await ensureReconcileWorkflow(env.client, config, { taskQueue })).firstExecutionRunId).toBe(a.firstExecutionRunId);
      const h = env.client.workflow.getHandle(RECONCILE_WORKFLOW_ID);
      const view = await eventually(async () => {
        const v = await h.query(reconcileQuery);
        expect(v.checks).toBeGreaterThanOrEqual(3);
        return v;
      }, 30_000);
      expect(view.last?.differences).toEqual([{ exchange: 'binance', asset: 'USDT', ledgerAmount: '0', exchangeAmount: '1000', difference: '1000' }]);
      const booked = rig.ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { event?: string }).event === 'reconcile-difference');
      expect(booked).toHaveLength(1);
      expect(booked[0]?.details).toMatchObject({ differences: [{ exchange: 'binance', asset: 'USDT', difference: '1000' }] });
      expect(alerts.map((x) => x.msg)).toContain('operator alert: ledger and exchanges differ');
      await h.terminate('done');
    });
    rig.close();
  }, 90_000);
});
