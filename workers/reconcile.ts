import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { AppConfig } from '../config';
import { ORCHESTRATOR_TASK_QUEUE } from '../signals/defs';
import type { ReconcileInput, reconcileWorkflow } from '../workflows/reconcile';

/** One reconciliation per namespace: every orchestrator starts this id and finds the running one. */
export const RECONCILE_WORKFLOW_ID = 'reconcile';

export function reconcileWorkflowInput(config: AppConfig): ReconcileInput {
  return { intervalMs: config.settings.reconcile.intervalMs };
}

/**
 * Starts the periodic reconciliation (workflows/reconcile.ts) unless it already runs: a fixed id
 * with USE_EXISTING, so two orchestrators starting at once, or a restart, leave exactly one. A
 * running workflow keeps its interval (terminate it to apply a new `reconcile.intervalMs`).
 */
export async function ensureReconcileWorkflow(client: Client, config: AppConfig, o: { taskQueue?: string } = {}): Promise<WorkflowHandleWithFirstExecutionRunId<typeof reconcileWorkflow>> {
  return client.workflow.start<typeof reconcileWorkflow>('reconcileWorkflow', {
    workflowId: RECONCILE_WORKFLOW_ID,
    taskQueue: o.taskQueue ?? ORCHESTRATOR_TASK_QUEUE,
    args: [reconcileWorkflowInput(config)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
