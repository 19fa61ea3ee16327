import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Settings } from '../../../config/schemas';
import { monthKey, sweepWorkflowId } from '../../../domain/sweep';
import { ORCHESTRATOR_TASK_QUEUE, type SweepView } from '../../defs';
import type { SweepInput } from '../../../workflows/sweep';
import { EXIT, withTemporal, within } from '../temporal-cli';

export interface SweepStartResult {
  code: number;
  message: string;
  view?: SweepView;
}

export function sweepInput(settings: Settings, month: string): SweepInput {
  const s = settings.sweep;
  return { month, profitPercent: s.profitPercent.toFixed(), allowedModes: [...s.allowedModes], maxPerCalendarMonth: s.maxPerCalendarMonth };
}

/**
 * Starts `sweep-YYYY-MM` for this month and waits for its verdict. Reuse policy
 * ALLOW_DUPLICATE_FAILED_ONLY: a completed sweep blocks the month (and the ledger claim keeps
 * blocking it after retention), while a refused one (GOLD mode, no profit) does not burn it.
 */
export async function startSweep(client: Client, settings: Settings, opts: { now?: number; taskQueue?: string; timeoutMs?: number } = {}): Promise<SweepStartResult> {
  const month = monthKey(opts.now ?? Date.now());
  const workflowId = sweepWorkflowId(month);
  let handle;
  try {
    handle = await client.workflow.start('sweepWorkflow', {
      taskQueue: opts.taskQueue ?? ORCHESTRATOR_TASK_QUEUE, workflowId, args: [sweepInput(settings, month)],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY', workflowIdConflictPolicy: 'FAIL',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { code: EXIT.refused, message: `refused: the sweep for ${month} already ran or is running (workflow ${workflowId}); at most one per calendar month` };
    }
    throw err;
  }
  try {
    const view = (await within(handle.result(), opts.timeoutMs ?? 60_000, `the sweep ${workflowId} is still running: see \`temporal workflow describe --workflow-id ${workflowId}\``)) as SweepView;
    return { code: EXIT.ok, message: view.message, view };
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      const refused = err.cause.type === 'SweepRefused';
      return { code: EXIT.refused, message: `${refused ? 'refused' : 'failed'}: ${err.cause.message}` };
    }
    throw err;
  }
}

/** `qbot sweep`: the monthly sweep button. Exit 0 swept, 1 refused or failed, 2 Temporal unreachable, 3 still running. */
export function registerSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('move 15 % of the realised profit since the last sweep to the cold wallet as PAXG (BTC mode, once per calendar month)')
    .action(() =>
      withTemporal(async ({ client, config }) => {
        const r = await startSweep(client, config.settings);
        (r.code === EXIT.ok ? console.log : console.error)(r.code === EXIT.ok ? `swept: ${r.message}` : `qbot: ${r.message}`);
        return r.code;
      }),
    );
}
