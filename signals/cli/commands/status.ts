import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { abotInboxQuery, ORCHESTRATOR_TASK_QUEUE, type AbotInboxView, type HotpathSnapshot, type ModeView } from '../../defs';
import { DEFAULT_PLACEMENT } from '../../mode-start';
import type { hotpathStatusWorkflow } from '../../../workflows/hotpath-status';
import { isNotFound, within, withTemporal, EXIT } from '../temporal-cli';
import { formatModeView, queryMode } from './mode';

export interface StatusReport {
  mode: ModeView | null;
  hotpath: { reachable: true; snapshot: HotpathSnapshot } | { reachable: false; reason: string };
  abotInbox: AbotInboxView | null;
}

/** One snapshot through a short workflow: only the hot path's worker can answer it. */
async function hotpathStatus(client: Client): Promise<StatusReport['hotpath']> {
  try {
    const snapshot = await within(
      client.workflow.execute<typeof hotpathStatusWorkflow>('hotpathStatusWorkflow', {
        workflowId: `hotpath-status-${randomUUID()}`,
        taskQueue: ORCHESTRATOR_TASK_QUEUE,
        workflowExecutionTimeout: '6 seconds',
      }),
      7_000,
      'no answer within 7 s (is the orchestrator running?)',
    );
    return { reachable: true, snapshot };
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    const why = cause?.message ?? (err as Error).message;
    return { reachable: false, reason: /timed out/i.test(why) ? `no hot path answered on task queue \`hotpath\` within 3 s (${why})` : why };
  }
}

async function abotInbox(client: Client): Promise<AbotInboxView | null> {
  try {
    return await client.workflow.getHandle(DEFAULT_PLACEMENT.abotInboxWorkflowId).query(abotInboxQuery);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function formatStatus(r: StatusReport): string {
  const lines: string[] = [];
  if (r.mode) {
    lines.push(formatModeView(r.mode));
    const bots = r.mode.bots ?? {};
    lines.push(`bots: ${Object.entries(bots).map(([b, s]) => `${b} ${s}`).join(', ')}`);
  } else {
    lines.push('mode: the mode workflow is not running');
  }
  if (r.hotpath.reachable) {
    const s = r.hotpath.snapshot;
    const split = s.allocationPercent ? `Q ${s.allocationPercent.qbot} / A ${s.allocationPercent.abot} / G ${s.allocationPercent.gbot} %` : 'no allocation yet';
    lines.push(`hot path: ${s.paused ? `PAUSED (${s.pausedReason ?? ''})` : 'running'}; mode ${s.mode ?? '-'}; ${split}; last flip ${s.lastFlipId ?? '-'}`);
  } else {
    lines.push(`hot path: unreachable (${r.hotpath.reason})`);
  }
  lines.push(r.abotInbox ? `A-bot inbox: ${r.abotInbox.pending.length} pending, ${r.abotInbox.received} received, ${r.abotInbox.taken} taken` : 'A-bot inbox: empty (not started)');
  return lines.join('\n');
}

/** `qbot status [--json]`: mode, split, bots, the hot path's own snapshot and the A-bot inbox. */
export function registerStatusCommands(program: Command): void {
  program
    .command('status')
    .description('mode, capital split, bots, hot path snapshot (if reachable) and A-bot inbox')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withTemporal(async ({ client }) => {
        const [mode, hotpath, inbox] = await Promise.all([queryMode(client), hotpathStatus(client), abotInbox(client)]);
        const report: StatusReport = { mode, hotpath, abotInbox: inbox };
        console.log(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
        return EXIT.ok;
      }),
    );
}
