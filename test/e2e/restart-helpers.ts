import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { Command } from 'commander';
import { registerReconcileCommands } from '../../signals/cli/commands/reconcile';
import { ORCHESTRATOR_TASK_QUEUE, type HotpathSnapshot } from '../../signals/defs';
import { hotpathStatusWorkflow } from '../../workflows/hotpath-status';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import type { StoredLedgerEntry } from '../../ports/ledger';
import { processGone } from './demo-helpers';
import { waitUntil } from '../helpers/wait';

/**
 * The restart tests' parts (the long trial `restart-three-times.trial.ts` and the bounded suite in
 * `npm test`): the in-process system as its own OS process (restart-child.ts), stopped cleanly or by
 * `kill -9`, and `qbot reconcile --json` as an operator runs it.
 */
export interface CliReport { ok: boolean; source: string; differences: Array<{ exchange: string; asset: string; difference: string; exchangeAmount: string }> }

/** `qbot reconcile --json --data-dir D` (with `env` set for the call, e.g. SIM_URL): its JSON and exit code. */
export async function reconcileCli(dataDir: string, env: Record<string, string> = {}): Promise<{ report: CliReport; exitCode: number | undefined }> {
  const program = new Command('qbot').exitOverride();
  registerReconcileCommands(program);
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const before = process.exitCode;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await program.parseAsync(['node', 'qbot', 'reconcile', '--json', '--data-dir', dataDir]);
    return { report: JSON.parse(out.join('\n')) as CliReport, exitCode: process.exitCode as number | undefined };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    spy.mockRestore();
    process.exitCode = before;
  }
}

/** Every ledger line of a kind (the file opened and closed around the read: the system may be running). */
export function ledgerLines(dataDir: string, kind?: StoredLedgerEntry['kind']): StoredLedgerEntry[] {
  const ledger = SqliteLedger.open({ dataDir });
  try {
    return ledger.entries(kind ? { kind } : {});
  } finally {
    ledger.close();
  }
}

export const fills = (dataDir: string): number => ledgerLines(dataDir, 'fill').length;

const ROOT = path.resolve(__dirname, '../..');

/** The whole system as its own process (restart-child.ts), so that it can be killed with -9. */
export interface SystemProcess {
  child: ChildProcess;
  temporalAddress: string;
  temporalPid: number | null;
  client: Client;
  output(): string;
}

export async function startSystemProcess(dataDir: string): Promise<SystemProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'restart-child.ts'), dataDir], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const ready = await waitUntil('the system process ready', () => {
    if (child.exitCode !== null) throw new Error(`the system process exited ${child.exitCode}:\n${out}`);
    const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
    return line ? (JSON.parse(line) as { temporalAddress: string; temporalPid: number | null }) : undefined;
  }, 240_000, 250);
  const connection = await Connection.connect({ address: ready.temporalAddress });
  return { child, ...ready, client: new Client({ connection }), output: () => out };
}

/**
 * Stops the system: `clean` is SIGTERM and the system's own stop (exit 0); `kill` is `kill -9` of the
 * process and of its Temporal dev server, everything at once, as a power cut would.
 */
export async function stopSystemProcess(p: SystemProcess, how: 'clean' | 'kill'): Promise<void> {
  await p.client.connection.close();
  const exited = new Promise<number | null>((r) => (p.child.exitCode !== null ? r(p.child.exitCode) : p.child.once('exit', (code) => r(code))));
  if (how === 'clean') {
    p.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return;
  }
  p.child.kill('SIGKILL');
  if (p.temporalPid) process.kill(p.temporalPid, 'SIGKILL');
  await exited;
  const pid = p.temporalPid;
  if (pid) await waitUntil('the killed dev server gone', () => processGone(pid) || undefined, 30_000, 100);
}

export const runSnapshot = (c: Client): Promise<HotpathSnapshot> =>
  c.workflow.execute(hotpathStatusWorkflow, { taskQueue: ORCHESTRATOR_TASK_QUEUE, workflowId: `restart-trial-snapshot-${Date.now()}`, args: [] });
