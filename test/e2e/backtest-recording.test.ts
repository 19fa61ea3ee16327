import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { FeeBook } from '../../domain/fees';
import { backtestReportSchema, type BacktestReport } from '../../domain/backtest/report';
import { renderReportHtml } from '../../domain/backtest/html';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { runBacktest } from '../../hotpath/backtest/runner';
import { backtest, loadBacktestInput, type BacktestInput } from '../../signals/cli/commands/backtest';
import { scannerConfigFromSettings } from '../../hotpath/scanner/config';
import { BALANCES, recordWithDislocations, SYMBOLS } from '../helpers/dislocation-recording';

describe('qbot backtest over a recording the simulator made in the test', () => {
  let dir: string;
  let input: BacktestInput;
  const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent' } });
  const config = qbotConfigFrom(cfg, 'laptop');
  const feeBook = new FeeBook(feeSchedulesFromSettings(cfg.settings.fees));
  let report: BacktestReport;
  let fast: Awaited<ReturnType<typeof runBacktest>>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backtest-rec-'));
    await recordWithDislocations(path.join(dir, 'rec'));
    input = await loadBacktestInput({ recording: path.join(dir, 'rec') });
  });

  it('reads the public trades recorded beside the books (the market scanner\'s input), per venue', () => {
    expect(new Set(input.trades.map((t) => t.exchange))).toEqual(new Set(['binance', 'kraken']));
    expect(input.trades.every((t) => SYMBOLS.includes(t.symbol) && t.price.gt(0) && t.amount.gt(0))).toBe(true);
  });

  it('without --threshold the market scanner runs over them: every decision\'s threshold is its context\'s, inside the configured 0.4-1 %', async () => {
    const r = await backtest(input, { thresholds: [undefined], latencyMs: 0, balances: BALANCES, config, feeBook, scanner: scannerConfigFromSettings(cfg.settings) });
    expect(backtestReportSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r.trades).toBeGreaterThan(0);
    for (const t of r.run.tradeList) expect(new Decimal(t.thresholdPercent).gte('0.4') && new Decimal(t.thresholdPercent).lte(1)).toBe(true);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trades the dislocations on paper; its PnL is the ledger\'s to the digit', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const run = await runBacktest({ books: input.books, markets: input.markets, config, feeBook, latencyMs: 0, balances: BALANCES, ledger });
    fast = run;
    expect(run.trades.length).toBeGreaterThanOrEqual(1);
    expect(run.trades.some((t) => t.status === 'completed' && t.route === 'kraken:BTC/USDT -> binance:BTC/USDT')).toBe(true);
    const pnl = run.trades.reduce((a, t) => a.plus(t.pnlUsd), new Decimal(0));
    expect(pnl.gt(0)).toBe(true);
    expect(pnl.toFixed()).toBe(ledger.realisedPnlUsd().toFixed());
    // Fees per venue: Binance and Kraken both charged, in the fee book's amounts.
    const paid = ledger.feesPaid();
    expect(new Set(paid.map((f) => f.exchange))).toEqual(new Set(['binance', 'kraken']));
    expect(run.trades.every((t) => t.feesUsd.gt(0) || t.status === 'no-fill')).toBe(true);
    // Candidates below the threshold: refused exactly, or already by the float prefilter.
    expect((run.refusedByReason.NET_BELOW_THRESHOLD ?? 0) + (run.refusedByReason.PREFILTERED ?? 0)).toBeGreaterThan(0);
  });

  it('fills against the book as it was after the latency, not at the decision', async () => {
    // The dislocation lives for a few frames; a latency longer than the whole recording fills
    // against the books at its end, where the lifted bid is long gone.
    const span = input.books[input.books.length - 1]!.receivedAt - input.books[0]!.receivedAt;
    const slow = await runBacktest({ books: input.books, markets: input.markets, config, feeBook, latencyMs: span + 1000, balances: BALANCES, ledger: SqliteLedger.open({ file: ':memory:' }) });
    expect(slow.trades.length).toBeGreaterThanOrEqual(1);
    expect(slow.trades.every((t) => t.status !== 'completed')).toBe(true);
    const sum = (r: typeof slow) => r.trades.reduce((a, t) => a.plus(t.pnlUsd), new Decimal(0));
    expect(sum(slow).lt(sum(fast))).toBe(true);
  });

  it('a threshold range gives one row per threshold, and a report.json the schema accepts', async () => {
    report = await backtest(input, { thresholds: [new Decimal('0.4'), new Decimal('1'), new Decimal('3')], latencyMs: 0, balances: BALANCES, config, feeBook });
    expect(backtestReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.byThreshold?.map((r) => r.thresholdPercent)).toEqual(['0.4', '1', '3']);
    // 2 % gross clears 1 % after fees; nothing clears 3 %.
    const at3 = report.byThreshold!.find((r) => r.thresholdPercent === '3')!;
    expect(at3.trades).toBe(0);
    expect((at3.refusedByReason.NET_BELOW_THRESHOLD ?? 0) + (at3.refusedByReason.PREFILTERED ?? 0)).toBeGreaterThan(0);
    expect(report.trades).toBeGreaterThan(0);
    expect(typeof report.netPnlUsd).toBe('string');
    expect(report.run.opportunities.count).toBeGreaterThan(0);
    expect(report.run.slippage.trades).toBe(report.trades);
  });

  describe('report.html in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'] });
    });
    afterAll(async () => browser?.close());

    it('shows the equity curve as SVG and the rows and figures of report.json, loading nothing from outside', async () => {
      const file = path.join(dir, 'report.html');
      fs.writeFileSync(file, renderReportHtml(report));
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      await page.goto(`file://${file}`);
      expect(await page.locator('[data-testid="equity"] path').count()).toBe(1);
      const cells = async (id: string) => page.locator(`[data-testid="${id}"] tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
      const summary = Object.fromEntries(await cells('summary'));
      expect(summary['net PnL USD']).toBe(report.netPnlUsd);
      expect(summary['fees USD']).toBe(report.feesUsd);
      expect(summary.trades).toBe(String(report.trades));
      expect((await cells('by-threshold')).map((r) => [r[0], r[1], r[2]])).toEqual(report.byThreshold!.map((r) => [r.thresholdPercent, String(r.trades), r.netPnlUsd]));
      expect(await cells('refused')).toEqual(Object.entries(report.refusedByReason).map(([k, v]) => [k, String(v)]));
      expect((await cells('trades')).length).toBe(report.trades);
      expect((await cells('by-venue')).map((r) => r[0]).sort()).toEqual(Object.keys(report.run.byVenue).sort());
      expect(requests).toEqual([]);
      await page.close();
    });
  });
});
