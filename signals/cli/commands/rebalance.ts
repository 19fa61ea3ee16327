import * as os from 'node:os';
import type { Command } from 'commander';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { approveRebalanceUpdate, rebalanceQuery, rejectRebalanceUpdate, type RebalanceView } from '../../defs';
import type { rebalanceWorkflow } from '../../../workflows/rebalance';
import { CliExit, EXIT, isNotFound, within, withTemporal } from '../temporal-cli';

export function formatRebalance(v: RebalanceView): string {
  const lines = [`${v.rebalanceId}: ${v.state}  ${v.amount} ${v.asset} ${v.from} -> ${v.to}${v.network ? ` on ${v.network} (fee ${v.fee}, cost $${v.costUsd})` : ''}`];
  if (v.withdrawalId) lines.push(`  withdrawal ${v.withdrawalId}${v.txid ? `, txid ${v.txid}` : ''}${v.received ? `, received ${v.received}` : ''}`);
  if (v.reason) lines.push(`  ${v.reason}`);
  for (const h of v.history) lines.push(`  ${h.at}  ${h.state}${h.note ? `  ${h.note}` : ''}`);
  return lines.join('\n');
}

/** A running rebalance answers its query; a finished one is read from its result (no worker needed). */
async function viewOf(client: Client, id: string): Promise<RebalanceView> {
  const handle = client.workflow.getHandle<typeof rebalanceWorkflow>(id);
  try {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return await within(handle.query(rebalanceQuery), 10_000, `${id} did not answer (is the orchestrator worker running?)`);
    if (status.name === 'COMPLETED') return await handle.result();
    throw new CliExit(EXIT.refused, `${id} ended as ${status.name.toLowerCase()} without a result`);
  } catch (err) {
    if (isNotFound(err)) throw new CliExit(EXIT.refused, `no rebalance ${id}`);
    throw err;
  }
}

async function decide(client: Client, id: string, approve: boolean, by: string, reason: string | undefined, json: boolean): Promise<number> {
  const handle = client.workflow.getHandle<typeof rebalanceWorkflow>(id);
  try {
    const view = approve
      ? await within(handle.executeUpdate(approveRebalanceUpdate, { args: [{ by }] }), 30_000, 'no answer from the rebalance (is the orchestrator worker running?)')
      : await within(handle.executeUpdate(rejectRebalanceUpdate, { args: [{ by, reason: reason ?? '' }] }), 30_000, 'no answer from the rebalance (is the orchestrator worker running?)');
    console.log(json ? JSON.stringify(view) : formatRebalance(view));
    return EXIT.ok;
  } catch (err) {
    if (isNotFound(err)) {
      // An update to a finished workflow also says "not found": tell the two apart.
      const status = await handle.describe().then((d) => d.status.name.toLowerCase(), () => undefined);
      throw new CliExit(EXIT.refused, status ? `${id} has already ended (${status}): nothing to decide` : `no rebalance ${id}`);
    }
    if (err instanceof WorkflowUpdateFailedError) throw new CliExit(EXIT.refused, `refused: ${err.cause?.message ?? err.message}`);
    throw err;
  }
}

/** `qbot rebalance list|show|approve|reject`: the operator's view of cross-exchange transfers. */
export function registerRebalanceCommands(program: Command): void {
  const cmd = program.command('rebalance').description('cross-exchange rebalances (transfers): list, show, approve, reject');
  const operator = process.env.USER ?? os.userInfo().username ?? 'operator';

  cmd.command('list')
    .description('recent rebalances and their Temporal status')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action((opts: { limit: string; json?: boolean }) =>
      withTemporal(async ({ client }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new CliExit(EXIT.refused, '--limit must be a positive whole number');
        const rows: Array<{ id: string; status: string; started: string }> = [];
        for await (const w of client.workflow.list({ query: "WorkflowType = 'rebalanceWorkflow'" })) {
          rows.push({ id: w.workflowId, status: w.status.name, started: w.startTime.toISOString() });
          if (rows.length >= limit) break;
        }
        if (opts.json) console.log(JSON.stringify(rows));
        else if (rows.length === 0) console.log('no rebalances');
        else for (const r of rows) console.log(`${r.started}  ${r.status.padEnd(10)}  ${r.id}`);
        return EXIT.ok;
      }));

  cmd.command('show <id>')
    .description('the state of one rebalance, with its history and reasons')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) =>
      withTemporal(async ({ client }) => {
        const v = await viewOf(client, id);
        console.log(opts.json ? JSON.stringify(v) : formatRebalance(v));
        return EXIT.ok;
      }));

  cmd.command('approve <id>')
    .description('approve a rebalance that waits for an operator')
    .option('--by <name>', 'who approves (recorded)', operator)
    .option('--json', 'print JSON')
    .action((id: string, opts: { by: string; json?: boolean }) => withTemporal(({ client }) => decide(client, id, true, opts.by, undefined, Boolean(opts.json))));

  cmd.command('reject <id>')
    .description('reject a rebalance that waits for an operator; nothing is sent')
    .requiredOption('--reason <text>', 'why (recorded)')
    .option('--by <name>', 'who rejects (recorded)', operator)
    .option('--json', 'print JSON')
    .action((id: string, opts: { by: string; reason: string; json?: boolean }) => withTemporal(({ client }) => decide(client, id, false, opts.by, opts.reason, Boolean(opts.json))));
}
