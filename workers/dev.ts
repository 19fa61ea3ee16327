import * as fs from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { effectiveEnv, PROJECT_ROOT } from '../config/dotenv';
import { consoleProgress, explainStartupError, type Progress } from './progress';
import { startSystem, type RunningSystem } from './system';
import { installProcessGuard } from './process-guard';

/**
 * `npm run demo`: the whole system offline on one machine (embedded Temporal, simulator with a
 * fixed seed, paper trading through the real ccxt adapters). No .env needed: the demo values of
 * .env.example apply, a .env or the real environment overrides them.
 */
export async function startDemo(o: { env?: NodeJS.ProcessEnv; progress?: Progress; seed?: number } = {}): Promise<RunningSystem> {
  const env = { ...(o.env ?? demoEnv()) };
  return startSystem({ env, simulator: true, progress: o.progress ?? consoleProgress(), seed: o.seed ?? Number(env.SIM_SEED ?? 1), maxSymbolsPerVenue: 60 });
}

/** The demo's environment; without an explicit LOG_LEVEL the terminal shows warnings only. */
export function demoEnv(): NodeJS.ProcessEnv {
  const env = effectiveEnv({ withDemoDefaults: true });
  const explicit = process.env.LOG_LEVEL !== undefined || fs.existsSync(path.join(PROJECT_ROOT, '.env'));
  if (!explicit) env.LOG_LEVEL = 'warn';
  return env;
}

/** Runs a started system until Ctrl-C / SIGTERM, then stops every part and exits. */
export function runUntilSignal(system: RunningSystem, name: string): void {
  const width = Math.max(...Object.keys(system.urls).map((k) => k.length));
  console.log(`\n${name} is running (data in ${system.dataDir}):`);
  for (const [k, v] of Object.entries(system.urls)) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log('  Ctrl-C stops everything.\n');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (workers drain, then the Temporal server)…`);
    system.stop().then(
      () => {
        console.log(`stopped cleanly; the next start continues from ${system.dataDir}.`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`stop failed: ${explainStartupError(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  // The SDK's own info lines (bundling, worker states) would bury the progress display.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // One uncaught error must not stop every part of this process at once (logged, kept running).
  installProcessGuard({ error: (obj, msg) => console.error(msg, obj) });
  console.log('qbot demo: starting (offline, simulated exchanges, paper trading)');
  startDemo().then(
    (system) => runUntilSignal(system, 'the demo'),
    (err: unknown) => {
      console.error(`\nthe demo could not start: ${explainStartupError(err)}`);
      process.exit(1);
    },
  );
}
