import { Command } from 'commander';
import { registerConfigCommands } from './commands/config';
import { registerSimCommands } from './commands/sim';
import { registerOperateCommands } from './commands/operate';
import { registerPlanTransferCommands } from './commands/plan-transfer';
import { registerRebalanceCommands } from './commands/rebalance';
import { registerScanCommands } from './commands/scan';
import { registerLedgerCommands } from './commands/ledger';
import { registerSweepCommands } from './commands/sweep';
import { registerTopCommands } from './commands/top';
import { registerWorkerCommands } from './commands/worker';
import { registerReconcileCommands } from './commands/reconcile';
import { registerRecordCommands } from './commands/record';
import { registerBacktestCommands, registerPaperReplayCommand } from './commands/backtest';

/** The `qbot` operator command. Each area registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('qbot').description('Q-bot / A-bot / G-bot operator commands').showHelpAfterError();
  registerConfigCommands(program);
  registerSimCommands(program);
  registerOperateCommands(program);
  registerPlanTransferCommands(program);
  registerRebalanceCommands(program);
  registerScanCommands(program);
  registerLedgerCommands(program);
  registerSweepCommands(program);
  registerTopCommands(program);
  registerWorkerCommands(program);
  registerReconcileCommands(program);
  registerRecordCommands(program);
  registerBacktestCommands(program);
  registerPaperReplayCommand(program);
  return program;
}

/** Runs the CLI; the exit code is set on the process, never thrown past here. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    console.error(`qbot: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
