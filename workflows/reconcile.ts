import { continueAsNew, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { reconcileQuery, type ReconcileView } from '../signals/defs';
import type { ReconcileActivities } from '../activities/reconcile';
import { boundedActivities } from './activity-policy';

export interface ReconcileInput {
  /** Pause between two comparisons. */
  intervalMs: number;
  state?: ReconcileView;
}

const acts = proxyActivities<ReconcileActivities>(boundedActivities({ startToClose: '1 minute', scheduleToClose: '10 minutes' }));

/**
 * Compares the balances the ledger implies with each exchange's, per venue and asset, every
 * `intervalMs`; every difference is logged and shown by the `reconcile` query. It never books a
 * correction: an adjustment is an operator's decision.
 */
export async function reconcileWorkflow(input: ReconcileInput): Promise<void> {
  const view: ReconcileView = input.state ?? { checks: 0 };
  setHandler(reconcileQuery, () => view);
  for (;;) {
    try {
      const report = await acts.reconcileBalances();
      view.checks += 1;
      view.last = { at: new Date(Date.now()).toISOString(), ...report };
      if (!report.ok) {
        view.differingSince ??= view.last.at;
        log.warn('ledger and exchanges differ', { differences: report.differences, unavailable: report.unavailable });
      } else delete view.differingSince;
    } catch (err) {
      // A failed read is reported like a difference would be, and tried again next round.
      view.lastError = err instanceof Error ? err.message : String(err);
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof reconcileWorkflow>({ ...input, state: view });
    await sleep(input.intervalMs);
  }
}
