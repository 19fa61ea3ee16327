import type { Command } from 'commander';
import { ApplicationFailure, WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { modeQuery, setModeUpdate, type ModeView, type SetModeRequest } from '../../defs';
import { DEFAULT_PLACEMENT, modeWorkflowInput } from '../../mode-start';
import type { modeWorkflow } from '../../../workflows/mode';
import type { Settings } from '../../../config/schemas';
import { CliExit, EXIT, isNotFound, within, withTemporal } from '../temporal-cli';

export function formatModeView(v: ModeView): string {
  const split = `Q-bot ${v.allocationPercent.qbot} %, A-bot ${v.allocationPercent.abot} %, G-bot ${v.allocationPercent.gbot} %`;
  const lines = [
    `mode: ${v.mode} (${split})`,
    `since: ${v.changedAt ?? 'start'}; reason: ${v.reason}`,
  ];
  if (v.flipInProgress) lines.push(`flip in progress: ${v.flipInProgress.from} -> ${v.flipInProgress.to} (${v.flipInProgress.alertId})`);
  if (v.pendingFlips > (v.flipInProgress ? 1 : 0)) lines.push(`queued flips: ${v.pendingFlips - (v.flipInProgress ? 1 : 0)}`);
  for (const f of v.history.slice(-5)) lines.push(`  ${f.at}  ${f.from} -> ${f.to}  ${f.source}  ${f.reason}`);
  return lines.join('\n');
}

/** The mode view, or null when the mode workflow was never started. */
export async function queryMode(client: Client): Promise<ModeView | null> {
  try {
    return await client.workflow.getHandle(DEFAULT_PLACEMENT.modeWorkflowId).query(modeQuery);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function setMode(client: Client, settings: Settings, req: SetModeRequest, waitMs: number): Promise<number> {
  const start = new WithStartWorkflowOperation<typeof modeWorkflow>('modeWorkflow', {
    workflowId: DEFAULT_PLACEMENT.modeWorkflowId,
    taskQueue: DEFAULT_PLACEMENT.taskQueue,
    args: [modeWorkflowInput(settings)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const noWorker = 'no orchestrator worker took the request (is it running?); nothing was changed';
  let update;
  try {
    // Update-with-start: works even before the mode workflow exists; the validator answers first.
    update = await within(client.workflow.startUpdateWithStart(setModeUpdate, { args: [req], waitForStage: 'ACCEPTED', startWorkflowOperation: start }), waitMs, noWorker);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      console.error(`refused: ${err.cause?.message ?? err.message}`);
      return EXIT.refused;
    }
    throw err;
  }
  const pending = `accepted; the flip is still being applied (waiting for the hot path?): see \`qbot status\``;
  try {
    const result = await within(update.result(), waitMs, pending);
    console.log(result.changed ? `${result.message} (${req.reason})` : `unchanged: ${result.message}`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      // The validator's rejection also arrives here; a flip whose activities failed for good is typed.
      const failedFlip = err.cause instanceof ApplicationFailure && err.cause.type === 'FlipFailed';
      console.error(`${failedFlip ? 'failed' : 'refused'}: ${err.cause?.message ?? err.message}`);
      return EXIT.refused;
    }
    throw err;
  }
}

/** `qbot mode` shows the mode; `qbot mode BTC|GOLD --reason "..."` asks the mode workflow to flip. */
export function registerModeCommands(program: Command): void {
  program
    .command('mode [mode]')
    .description('show the BTC/GOLD mode, or switch it: qbot mode BTC|GOLD --reason "..."')
    .option('--reason <text>', 'why (required to switch; written to the ledger)')
    .option('--id <requestId>', 'your own id for the request: retrying with it never flips twice')
    .option('--wait <seconds>', 'how long to wait for the flip to be applied', '30')
    .option('--json', 'print JSON')
    .action((mode: string | undefined, opts: { reason?: string; id?: string; wait: string; json?: boolean }) =>
      withTemporal(async ({ client, config }) => {
        if (mode === undefined) {
          const view = await queryMode(client);
          if (!view) throw new CliExit(EXIT.refused, `the mode workflow is not running (config initial mode: ${config.settings.modes.initialMode}); start the orchestrator`);
          console.log(opts.json ? JSON.stringify(view, null, 2) : formatModeView(view));
          return EXIT.ok;
        }
        const waitMs = Number(opts.wait) * 1000;
        if (!Number.isFinite(waitMs) || waitMs <= 0) throw new CliExit(EXIT.refused, '--wait must be a positive number of seconds');
        // The mode itself is validated by the workflow, so the operator sees its own rejection reason.
        const req: SetModeRequest = { mode: mode.toUpperCase() as SetModeRequest['mode'], reason: opts.reason ?? '', ...(opts.id ? { requestId: opts.id } : {}) };
        return setMode(client, config.settings, req, waitMs);
      }),
    );
}
