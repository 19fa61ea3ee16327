import type { Command } from 'commander';
import * as path from 'node:path';
import { configWarnings, DEFAULT_CONFIG_DIR, formatProblem, validateConfig, redactEnv } from '../../../config';
import { effectiveEnv } from '../../../config/dotenv';

/** `qbot config check`: validates config/*.json and the environment, prints every problem. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate config/settings.json, coins.json, networks.json and the environment')
    .option('--dir <dir>', 'config folder (default: the project config/)')
    .option('--settings <file>', 'a settings.json to check instead of the folder one')
    .option('--coins <file>', 'a coins.json to check instead of the folder one')
    .option('--networks <file>', 'a networks.json to check instead of the folder one')
    .option('--demo', 'fill unset variables from .env.example, as `npm run demo` does')
    .option('--json', 'print the result as JSON')
    .action((opts: { dir?: string; settings?: string; coins?: string; networks?: string; demo?: boolean; json?: boolean }) => {
      const files: Record<string, string> = {};
      if (opts.settings) files.settings = opts.settings;
      if (opts.coins) files.coins = opts.coins;
      if (opts.networks) files.networks = opts.networks;
      const result = validateConfig({
        ...(opts.dir ? { dir: opts.dir } : {}),
        files,
        env: effectiveEnv({ withDemoDefaults: Boolean(opts.demo) }),
      });
      const settingsFile = opts.settings ?? path.join(opts.dir ?? DEFAULT_CONFIG_DIR, 'settings.json');
      const warnings = result.ok ? configWarnings(result.value, settingsFile) : [];
      if (opts.json) {
        console.log(JSON.stringify(result.ok ? { ok: true, warnings } : { ok: false, problems: result.problems }));
      } else if (result.ok) {
        const e = redactEnv(result.value.env);
        console.log(`config OK (trading ${e.TRADING_MODE}, latency ${e.LATENCY_MODE}, initial mode ${result.value.settings.modes.initialMode})`);
        for (const w of warnings) console.error(`warning:${formatProblem(w).replace(/^ +/, ' ')}`);
      } else {
        console.error(`config INVALID (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):`);
        for (const p of result.problems) console.error(formatProblem(p));
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
