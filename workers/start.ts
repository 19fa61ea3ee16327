import * as readline from 'node:readline/promises';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { effectiveEnv } from '../config/dotenv';
import { envSchema } from '../config/env';
import { consoleProgress, explainStartupError } from './progress';
import { installProcessGuard } from './process-guard';
import { runSupervisedUntilSignal, startSupervisedSystem, type SupervisedOptions } from './supervised-system';
import { publicDataSource } from './public-data';

/**
 * `npm start`: the same supervisor of separate processes as the demo (Temporal dev server,
 * orchestrator, hot path, receiver, dashboard), but with public market data from the real
 * exchanges and no simulator. In paper mode every process trades the one paper inventory kept in
 * state.sqlite. Paper trading unless TRADING_MODE=live (with keys), which needs a typed
 * confirmation at the terminal or --confirm-live when no one is there to type.
 */
const CONFIRMATION = 'TRADE LIVE';

async function confirmLive(env: NodeJS.ProcessEnv): Promise<void> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success || parsed.data.TRADING_MODE !== 'live') return;
  const bar = '!'.repeat(72);
  console.log(`\n${bar}\n!!  LIVE TRADING: real orders with real money on ${['BINANCE_API_KEY', 'KRAKEN_API_KEY', 'COINBASE_API_KEY_NAME'].filter((k) => env[k]).map((k) => k.split('_')[0]?.toLowerCase()).join(', ')}\n${bar}\n`);
  if (process.argv.includes('--confirm-live')) {
    console.log('confirmed by --confirm-live');
    return;
  }
  if (!process.stdin.isTTY) throw new Error(`live trading needs a confirmation: run in a terminal and type "${CONFIRMATION}", or pass --confirm-live`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`Type "${CONFIRMATION}" to continue, anything else stops: `);
  rl.close();
  if (answer.trim() !== CONFIRMATION) throw new Error('live trading not confirmed: nothing was started');
}

/**
 * What the supervisor gets for `npm start`: no simulator, and no SIM_URL passed on (a stray one in
 * the shell would point the orchestrator's venues at a simulator instead of the real exchanges).
 * SIM_PUBLIC_URL is passed on: public data from a local simulator, paper only (workers/public-data.ts).
 */
export function startOptions(env: NodeJS.ProcessEnv): Pick<SupervisedOptions, 'env' | 'simulator' | 'externalTemporal'> {
  const { SIM_URL: _ignored, ...rest } = env;
  publicDataSource(env);
  return { env: rest, simulator: false, externalTemporal: env.QBOT_EXTERNAL_TEMPORAL === '1' };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // One uncaught error must not stop every part of this process at once (logged, kept running).
  installProcessGuard({ error: (obj, msg) => console.error(msg, obj) });
  // The real system reads .env and the environment only: no demo passphrase or token sneaks in.
  const env = effectiveEnv();
  // Checked before the confirmation: live trading over a simulator's prices is refused, not confirmed.
  const options = startOptions(env);
  await confirmLive(env);
  const mode = env.TRADING_MODE === 'live' ? 'LIVE trading' : 'paper trading';
  console.log(`qbot: starting (public market data from ${env.SIM_PUBLIC_URL ? `the simulator at ${env.SIM_PUBLIC_URL}` : 'the exchanges'}, ${mode})`);
  runSupervisedUntilSignal(`qbot (${mode})`, (hooks) => startSupervisedSystem({ ...options, progress: consoleProgress(), ...hooks }));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`\nqbot could not start: ${explainStartupError(err)}`);
    process.exit(1);
  });
}
