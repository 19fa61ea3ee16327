import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveEnv } from '../../config/dotenv';
import { temporalBinaries } from '../../scripts/temporal-binaries';
import { startSupervisedSystem, type SupervisedSystem } from '../../workers/supervised-system';
import { silentProgress } from '../../workers/progress';
import type { DashboardState } from '../../dashboard/state';
import type { AbotView, GoldView, MoneyView, SweepView } from '../../signals/defs';
import { Decimal } from '../../domain/money';
import { processGone, tempDataDir, DEMO_PASSPHRASE, DEMO_TOKEN } from './demo-helpers';
import { scaled, waitUntil } from '../helpers/wait';

// Issue #12's e2e: the cluster stand-in (Temporal dev server), the simulator (the exchange), the
// orchestrator, the hot path, the receiver and the dashboard, each its own OS process under the
// demo's supervisor; driven as an operator would, with the `temporal` CLI binary and a TradingView
// alert to the receiver; every outcome read back from the dashboard process's /api/state.
const dataDir = tempDataDir('split-cli');
const lines: string[] = [];
let system: SupervisedSystem;
let address = '';
const { cli } = temporalBinaries();

interface CliResult { code: number; stdout: string; stderr: string }

/** The `temporal` CLI against the stand-in cluster, as an operator types it. */
function temporal(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(cli, [...args, '--address', address, '--namespace', 'default'], { timeout: scaled(30_000) }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr });
    });
  });
}

