import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decimal } from '../../domain/money/decimal';
import { hotpathStatusSchema } from '../../hotpath/status-schema';
import { paperTotals } from '../helpers/paper-venue-process';
import { freePort, get, ROOT, startTsx, type Started } from '../helpers/processes';
import { scaled, waitUntil } from '../helpers/wait';
import { processGone, tempDataDir, DEMO_PASSPHRASE, DEMO_TOKEN } from './demo-helpers';

// `npm start` is the supervisor of separate processes over public market data, paper trading
// with one inventory in state.sqlite. Offline, the public data comes from a local simulator
// (SIM_PUBLIC_URL: public reads only, nothing is sent to it). Found by this test's first runs:
// `npm start` had never run end to end here. A trial (about 3-6 min loaded), not in npm test:
// npm run trial:start
const dataDir = tempDataDir('start-offline');
/** What every paper venue opens with in each of USD, USDT and USDC (workers/orchestrator-venues.ts). */
const PAPER_OPENING = 1000;
let sim: Started | undefined;
let npm: ChildProcess | undefined;
let out = '';

/** Every process below `pid` (children, grandchildren, …), from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const all: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => { all.push(c); walk(c); });
  walk(pid);
  return all;
}

afterAll(async () => {
  // Still running here means the test failed before its stop: what the system said, for the cause.
  if (npm && npm.exitCode === null) {
    console.log(`npm start's output (last 6,000 characters):\n${out.slice(-6_000)}`);
    npm.kill('SIGKILL');
  }
  await sim?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, scaled(60_000));

test('npm start offline: paper over the simulator\'s public data, one inventory across processes, SIGTERM to npm stops every child', async () => {
  const simPort = await freePort();
  sim = startTsx('signals/cli/run.ts', ['sim', '--port', String(simPort), '--seed', '3'], {});
  const simUrl = `http://127.0.0.1:${simPort}`;
  await waitUntil('the simulator to answer', async () => (await get(`${simUrl}/binance/api/v3/ping`)).status === 200, 60_000, 250);

  const ports = { TEMPORAL_UI_PORT: 0, WEBHOOK_PORT: 0, DASHBOARD_PORT: 0, QBOT_METRICS_PORT: 0, ORCHESTRATOR_HEALTH_PORT: 0, DASHBOARD_HEALTH_PORT: 0 };
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) ports[k] = await freePort();
  const { SIM_URL: _stray, ...parentEnv } = process.env;
  npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...parentEnv, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      TRADING_MODE: 'paper', SIM_PUBLIC_URL: simUrl, QBOT_DATA_DIR: dataDir, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'warn', WEBHOOK_PASSPHRASE: DEMO_PASSPHRASE, DASHBOARD_TOKEN: DEMO_TOKEN, COLD_WALLET_ADDRESS: '0x000000000000000000000000000000000000dEaD',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  npm.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  npm.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const npmExit = new Promise<number | null>((resolve) => npm?.once('exit', (code) => resolve(code)));

  await waitUntil('npm start to say every part is running', () => out.includes('is running') || (npm?.exitCode !== null ? `exited: ${out.slice(-2000)}` : undefined), 400_000, 500);
  expect(out).toContain('is running');
  expect(out).toContain(`public market data from the simulator at ${simUrl}, paper trading`);
  expect(out).not.toMatch(/could not start|gave up/);

  // The hot path is connected to the simulator's public feeds and trades paper.
  const statusUrl = `http://127.0.0.1:${ports.QBOT_METRICS_PORT}/status`;
  const status = async () => {
    const res = await fetch(statusUrl, { headers: { 'x-dashboard-token': DEMO_TOKEN }, signal: AbortSignal.timeout(5_000) });
    return hotpathStatusSchema.parse(await res.json());
  };
  const live = await waitUntil('the hot path\'s feeds to be live on every venue', async () => {
    const s = await status();
    return s.feeds.length === 3 && s.feeds.every((f) => f.live > 0) ? s : undefined;
  }, 120_000, 500);
  expect(live.feeds.map((f) => f.exchange).sort()).toEqual(['binance', 'coinbase', 'kraken']);

  // One paper inventory: in GOLD (the initial mode) the orchestrator's G-bot buys PAXG on paper
  // (state.sqlite holds it); the hot path, another process, sees the quote money that buy spent
  // (its balance there is the file's, below the opening 1,000). The PAXG itself is the G-bot's
  // (claimed in capital.sqlite): the hot path's balances are what the Q-bot may spend, so it
  // shows less PAXG than the file holds (found by this trial's first full run, which waited for
  // the hot path to show the G-bot's PAXG as its own).
  const stateFile = path.join(dataDir, 'state.sqlite');
  const shared = await waitUntil('the hot path to see what the orchestrator\'s G-bot spent on PAXG', async () => {
    const s = await status();
    for (const exchange of ['binance', 'kraken', 'coinbase']) {
      const file = paperTotals(stateFile, exchange);
      if (!new Decimal(file.PAXG ?? '0').gt(0)) continue;
      const hotPaxg = s.balances.find((b) => b.exchange === exchange && b.asset === 'PAXG')?.amount ?? '0';
      for (const quote of ['USD', 'USDT', 'USDC']) {
        const hot = s.balances.find((b) => b.exchange === exchange && b.asset === quote);
        if (hot && file[quote] !== undefined && new Decimal(hot.amount).lt(PAPER_OPENING) && new Decimal(hot.amount).eq(file[quote])) {
          return { exchange, quote, hot: hot.amount, filePaxg: file.PAXG as string, hotPaxg };
        }
      }
    }
    return undefined;
  }, 180_000, 1_000);
  expect(new Decimal(shared.hotPaxg).lt(shared.filePaxg)).toBe(true);
  expect((await get(`http://127.0.0.1:${ports.ORCHESTRATOR_HEALTH_PORT}/health`)).status).toBe(200);

  // SIGTERM to npm, as a process manager stops it: every process of the system ends.
  const tree = descendants(npm.pid as number);
  expect(tree.length).toBeGreaterThanOrEqual(6);
  npm.kill('SIGTERM');
  expect(await npmExit).toBe(0);
  await waitUntil('every process npm start ran to end', () => tree.every(processGone) || undefined, 60_000, 250);
  expect(out).toContain('stopped cleanly');
}, scaled(600_000));

