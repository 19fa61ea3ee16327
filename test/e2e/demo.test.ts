import { waitUntil } from '../helpers/wait';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { GBOT_WORKFLOW_ID, goldQuery, MONEY_WORKFLOW_ID, moneyQuery, HOTPATH_TASK_QUEUE, MODE_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE, type GoldView } from '../../signals/defs';
import { Decimal } from '../../domain/money/decimal';
import type { RunningSystem } from '../../workers/system';
import { startTestDemo, tempDataDir, portClosed, processGone, hostPortOf, DEMO_PASSPHRASE } from './demo-helpers';

Runtime.install({ logger: new DefaultLogger('ERROR') });

// `npm run demo` end to end: every part comes up, stops cleanly, and a second start continues.
const dataDir = tempDataDir('demo');
let system: RunningSystem | undefined;
const afterCleanup: string[] = [];

afterAll(async () => {
  await system?.stop();
  for (const d of [dataDir, ...afterCleanup]) fs.rmSync(d, { recursive: true, force: true });
});

function eventuallyGold(s: RunningSystem, timeoutMs = 30_000): Promise<GoldView> {
  // A cycle opens when the G-bot activates; its purchase may be refused and retried (books not
  // live yet on a busy machine), so wait for PAXG actually held, not for the cycle alone.
  return waitUntil('the G-bot to hold PAXG it bought (a cycle and a positive amount in its gold query)', async () => {
    const g = await s.client.workflow.getHandle(GBOT_WORKFLOW_ID).query(goldQuery);
    return g.cycles.length > 0 && g.perExchange.some((p) => new Decimal(p.amount).gt(0)) ? g : undefined;
  }, timeoutMs, 500);
}

async function pollers(s: RunningSystem, taskQueue: string, kind: 'TASK_QUEUE_TYPE_WORKFLOW' | 'TASK_QUEUE_TYPE_ACTIVITY'): Promise<number> {
  const r = await s.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: kind === 'TASK_QUEUE_TYPE_WORKFLOW' ? 1 : 2 });
  return r.pollers?.length ?? 0;
}

test('every part comes up, answers, and nothing is left running after stop; a second start continues', async () => {
  const lines: string[] = [];
  const s = (system = await startTestDemo(dataDir, lines));
  expect(lines.filter((l) => l.startsWith('  ✔')).map((l) => l.slice(4).split(':')[0]?.split(' (')[0])).toEqual(expect.arrayContaining(['configuration', 'Temporal dev server', 'orchestrator worker', 'exchange simulator', 'feeds connecting', 'webhook receiver', 'dashboard']));
  expect(fs.existsSync(`${dataDir}/temporal.sqlite`)).toBe(true);
  expect(fs.existsSync(`${dataDir}/ledger.sqlite`)).toBe(true);

  // Temporal answers and both workers poll their queues.
  const ns = await s.client.workflowService.describeNamespace({ namespace: 'default' });
  expect(ns.namespaceInfo?.name).toBe('default');
  await waitUntil('the orchestrator to poll its workflow queue', async () => (await pollers(s, ORCHESTRATOR_TASK_QUEUE, 'TASK_QUEUE_TYPE_WORKFLOW')) > 0);
  await waitUntil('the hot path to poll its activity queue', async () => (await pollers(s, HOTPATH_TASK_QUEUE, 'TASK_QUEUE_TYPE_ACTIVITY')) > 0);
  const mode = await s.client.workflow.getHandle(MODE_WORKFLOW_ID).describe();
  expect(mode.status.name).toBe('RUNNING');

  // The simulator serves ccxt's endpoints, the receiver refuses a bad passphrase, the dashboard answers.
  const sim = await fetch(`http://127.0.0.1:${s.sim?.port}/binance/api/v3/ping`);
  expect(sim.status).toBe(200);
  const refused = await fetch(s.webhook.url, { method: 'POST', body: JSON.stringify({ passphrase: `${DEMO_PASSPHRASE}-wrong`, kind: 'macro', action: 'BTC', time: new Date().toISOString() }) });
  expect(refused.status).toBe(401);
  const state = (await (await fetch(`${s.dashboard.url}api/state`)).json()) as { mode: { mode?: string }; health: Array<{ exchange: string; live: number }> };
  expect(['BTC', 'GOLD']).toContain(state.mode.mode);
  expect(state.health.map((h) => h.exchange).sort()).toEqual(['binance', 'coinbase', 'kraken']);
  expect(state.health.every((h) => h.live > 0)).toBe(true);

  // The initial mode (GOLD) activates the G-bot, which buys PAXG with the paper inventory.
  const gold = await eventuallyGold(s);
  expect(gold.mode).toBe('GOLD');
  expect(gold.cycles[0]?.flipId).toBe('initial-GOLD');
  expect(gold.perExchange.some((p) => new Decimal(p.amount).gt(0))).toBe(true);

  // The money manager runs over the same paper venues and has reviewed every balance once.
  const money = await s.client.workflow.getHandle(MONEY_WORKFLOW_ID).query(moneyQuery);
  expect(money.reviews).toBeGreaterThanOrEqual(1);
  expect(new Decimal(money.totalUsd ?? '0').gt(0)).toBe(true);

  const addresses = [s.temporalAddress, hostPortOf(s.dashboard.url), hostPortOf(s.webhook.url), `127.0.0.1:${s.sim?.port}`, `127.0.0.1:${s.hotpath.metricsPort}`, hostPortOf(s.temporalUiUrl as string)];
  const pid = s.temporalPid as number;
  await s.stop();
  system = undefined;
  for (const a of addresses) expect([a, await portClosed(a)]).toEqual([a, true]);
  expect(processGone(pid)).toBe(true);

  // Second start on the same data: the same mode workflow run goes on (state persisted in SQLite).
  const again = (system = await startTestDemo(dataDir));
  const continued = await again.client.workflow.getHandle(MODE_WORKFLOW_ID).describe();
  expect(continued.runId).toBe(mode.runId);
  expect(continued.status.name).toBe('RUNNING');
}, 120_000);

test('a part that cannot start is named with its cause, and what had started is stopped again', async () => {
  // Bad config fails before anything starts.
  const dirs = [tempDataDir('demo-bad'), tempDataDir('demo-busy')];
  afterCleanup.push(...dirs);
  const early: string[] = [];
  await expect(startTestDemo(dirs[0] as string, early, { SIM_PORT: 'eighty' })).rejects.toThrow(/configuration failed: bad config: SIM_PORT must be a port number/);
  expect(early.at(-1)).toMatch(/✘ configuration: bad config: SIM_PORT/);

  // The dashboard's port is taken: everything up to it started, and must be gone afterwards.
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const taken = (blocker.address() as net.AddressInfo).port;
  const lines: string[] = [];
  try {
    await expect(startTestDemo(dirs[1] as string, lines, { DASHBOARD_PORT: String(taken) })).rejects.toThrow(`dashboard failed: dashboard: port ${taken} is in use (set DASHBOARD_PORT)`);
  } finally {
    blocker.close();
  }
  const temporal = /Temporal dev server: (\S+),/.exec(lines.join('\n'))?.[1] as string;
  expect(temporal).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(await portClosed(temporal)).toBe(true);
}, 90_000);