/** `temporal workflow query … -o json`: the query's result. */
async function query<T>(workflowId: string, name: string): Promise<T> {
  const r = await temporal(['workflow', 'query', '--workflow-id', workflowId, '--name', name, '-o', 'json']);
  if (r.code !== 0) throw new Error(`query ${workflowId}.${name} exited ${r.code}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { queryResult: T[] };
  return parsed.queryResult[0] as T;
}

async function dashboard(): Promise<DashboardState> {
  const res = await fetch(`${system.urls.dashboard ?? ''}api/state`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`dashboard /api/state answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as DashboardState;
}

const output = () => lines.join('\n');

/**
 * The simulator's accounts before it starts (its `--state` file, as a restart would find them):
 * its usual starting balances, except USDT: Kraken is short of it, so the money manager's first
 * review plans a Binance → Kraken transfer (a network both list) large enough to need an approval.
 */
function seedSimulatorAccounts(dir: string): void {
  const common = { USDC: '100000', BTC: '2', ETH: '20', SOL: '200', PAXG: '10' };
  const holdings = {
    binance: { ...common, USDT: '100000', BNB: '10' },
    kraken: { ...common, USD: '100000', USDT: '20000' },
    coinbase: { ...common, USD: '100000', USDT: '100000' },
  };
  const plain = Object.fromEntries(Object.entries(holdings).map(([ex, h]) => [ex, Object.fromEntries(Object.entries(h).map(([a, free]) => [a, { free, used: '0' }]))]));
  fs.writeFileSync(path.join(dir, 'simulator-accounts.json'), JSON.stringify({
    version: 1, accounts: { nextId: 1, holdings: plain, orders: [] }, funding: { nextId: 1, transfers: [] }, earn: { nextId: 1, positions: [] },
  }));
}

beforeAll(async () => {
  seedSimulatorAccounts(dataDir);
  const env = effectiveEnv({
    withDemoDefaults: true,
    base: {
      QBOT_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:0', TEMPORAL_UI_PORT: '0', SIM_PORT: '0', WEBHOOK_PORT: '0', DASHBOARD_PORT: '0',
      QBOT_METRICS_PORT: '0', ORCHESTRATOR_HEALTH_PORT: '0', DASHBOARD_HEALTH_PORT: '0', LOG_LEVEL: 'warn', DASHBOARD_TOKEN: DEMO_TOKEN,
      WEBHOOK_PASSPHRASE: DEMO_PASSPHRASE,
    },
  });
  system = await startSupervisedSystem({ env, progress: silentProgress(lines), write: (l) => lines.push(l), simulator: true, seed: 7 });
  address = system.urls['Temporal gRPC'] as string;
}, scaled(200_000));

afterAll(async () => {
  const pids = system ? system.supervisor.allPids : [];
  await system?.stop();
  for (const pid of pids) expect([pid, processGone(pid)]).toEqual([pid, true]);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, scaled(120_000));

test('every part is its own OS process', () => {
  const states = system.supervisor.states();
  expect(states.map((s) => s.name)).toEqual(['Temporal dev server', 'simulator', 'orchestrator', 'hot path', 'receiver', 'dashboard']);
  const pids = states.map((s) => s.pid);
  expect(new Set(pids).size).toBe(pids.length);
  expect(pids).not.toContain(process.pid);
});

test('operated with the temporal CLI: G-bot in GOLD, a flip to BTC (sell 85 %, keep 15 %), an A-bot buy, an approved rebalance, a refused sweep; all on the dashboard', async () => {
  // GOLD (the initial mode): the G-bot buys PAXG on the simulator.
  const bought = await waitUntil('the G-bot to buy PAXG in GOLD mode', async () => {
    const g = await query<{ cycles: Array<{ mode: string; message: string; sold: string; kept: string }> }>('gbot', 'gold');
    return g.cycles.find((c) => c.mode === 'GOLD' && /bought .* PAXG/.test(c.message));
  }, 60_000, 500);
  expect(bought.message).toMatch(/bought .* PAXG/);

  // The flip, as an operator does it: a validated update through the CLI.
  const flip = await temporal(['workflow', 'update', 'execute', '--workflow-id', 'mode', '--name', 'setMode', '--input', JSON.stringify({ mode: 'BTC', reason: 'e2e operator' }), '-o', 'json']);
  expect([flip.code, flip.stderr]).toEqual([0, '']);
  expect(flip.stdout).toContain('"changed": true');
  const bad = await temporal(['workflow', 'update', 'execute', '--workflow-id', 'mode', '--name', 'setMode', '--input', JSON.stringify({ mode: 'SILVER', reason: 'typo' })]);
  expect(bad.code).not.toBe(0);

  // The flip to BTC: the G-bot sells 85 % of the PAXG it holds (what the exchanges hold, reconciled
  // before it acts) and keeps 15 %. A sale that fills only partly stays on the exchange to be retried
  // (pendingSales), so the sold share is what was sold plus what is still being sold.
  const after = await waitUntil('the G-bot to sell on the flip to BTC', async () => {
    const g = await query<GoldView>('gbot', 'gold');
    return g.cycles.some((c) => c.mode === 'BTC') ? g : undefined;
  }, 60_000, 500);
  const cycle = after.cycles.find((c) => c.mode === 'BTC') as GoldView['cycles'][number];
  const sum = (xs: string[]) => xs.reduce((a, x) => a.plus(new Decimal(x)), new Decimal(0));
  const selling = new Decimal(cycle.sold).plus(sum((after.pendingSales ?? []).map((p) => p.amount)));
  const held = new Decimal(cycle.sold).plus(sum(after.perExchange.map((p) => p.amount))).plus(new Decimal(after.coldWallet.amount));
  expect(new Decimal(cycle.sold).gt(0)).toBe(true);
  // 85 % within the cold transfer's network fee (a few thousandths of a PAXG out of the whole).
  expect([selling.div(held).toDecimalPlaces(2).toFixed(), cycle.message]).toEqual(['0.85', cycle.message]);

  // An A-bot buy alert through the receiver process (TradingView's path) fills a slot in BTC mode.
  const webhook = system.urls.webhook as string;
  const sendBuy = async (id: string) => {
    const alert = await fetch(webhook, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ passphrase: DEMO_PASSPHRASE, kind: 'abot', action: 'buy', ticker: 'SOL', time: new Date().toISOString(), id }),
    });
    expect(alert.status).toBe(200);
  };
  let alertId = 'e2e-sol-buy';
  let sent = 1;
  await sendBuy(alertId);
  const slot = await waitUntil('an A-bot slot holding SOL', async () => {
    const v = await query<AbotView>('abot', 'slots');
    // A slot is taken (amount 0) before its buy fills; filled means an amount bought.
    const filled = v.slots.find((s) => s.coin === 'SOL' && !s.seatWarmer && new Decimal(s.amount ?? '0').gt(0));
    // The A-bot's buy is one IOC at the book it read: on a busy machine the simulator's market can
    // move away before it arrives, a typed NO_FILL the A-bot reports and does not retry. The
    // operator's answer is the next alert (a few at most): a market outcome, not the split's failure.
    const missed = v.recent.find((r) => r.id === alertId && !r.done && /nothing filled/.test(r.message ?? ''));
    if (!filled && missed && sent < 4) {
      sent += 1;
      alertId = `e2e-sol-buy-${sent}`;
      await sendBuy(alertId);
    }
    if (!filled) throw new Error(`no SOL slot yet: ${JSON.stringify({ slots: v.slots, recent: v.recent, queued: v.queued })}`);
    return filled;
  }, 60_000, 500);
  expect(slot.exchange).toMatch(/binance|kraken|coinbase/);

  // A money review (the operator's signal) plans a rebalance that waits for approval; the CLI approves it.
  const review = await temporal(['workflow', 'signal', '--workflow-id', 'money', '--name', 'reviewMoney']);
  expect([review.code, review.stderr]).toEqual([0, '']);
  const pending = await waitUntil('a rebalance awaiting approval on the dashboard', async () => {
    const s = await dashboard();
    const waiting = s.workflows.rebalances.find((r) => r.awaitingApproval);
    if (!waiting) throw new Error(`none waiting: ${JSON.stringify({ rebalances: s.workflows.rebalances, money: await query<MoneyView>('money', 'money') })}`);
    return waiting;
  }, 90_000, 500);
  const approve = await temporal(['workflow', 'update', 'execute', '--workflow-id', pending.workflowId, '--name', 'approveRebalance', '--input', JSON.stringify({ by: 'e2e-operator' }), '-o', 'json']);
  expect([approve.code, approve.stderr]).toEqual([0, '']);
  const done = await waitUntil('the approved rebalance to complete', async () => {
    const v = await query<{ state: string; reason?: string }>(pending.workflowId, 'rebalance');
    return v.state === 'completed' ? v : undefined;
  }, 90_000, 500);
  expect(done.reason).toMatch(/approved by e2e-operator/);

  // The monthly sweep started with the CLI: it runs or is refused, with its reason either way.
  const month = new Date().toISOString().slice(0, 7);
  const sweep = await temporal([
    'workflow', 'execute', '--task-queue', 'orchestrator', '--type', 'sweepWorkflow', '--workflow-id', `sweep-${month}`,
    '--input', JSON.stringify({ month, profitPercent: '15', allowedModes: ['BTC'], maxPerCalendarMonth: 1 }),
  ]);
  const verdict = await query<SweepView>(`sweep-${month}`, 'sweep');
  if (sweep.code === 0) expect(verdict.state).toBe('done');
  else {
    // Refused: the run failed with the sweep's own reason, and the CLI printed it.
    expect(verdict.state).toBe('refused');
    expect(verdict.message.length).toBeGreaterThan(0);
    expect(sweep.stdout).toContain(`Message: ${verdict.message}`);
  }

  // All of it on the dashboard process's page state.
  const seen = await waitUntil('the dashboard to show the flip, the bots, the transfer and the sweep', async () => {
    const s = await dashboard();
    const gold = 'cycles' in s.bots.gold ? s.bots.gold : undefined;
    const abot = 'slots' in s.bots.abot ? s.bots.abot : undefined;
    const checks = {
      mode: 'mode' in s.mode && s.mode.mode === 'BTC',
      // The hot path process took the flip (from its /status): it sizes with BTC mode's 85 %.
      hotpath: s.hotpaths.some((h) => h.state !== 'down' && h.detail.startsWith('BTC · Q-bot 85 %')),
      gbot: gold?.cycles.some((c) => c.mode === 'BTC') === true,
      abot: abot?.slots.some((x) => x.coin === 'SOL') === true,
      // The approved rebalance's ledger lines (the withdrawal's fee, the deposit) under its id.
      transfer: s.trades.some((t) => t.note === pending.workflowId),
      // The venues are the local simulator: the ledger marks every line so, and the page says it.
      simulated: s.trades.length > 0 && s.trades.every((t) => t.simulated),
      sweep: s.workflows.entities.some((e) => e.workflowId === `sweep-${month}` && e.status !== 'not running'),
    };
    const missing = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
    if (missing.length) throw new Error(`not shown yet: ${missing.join(', ')}: ${JSON.stringify({ mode: s.mode, hotpaths: s.hotpaths, bots: s.bots, trades: s.trades.slice(0, 12), entities: s.workflows.entities })}`);
    return s;
  }, 60_000, 500);
  expect(seen.hotpaths.length).toBeGreaterThan(0);
  expect(output()).not.toMatch(/is not registered/);
}, scaled(400_000));
