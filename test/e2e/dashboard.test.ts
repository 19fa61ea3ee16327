import { pageWait } from './page-wait';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { RunningSystem } from '../../workers/system';
import { buildProgram } from '../../signals/cli/main';
import { GBOT_WORKFLOW_ID, goldQuery } from '../../signals/defs';
import { eventually, startTestDemo, tempDataDir, DEMO_PASSPHRASE, DEMO_TOKEN } from './demo-helpers';

Runtime.install({ logger: new DefaultLogger('ERROR') });

// The dashboard in a real headless Chromium against the running demo (no browser download:
// Debian's chromium, installed by .ci/run).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const dataDir = tempDataDir('dashboard');
let system: RunningSystem;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  system = await startTestDemo(dataDir);
  // The G-bot buys once, right after start, in the initial GOLD mode; launching Chromium during
  // that buy has seen it refused (prices moved past its limit under CPU load), so the browser
  // starts after the G-bot's first cycle. The panel test still polls the page for the PAXG.
  await eventually(async () => {
    if ((await system.client.workflow.getHandle(GBOT_WORKFLOW_ID).query(goldQuery)).cycles.length === 0) throw new Error('the G-bot has not bought yet');
  }, 30_000, 250).catch(() => undefined);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(system.dashboard.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// The callbacks below run in the page; this is the little of the DOM they touch (no DOM lib here).
declare const document: { getElementById(id: string): { textContent: string | null; innerText: string } | null };
const textOf = (id: string) => page.locator(`#${id}`).innerText();

test('the page loads and live values change without a reload', async () => {
  await pageWait(page, () => document.getElementById('conn')?.textContent === 'live', undefined, 15_000);
  await pageWait(page, () => (document.getElementById('mode')?.textContent ?? '–') !== '–', undefined, 15_000);
  expect(['BTC', 'GOLD']).toContain(await textOf('mode'));
  expect(await textOf('health')).toMatch(/binance\s+live/);
  // The market scanner's context per market (it sets the threshold in force) is on the page.
  expect(await textOf('contexts')).toMatch(/(binance|kraken|coinbase):\S+\s+(normal|careful|aggressive)\s+\d+\.\d{2} %/);
  // A marker in the page's global scope survives only if the page is never reloaded.
  await page.evaluate(() => ((globalThis as { noReload?: boolean }).noReload = true));
  const firstUpdate = await textOf('updated');
  const firstHealth = await textOf('health');
  // The feed table carries each venue's book age, which moves with every simulator tick.
  await pageWait(page, ([u, h]) => document.getElementById('updated')?.textContent !== u && document.getElementById('health')?.innerText !== h, [firstUpdate, firstHealth], 15_000);
  // Every figure is a decimal string from the server: the balances show grouped, fixed decimals.
  // (The bots trade, so the amounts themselves move: only their form is fixed.)
  expect(await textOf('balances')).toMatch(/binance\s+USDT\s+\d{1,3}(,\d{3})*\.\d{8}\s+\d{1,3}(,\d{3})*\.\d{2}/);
  expect(await textOf('total-usd')).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  expect(await page.evaluate(() => (globalThis as { noReload?: boolean }).noReload)).toBe(true);
});

test('bot panels: the G-bot shows the PAXG it bought in GOLD mode, the A-bot and money manager render', async () => {
  // The demo starts in GOLD: the G-bot buys PAXG right after start (poll until the panel has it).
  await pageWait(page, () => /^\d[\d,]*\.\d{8}$/.test(document.getElementById('gold-total')?.textContent ?? '') && (document.getElementById('gold-total')?.textContent ?? '') !== '0.00000000', undefined, 30_000);
  const held = await textOf('gold-held');
  // Rounded for people: 8 places for PAXG, 2 for USD; never a 40-digit string.
  expect(held).toMatch(/(binance|kraken|coinbase)\s+\d[\d,]*\.\d{8}\s+\d[\d,]*\.\d{2}/);
  expect(held).toMatch(/cold wallet\s+\d[\d,]*\.\d{8}/);
  expect(await textOf('gold-avg')).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
  expect(await page.locator('#bots-panel').innerText()).not.toMatch(/\d\.\d{12,}/);
  // A-bot: slot rows from its `slots` query, or the named "not running".
  const abot = await textOf('abot-state');
  if (/not running/.test(abot)) expect(await page.locator('#abot-slots tr').count()).toBe(0);
  else expect(await textOf('abot-slots')).toMatch(/^1\s/);
  await pageWait(page, () => /last review|not running/.test(document.getElementById('money-state')?.textContent ?? ''), undefined, 15_000);
  expect(await textOf('money-bnb')).not.toMatch(/unreadable/);
});

test('PnL chart: an SVG polyline from server-scaled points, the sweep share and the rate budget', async () => {
  expect(await page.locator('svg#pnl-chart polyline#chart-line').count()).toBe(1);
  const state = (await (await fetch(new URL('/api/state', system.dashboard.url))).json()) as { pnl: { chart: { points: string; count: number }; sweep: { availableUsd: string; percent: string } } };
  // Every point is `x,y` with one decimal place, inside the 600-wide viewBox; the page copied them as-is.
  if (state.pnl.chart.count > 0) expect(state.pnl.chart.points).toMatch(/^(\d+\.\d,\d+\.\d ?)+$/);
  expect(await page.locator('#chart-line').getAttribute('points')).toMatch(state.pnl.chart.points ? /^\d+\.\d,\d+\.\d/ : /^$/);
  expect(state.pnl.sweep.percent).toBe('15');
  expect(await textOf('sweep-available')).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{2}$/);
  expect(await textOf('health')).toMatch(/binance\s+live.*(REST tokens left|cooling down)/);
});

