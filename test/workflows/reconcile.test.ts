import { reconcileWorkflow } from '../../workflows/reconcile';
import { reconcileQuery } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import { bookOpeningBalances } from '../../adapters/persistence/ledger-entries';
import { createReconcileActivities } from '../../activities/reconcile';
import { eventually } from '../helpers/mode-workers';
import { botRig, botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

describe('periodic reconciliation workflow', () => {
  it('reports every venue/asset where the ledger and the exchange differ, never corrects, and sees them agree once the opening balances are booked', async () => {
    const rig = botRig({ balances: { binance: { USDT: '1000' }, kraken: { USD: '250.5' }, coinbase: {} }, staking: {} });
    const { worker, taskQueue } = await botWorker(env, createReconcileActivities({ ledger: rig.ledger, venues: rig.venues }));
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(reconcileWorkflow, { taskQueue, workflowId: `reconcile-${Date.now()}`, args: [{ intervalMs: 200 }] });
      const first = await eventually(async () => {
        const v = await h.query(reconcileQuery);
        expect(v.last).toBeDefined();
        return v.last!;
      }, 20_000);
      expect(first.ok).toBe(false);
      expect(first.differences).toEqual([
        { exchange: 'binance', asset: 'USDT', ledgerAmount: '0', exchangeAmount: '1000', difference: '1000' },
        { exchange: 'kraken', asset: 'USD', ledgerAmount: '0', exchangeAmount: '250.5', difference: '250.5' },
      ]);
      // Nothing was booked by the workflow: it only reports.
      expect(rig.ledger.impliedBalances()).toEqual([]);
      bookOpeningBalances(rig.ledger, { at: 1, exchange: 'binance', balances: { USDT: new Decimal('1000') } });
      bookOpeningBalances(rig.ledger, { at: 1, exchange: 'kraken', balances: { USD: new Decimal('250.5') } });
      const later = await eventually(async () => {
        const v = await h.query(reconcileQuery);
        expect(v.last?.ok).toBe(true);
        return v;
      }, 20_000);
      expect(later.checks).toBeGreaterThan(1);
      await h.terminate('done');
    });
    rig.close();
  }, 60_000);
});
