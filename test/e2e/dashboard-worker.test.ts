import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { MODE_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE, setModeUpdate } from '../../signals/defs';
import { ensureModeWorkflow } from '../../workers/orchestrator';
import { WORKER_ENTRY } from '../../signals/cli/commands/worker';
import { startDevServer } from '../helpers/temporal';
import { orchestratorWorker } from '../helpers/mode-workers';
import { eventuallyWithin } from '../helpers/wait';
import { freePort, get, startTsx, type Started } from '../helpers/processes';
import { pageWait } from './page-wait';
import { analysisAnswerSchema } from '../../dashboard/analysis-panel';

Runtime.install({ logger: new DefaultLogger('ERROR') });

/**
 * Split mode: the dashboard worker, the hot path and the cluster each in their own process. The
 * dashboard reads the mode from Temporal and the hot path from its GET /status over real HTTP,
 * pauses it through Temporal, and shows it as down once it is gone.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-worker-token-42';
const UI = 'http://temporal-ui.example:8080';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-dashboard-worker-'));
const ledger = SqliteLedger.open({ dataDir });
let env: TestWorkflowEnvironment;
let orchestrator: Worker;
let orchestratorRun: Promise<void>;
let hotpath: Started;
let dashboard: Started;
let browser: Browser;
let page: Page;
let dashboardUrl: string;
let healthUrl: string;
let statusUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  env = await startDevServer();
  // Both processes start while this one bundles the workflows: the hot path dials Temporal and
  // waits for the mode workflow on its own (it does not trade before its allocation arrives).
  const [metricsPort, dashboardPort, healthPort] = await Promise.all([freePort(), freePort(), freePort()]);
  statusUrl = `http://127.0.0.1:${metricsPort}/status`;
  const common = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', QBOT_DATA_DIR: dataDir, DASHBOARD_TOKEN: TOKEN, LOG_LEVEL: 'warn' };
  hotpath = startTsx('workers/hotpath.ts', ['--sim'], { ...common, QBOT_METRICS_PORT: String(metricsPort) });
  dashboard = startTsx(WORKER_ENTRY.dashboard as string, [], {
    ...common, DASHBOARD_PORT: String(dashboardPort), DASHBOARD_HEALTH_PORT: String(healthPort), HOTPATH_STATUS_URLS: statusUrl, TEMPORAL_UI_URL: UI,
  });
  const launching = chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'] });
  // The cluster side: the mode workflow and the short hot path control workflows on the orchestrator queue.
  ({ worker: orchestrator } = await orchestratorWorker(env, ledger, { taskQueue: ORCHESTRATOR_TASK_QUEUE }));
  orchestratorRun = orchestrator.run();
  await ensureModeWorkflow(env.client, loadConfig({ env: {} }));
  dashboardUrl = `http://127.0.0.1:${dashboardPort}/`;
  healthUrl = `http://127.0.0.1:${healthPort}/health`;
  await eventuallyWithin('the dashboard worker to answer its health check', async () => {
    const r = await get(healthUrl);
    if (r.status !== 200) throw new Error(`health ${r.status}: ${r.body}\n${dashboard.output()}`);
  }, 60_000, 250);
  browser = await launching;
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(dashboardUrl);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([dashboard?.stop(), hotpath?.stop()]);
  if (orchestrator?.getState() === 'RUNNING') orchestrator.shutdown();
  await orchestratorRun?.catch(() => undefined);
  await env?.teardown();
  ledger.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

// The callbacks below run in the page; this is the little of the DOM they touch (no DOM lib here).
declare const document: { getElementById(id: string): { textContent: string | null; innerText: string } | null };
const textOf = (id: string) => page.locator(`#${id}`).innerText();

test('the page in another process shows the mode from Temporal and the hot path from its status endpoint', async () => {
  await pageWait(page, () => document.getElementById('mode')?.textContent === 'GOLD', undefined, 30_000);
  // Running once the hot path process has read its allocation from the mode workflow.
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'running', undefined, 60_000);
  await pageWait(page, (u) => (document.getElementById('hotpaths')?.innerText ?? '').includes(`${u}\trunning\tGOLD · Q-bot 15 % · A-bot 0 % · G-bot 85 %`), statusUrl, 30_000);
  await pageWait(page, () => /binance\s+live/.test(document.getElementById('health')?.innerText ?? ''), undefined, 30_000);
  expect(await textOf('balances')).toMatch(/USDT\s+1,000\.00000000/);
  // The cluster is external: the mode links to the configured Temporal UI.
  expect(await page.locator('#mode-link').getAttribute('href')).toBe(`${UI}/namespaces/default/workflows/${MODE_WORKFLOW_ID}`);
  // Trading analysis (#18): this process reads the ledger file and the hot path's refusals from its /status.
  await pageWait(page, () => /(NET_BELOW_THRESHOLD|PREFILTERED)\s+\d+/.test(document.getElementById('analysis-refusals')?.innerText ?? ''), undefined, 30_000);
  const analysis = analysisAnswerSchema.parse(await (await fetch(new URL('/api/analysis', dashboardUrl))).json());
  expect(analysis.refusalsFrom).toBe('counted by 1 of 1 hot path since each started');
});

test('a flip reaches the hot path process and the page shows its new split', async () => {
  await env.client.workflow.getHandle(MODE_WORKFLOW_ID).executeUpdate(setModeUpdate, { args: [{ mode: 'BTC', reason: 'dashboard worker e2e' }] });
  await pageWait(page, () => document.getElementById('mode')?.textContent === 'BTC', undefined, 30_000);
  await pageWait(page, () => (document.getElementById('hotpaths')?.innerText ?? '').includes('BTC · Q-bot 85 % · A-bot 15 % · G-bot 0 %'), undefined, 30_000);
});

test('pause from the page goes through Temporal to the hot path process (token needed); resume restores', async () => {
  await page.fill('#token', '');
  await page.click('#pause');
  await pageWait(page, () => /refused \(401\)/.test(document.getElementById('action-result')?.textContent ?? ''), undefined, 10_000);
  expect(await textOf('hotpath-state')).toBe('running');
  await page.fill('#token', TOKEN);
  await page.click('#pause');
  await pageWait(page, () => (document.getElementById('action-result')?.textContent ?? '').startsWith('done'), undefined, 30_000);
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'paused', undefined, 15_000);
  expect(await textOf('hotpath-reason')).toBe('paused from the dashboard');
  // The hot path itself says so on its own endpoint (the pause was not only the dashboard's idea).
  const status = (await (await fetch(statusUrl, { headers: { 'x-dashboard-token': TOKEN } })).json()) as { controlQueue: string; control: { paused: boolean } };
  expect(status.control.paused).toBe(true);
  // It went to this hot path's own queue (every hot path polls one beside the shared `hotpath`).
  expect(status.controlQueue).toMatch(/^hotpath-.+-\d+$/);
  await page.click('#resume');
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'running', undefined, 30_000);
});

test('the hot path stopped: the page says it is down, the dashboard keeps running', async () => {
  await hotpath.stop();
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'down', undefined, 20_000);
  expect(await textOf('hotpath-reason')).toContain(`${statusUrl}: unreachable (ECONNREFUSED)`);
  expect(await textOf('hotpaths')).toMatch(/down\s+unreachable \(ECONNREFUSED\)/);
  // The rest of the page still comes from Temporal.
  expect(await textOf('mode')).toBe('BTC');
  const h = await get(healthUrl);
  expect(h.status).toBe(200);
  expect(JSON.parse(h.body)).toMatchObject({ ok: true, part: 'dashboard', temporal: 'connected', hotpaths: [{ source: statusUrl, state: 'down' }] });
  expect(dashboard.child.exitCode).toBeNull();
  fs.mkdirSync(path.resolve(__dirname, '../../test-artifacts'), { recursive: true });
  await page.screenshot({ path: path.resolve(__dirname, '../../test-artifacts/dashboard-worker.png'), fullPage: true });
});