test('the fee schedule in force per venue and the reconciliation are on the page (#13)', async () => {
  // Each venue's decisions are priced by the account's own schedule (read from the simulator) or the config's fallback tier.
  await pageWait(page, () => /binance\s+(account|fallback)\s+binance: (account schedule, .+ old|config fallback tier)/.test(document.getElementById('fee-schedules')?.innerText ?? ''), undefined, 20_000);
  expect(await textOf('fee-schedules')).toMatch(/kraken\s+(account|fallback)/);
  // The system starts the reconcile workflow; its verdict (or that it has not compared yet) is shown, never a blank.
  await pageWait(page, () => /^(agrees|differs|not checked yet)$/.test(document.getElementById('reconcile-state')?.textContent ?? ''), undefined, 20_000);
  const state = (await (await fetch(new URL('/api/state', system.dashboard.url))).json()) as { reconcile: { state: string; differences: unknown[] } };
  expect(state.reconcile.state === 'differs').toBe(state.reconcile.differences.length > 0);
});

test('a mode flip sent through the webhook appears on the page', async () => {
  const before = await textOf('mode');
  const target = before === 'BTC' ? 'GOLD' : 'BTC';
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const r = await fetch(system.webhook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ passphrase: DEMO_PASSPHRASE, kind: 'macro', action: target, time }) });
  expect(r.status).toBe(200);
  await pageWait(page, (t) => document.getElementById('mode')?.textContent === t, target, 20_000);
  expect(await textOf('last-flip')).toContain(`${before} → ${target}`);
});

test('after the flip to BTC the G-bot sells: its realised PnL appears in the chart as server-scaled points', async () => {
  // The demo starts in GOLD and the test above flipped to BTC: the G-bot sells 85 % of its PAXG.
  await pageWait(page, () => /^[1-9]\d* realised entries$/.test(document.getElementById('chart-count')?.textContent ?? ''), undefined, 20_000);
  const points = await page.locator('#chart-line').getAttribute('points');
  expect(points).toMatch(/^(\d+\.\d,\d+\.\d )+600,\d+\.\d$/);
  expect(await textOf('gold-cold')).not.toBe('0.00000000');
  expect(await textOf('chart-min')).toMatch(/^\$-?\d{1,3}(,\d{3})*\.\d{2}$/);
});

test('pause is refused without the token and works with it; resume restores', async () => {
  await page.fill('#token', '');
  await page.click('#pause');
  await pageWait(page, () => /refused \(401\)/.test(document.getElementById('action-result')?.textContent ?? ''), undefined, 10_000);
  expect(system.hotpath.control.isPaused()).toBe(false);
  expect(await textOf('hotpath-state')).toBe('running');

  await page.fill('#token', DEMO_TOKEN);
  await page.click('#pause');
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'paused', undefined, 10_000);
  expect(system.hotpath.control.isPaused()).toBe(true);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

  await page.click('#resume');
  await pageWait(page, () => document.getElementById('hotpath-state')?.textContent === 'running', undefined, 10_000);
  expect(system.hotpath.control.isPaused()).toBe(false);
});

test('actions over HTTP: no token 401, wrong token 401, the sweep needs a confirmation and answers the workflow\'s verdict', async () => {
  const post = (p: string, headers: Record<string, string> = {}, body = '{}') => fetch(new URL(p, system.dashboard.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  expect((await post('/api/hotpath/pause')).status).toBe(401);
  expect((await post('/api/hotpath/pause', { 'x-dashboard-token': `${DEMO_TOKEN}x` })).status).toBe(401);
  expect(system.hotpath.control.isPaused()).toBe(false);
  expect((await post('/api/sweep')).status).toBe(401);
  const preview = await post('/api/sweep', { 'x-dashboard-token': DEMO_TOKEN });
  expect(preview.status).toBe(200);
  const { confirm } = (await preview.json()) as { confirm: { code: string } };
  expect((await post('/api/sweep', { 'x-dashboard-token': DEMO_TOKEN }, JSON.stringify({ confirm: '00000000' }))).status).toBe(409);
  // Confirmed: the sweep workflow judges mode, month, profit and the withdrawal minimum (done, or refused with why).
  const verdict = await post('/api/sweep', { 'x-dashboard-token': DEMO_TOKEN }, JSON.stringify({ confirm: confirm.code }));
  expect([200, 409]).toContain(verdict.status);
  expect(((await verdict.json()) as { message: string }).message).toMatch(/\S/);
});

test('qbot top --once prints the same essentials from the dashboard', async () => {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((t: string) => void printed.push(t));
  try {
    await buildProgram().parseAsync(['node', 'qbot', 'top', '--once', '--url', system.dashboard.url]);
  } finally {
    log.mockRestore();
  }
  const screen = printed.join('\n');
  expect(screen).toMatch(/^qbot top — .* paper trading, simulator market data/);
  expect(screen).toMatch(/mode (BTC|GOLD)/);
  expect(screen).toMatch(/binance\s+live/);
  expect(screen).toMatch(/kraken\s+\$\s*[\d,]+\.\d{2}/);
});
