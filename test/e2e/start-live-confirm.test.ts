import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers/processes';
import { scaled } from '../helpers/wait';
import { tempDataDir } from './demo-helpers';

// `npm start` with TRADING_MODE=live asks for a typed confirmation before anything starts, and
// never trades live over a simulator's prices (SIM_PUBLIC_URL, the offline paper run).
const dataDir = tempDataDir('start-live');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test('live trading is never started over a simulator\'s prices, and needs its typed confirmation', () => {
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'workers/start.ts')], {
    cwd: ROOT, env: { ...process.env, QBOT_DATA_DIR: dataDir, BINANCE_API_KEY: 'k', BINANCE_API_SECRET: 's', ...env }, input: '', encoding: 'utf8', timeout: scaled(60_000),
  });
  const overSim = run({ TRADING_MODE: 'live', SIM_PUBLIC_URL: 'http://127.0.0.1:9' });
  expect([overSim.status, overSim.stdout + overSim.stderr]).toEqual([1, expect.stringMatching(/SIM_PUBLIC_URL: public data from a simulator is for paper trading only/)]);
  expect(overSim.stdout).not.toContain('LIVE TRADING');
  const unconfirmed = run({ TRADING_MODE: 'live' });
  expect([unconfirmed.status, unconfirmed.stdout + unconfirmed.stderr]).toEqual([1, expect.stringMatching(/live trading needs a confirmation: run in a terminal and type "TRADE LIVE", or pass --confirm-live/)]);
  expect(unconfirmed.stdout).not.toContain('starting');
}, scaled(120_000));
