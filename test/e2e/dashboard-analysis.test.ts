import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { inProcessHotpath } from '../../dashboard/hotpath-source';
import { analysisAnswerSchema, type AnalysisAnswer } from '../../dashboard/analysis-panel';
import { eventuallyWithin, waitUntil } from '../helpers/wait';
import { pageWait } from './page-wait';

/**
 * The dashboard's trading analysis panel (#18) in headless Chromium over real parts: the
 * simulator's books through real ccxt into a paper hot path that books into a real ledger, and
 * the dashboard wired as the all-in-one system wires it (inProcessHotpath). No Temporal: the
 * analysis reads none (the mode and bot panels, which do, stay empty here).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let sim: RunningSimulator;
let hp: HotpathProcess;
let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;
let ticking: NodeJS.Timeout | undefined;
const ledger = SqliteLedger.open({ file: ':memory:' });

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const launching = chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'] });
  sim = await startSimulator({ port: 0, seed: 11, autoTick: false, dislocationRate: 0 });
  ticking = setInterval(() => sim.control.step(), 100);
  hp = await startHotpath({ sim, temporal: false, ledger, metricsPort: 0, config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }) });
  dashboard = await startDashboard({
    host: '127.0.0.1', port: 0, token: undefined, client: {} as never, hotpath: inProcessHotpath(hp), ledger,
    temporalUiUrl: undefined, namespace: 'default', tradingMode: 'paper', marketData: 'simulator',
  });
  browser = await launching;
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(dashboard.url);
}, 120_000);

afterAll(async () => {
  if (ticking) clearInterval(ticking);
  await browser?.close();
  await dashboard?.close();
  await hp?.close();
  await sim?.close();
  ledger.close();
});

// The callbacks below run in the page; this is the little of the DOM they touch (no DOM lib here).
declare const document: { getElementById(id: string): { textContent: string | null; innerText: string } | null };
const analysis = async (): Promise<AnalysisAnswer> => analysisAnswerSchema.parse(await (await fetch(new URL('/api/analysis', dashboard.url))).json());
const shownRows = () => page.locator('#analysis-strategies tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => c.textContent ?? '')));

test('refusals by reason come from the hot path\'s own counters, before any trade', async () => {
  await pageWait(page, () => /(NET_BELOW_THRESHOLD|PREFILTERED)\s+\d+/.test(document.getElementById('analysis-refusals')?.innerText ?? ''), undefined, 20_000);
  expect(await page.locator('#analysis-from').innerText()).toMatch(/^refusals counted by 1 of 1 hot path since each started/);
  expect((await shownRows()).map((r) => r[0])).toEqual(['no attempt in the ledger yet']);
  const a = await analysis();
  expect(a.byStrategy).toEqual({});
  expect((a.refusedByReason.NET_BELOW_THRESHOLD ?? 0) + (a.refusedByReason.PREFILTERED ?? 0)).toBeGreaterThan(0);
});

test('a dislocation the hot path trades becomes a strategy row: the page shows what GET /api/analysis answers', async () => {
  await waitUntil('books from three venues', () => new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size === 3, 20_000);
  clearInterval(ticking);
  ticking = undefined;
  // Binance's BTC/USDT 2 % under Kraken's: the Q-bot buys there and sells on Kraken, on paper.
  const bid = new Decimal(sim.control.book('kraken', 'BTC/USDT').bids[0]![0]);
  const ask = bid.times('0.98').toDecimalPlaces(2);
  sim.control.setBook('binance', 'BTC/USDT', [[ask.minus(1).toFixed(2), '1']], [[ask.toFixed(2), '1'], [ask.plus(1).toFixed(2), '1']]);
  await waitUntil('the attempt result in the ledger', () => ledger.entries({ kind: 'decision' }).some((e) => (e.details as { type?: string }).type === 'attempt-result'), 15_000);
  // The page refreshes every 5 s from a 5 s cache: wait until it shows the API's rows.
  await eventuallyWithin('the page\'s analysis rows to equal GET /api/analysis', async () => {
    const a = await analysis();
    expect(a.rows.length).toBeGreaterThan(0);
    expect(await shownRows()).toEqual(a.rows.map((r) => [r.strategy, String(r.attempts), String(r.completed), String(r.wins), r.winRate, r.netPnlUsd, r.feesUsd, r.averageNetPercent]));
  }, 20_000, 500);
  const a = await analysis();
  const cross = a.byStrategy.cross!;
  expect(cross.attempts).toBeGreaterThanOrEqual(1);
  // The PnL is the ledger's, to the digit, and shown to the cent.
  const booked = ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { type?: string; strategy?: string }).type === 'attempt-result' && (e.details as { strategy?: string }).strategy === 'cross')
    .reduce((t, e) => t.plus(String((e.details as { realisedPnlUsd?: string }).realisedPnlUsd ?? '0')), new Decimal(0));
  expect(cross.netPnlUsd).toBe(booked.toFixed());
  expect(a.rows.find((r) => r.strategy === 'cross')!.netPnlUsd).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{2}$/);
  expect(await page.locator('#analysis-panel').innerText()).not.toMatch(/\d\.\d{12,}/);
});
