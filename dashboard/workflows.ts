import type { Client } from '@temporalio/client';
import { ABOT_INBOX_WORKFLOW_ID } from '../signals/defs';

/**
 * The entity workflows beyond `mode`, as far as they exist in this build: each is shown as
 * running (with a link into the Temporal UI) or "not running". Pending rebalances come from
 * Temporal's visibility list; their views are queried by name so this file does not depend on
 * workflow code that other parts may still be changing.
 */
export interface WorkflowPanel {
  name: string;
  workflowId: string;
  status: string;
  link: string | null;
}

export interface RebalanceRow {
  workflowId: string;
  state: string;
  summary: string;
  awaitingApproval: boolean;
  link: string | null;
}

export interface WorkflowPanels {
  entities: WorkflowPanel[];
  rebalances: RebalanceRow[];
  rebalanceError: string | null;
  sweep: { allowed: boolean; reason: string };
}

interface Sources {
  client: Client;
  temporalUiUrl: string | undefined;
  namespace: string;
}

const ENTITIES: Array<{ name: string; workflowId: string }> = [
  { name: 'A-bot inbox', workflowId: ABOT_INBOX_WORKFLOW_ID },
  { name: 'A-bot slots', workflowId: 'abot' },
  { name: 'G-bot (PAXG)', workflowId: 'gbot' },
  { name: 'Money manager', workflowId: 'money' },
];

/** This month's sweep workflow id (`sweep-YYYY-MM`, one per calendar month, UTC). */
export function sweepWorkflowId(now: number): string {
  return `sweep-${new Date(now).toISOString().slice(0, 7)}`;
}

function link(s: Sources, workflowId: string): string | null {
  return s.temporalUiUrl ? `${s.temporalUiUrl}/namespaces/${encodeURIComponent(s.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}

async function status(s: Sources, workflowId: string): Promise<string> {
  try {
    const d = await s.client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING' ? 'running' : `not running (${d.status.name.toLowerCase()})`;
  } catch {
    return 'not running';
  }
}

interface RebalanceViewLike {
  state?: string;
  asset?: string;
  amount?: string;
  from?: string;
  to?: string;
}

async function rebalances(s: Sources): Promise<{ rows: RebalanceRow[]; error: string | null }> {
  const rows: RebalanceRow[] = [];
  try {
    for await (const wf of s.client.workflow.list({ query: `WorkflowType = 'rebalanceWorkflow' AND ExecutionStatus = 'Running'` })) {
      let view: RebalanceViewLike = {};
      try {
        view = await s.client.workflow.getHandle(wf.workflowId).query<RebalanceViewLike>('rebalance');
      } catch {
        // A rebalance that cannot answer its query yet is still listed, with its id.
      }
      rows.push({
        workflowId: wf.workflowId, state: view.state ?? 'unknown',
        summary: view.asset ? `${view.amount ?? '?'} ${view.asset} ${view.from ?? '?'} → ${view.to ?? '?'}` : '',
        awaitingApproval: view.state === 'awaiting-approval', link: link(s, wf.workflowId),
      });
      if (rows.length >= 10) break;
    }
    return { rows, error: null };
  } catch (err) {
    return { rows, error: `rebalances unavailable: ${(err as Error).message}` };
  }
}

export async function workflowPanels(s: Sources): Promise<WorkflowPanels> {
  const all = [...ENTITIES, { name: 'Monthly sweep (this month)', workflowId: sweepWorkflowId(Date.now()) }];
  const entities = await Promise.all(all.map(async (e) => ({ ...e, status: await status(s, e.workflowId), link: link(s, e.workflowId) })));
  const r = await rebalances(s);
  const sweep = entities.at(-1) as WorkflowPanel;
  return {
    entities,
    rebalances: r.rows,
    rebalanceError: r.error,
    // The button asks for a confirmation, then the sweep's own workflow judges month, mode, profit
    // and the withdrawal minimum. A failed run (refused) does not use up the month: it may run again.
    sweep: sweepButton(sweep.status),
  };
}

/** Whether the Monthly sweep button may be pressed: not while this month's run is running or done. */
export function sweepButton(status: string): { allowed: boolean; reason: string } {
  if (status === 'running') return { allowed: false, reason: 'this month\'s sweep is running' };
  if (status === 'not running (completed)') return { allowed: false, reason: 'this month\'s sweep is done (at most one per calendar month)' };
  return { allowed: true, reason: '' };
}
