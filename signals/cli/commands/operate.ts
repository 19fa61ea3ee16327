import type { Command } from 'commander';
import { registerModeCommands } from './mode';
import { registerStatusCommands } from './status';
import { registerAbotCommands } from './abot';

/** The mode-lifecycle area's commands: `qbot mode`, `qbot status`, `qbot abot`. */
export function registerOperateCommands(program: Command): void {
  registerModeCommands(program);
  registerStatusCommands(program);
  registerAbotCommands(program);
}
