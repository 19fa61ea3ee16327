import * as path from 'node:path';
import { fork } from 'node:child_process';
import { defaultExecArgv } from '../../../workers/supervisor';
import type { Command } from 'commander';

/** The worker processes an operator starts against a cluster, and the file each one runs. */
export const WORKER_ENTRY: Record<string, string> = {
  orchestrator: 'workers/orchestrator.ts',
  hotpath: 'workers/hotpath.ts',
  receiver: 'workers/receiver.ts',
  dashboard: 'workers/dashboard.ts',
};

const ROOT = path.resolve(__dirname, '../../..');

/**
 * `qbot worker <role>`: runs one worker in the foreground (environment and config/ only). The
 * worker is a child that gets this process's signals and exits with its code; it also exits if
 * this process dies (IPC disconnect), so a process manager's kill leaves nothing behind.
 */
export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description(`run one worker process against TEMPORAL_ADDRESS: ${Object.keys(WORKER_ENTRY).join(' | ')}`)
    .argument('<role>', Object.keys(WORKER_ENTRY).join(' | '))
    .argument('[args...]', 'passed to the worker (hotpath: --sim)')
    .action(async (role: string, args: string[]) => {
      const entry = WORKER_ENTRY[role];
      if (!entry) throw new Error(`unknown worker "${role}": use ${Object.keys(WORKER_ENTRY).join(', ')}`);
      // node itself (tsx as a require hook, not tsx's CLI, which would add a process of its own)
      // with the supervisor's parent watch: a process manager's `kill -9` of this command must not
      // leave the worker running, holding its ports and task queues.
      const child = fork(path.join(ROOT, entry), args, {
        cwd: ROOT, execArgv: defaultExecArgv(), env: { ...process.env, QBOT_SUPERVISOR_PID: String(process.pid) }, stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      });
      const relay = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', relay);
      process.on('SIGTERM', relay);
      const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
      process.off('SIGINT', relay);
      process.off('SIGTERM', relay);
      process.exitCode = code;
    });
}
