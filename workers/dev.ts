import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveEnv, PROJECT_ROOT } from '../config/dotenv';
import { consoleProgress, type Progress } from './progress';
import type { RunningSystem } from './system';
import { runSupervisedUntilSignal, startSupervisedSystem } from './supervised-system';

/**
 * `npm run demo`: the whole system offline on one machine, each part its own process under a
 * supervisor (workers/supervisor.ts): the embedded Temporal dev server, the simulator (fixed seed,
 * accounts kept in QBOT_DATA_DIR) as the exchange, the orchestrator and the hot path trading
 * through the real ccxt private calls against it, the receiver and the dashboard.
 * `--external-temporal` uses TEMPORAL_ADDRESS instead of starting a dev server. No .env needed:
 * the demo values of .env.example apply, a .env or the real environment overrides them.
 *
 * `startDemo` is the same system in ONE process (workers/system.ts), kept for the e2e tests that
 * need the parts' objects (the dashboard and fuzz suites).
 */
export async function startDemo(o: { env?: NodeJS.ProcessEnv; progress?: Progress; seed?: number } = {}): Promise<RunningSystem> {
  const env = { ...(o.env ?? demoEnv()) };
  // Loaded on use: the supervisor process itself needs none of the in-process system.
  const { startSystem } = await import('./system');
  return startSystem({ env, simulator: true, progress: o.progress ?? consoleProgress(), seed: o.seed ?? Number(env.SIM_SEED ?? 1), maxSymbolsPerVenue: 60 });
}

/** The demo's environment; without an explicit LOG_LEVEL the terminal shows warnings only. */
export function demoEnv(): NodeJS.ProcessEnv {
  const env = effectiveEnv({ withDemoDefaults: true });
  const explicit = process.env.LOG_LEVEL !== undefined || fs.existsSync(path.join(PROJECT_ROOT, '.env'));
  if (!explicit) env.LOG_LEVEL = 'warn';
  return env;
}

if (require.main === module) {
  const external = process.argv.includes('--external-temporal');
  const env = demoEnv();
  console.log(`qbot demo: starting (offline, simulated exchanges, every part its own process${external ? `, Temporal at ${env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'}` : ''})`);
  runSupervisedUntilSignal('the demo', (hooks) => startSupervisedSystem({
    env, progress: consoleProgress(), simulator: true, externalTemporal: external, seed: Number(env.SIM_SEED ?? 1), ...hooks,
  }));
}
