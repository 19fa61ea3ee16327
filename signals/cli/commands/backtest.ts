import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../../config/loader';
import { latencyModeSchema } from '../../../config/schemas';
import { EXCHANGE_IDS, type ExchangeId, type Market } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import { parseDecimal } from '../../../domain/money/parse';
import { formatDecimal } from '../../../domain/money/format';
import type { OrderBook } from '../../../domain/orderbook';
import { FeeBook } from '../../../domain/fees';
import { buildReport, thresholdRange, type BacktestReport, type RunResult } from '../../../domain/backtest/report';
import { renderReportHtml } from '../../../domain/backtest/html';
import { feeSchedulesFromSettings } from '../../../adapters/persistence/fee-book-setup';
import { SqliteLedger } from '../../../adapters/persistence/ledger-sqlite';
import { marketsOfRecording } from '../../../adapters/record/markets';
import { readRecording } from '../../../adapters/record/reader';
import { booksOfRecording } from '../../../adapters/record/rebuild';
import { qbotConfigFrom } from '../../../hotpath/qbot-config';
import { parseReplayLine, marketsFromFile } from '../../../hotpath/replay/jsonl';
import { marketsFromBooks } from '../../../hotpath/replay/default-markets';
import { runBacktest } from '../../../hotpath/backtest/runner';
import { scannerConfigFromSettings, type ScannerConfig } from '../../../hotpath/scanner/config';
import { tradesOfFrames } from '../../../adapters/record/trades';
import type { Trade } from '../../../ports/market-data';

interface BacktestOpts { recording?: string; books?: string; balances?: string; threshold?: string; thresholdStep: string; latencyMs: string; out: string; config?: string; latency?: string; depth: string }

/** The hot path's paper inventory per venue (workers/hotpath.ts), when no --balances is given. */
const DEFAULT_INVENTORY: Record<string, string> = { USD: '1000', USDT: '1000', USDC: '1000', BTC: '0.01', ETH: '0.3', SOL: '5' };

export interface BacktestInput {
  source: string; books: OrderBook[]; markets: Market[];
  /** Public trades of a recording (none in a JSONL books file): with them the market scanner runs. */
  trades: Trade[];
}

/** Books and market rules from a raw recording or a JSONL books file. */
export async function loadBacktestInput(o: { recording?: string; books?: string; depth?: number }): Promise<BacktestInput> {
  if (Boolean(o.recording) === Boolean(o.books)) throw new Error('give exactly one of --recording DIR and --books FILE');
  if (o.recording) {
    const rec = readRecording(o.recording);
    const wanted = new Set(rec.meta.symbols);
    const markets = (await marketsOfRecording(o.recording)).filter((m) => wanted.has(m.symbol));
    return { source: `recording ${o.recording}`, books: [...booksOfRecording(rec.meta, rec.frames, o.depth ?? 50)], markets, trades: tradesOfFrames(rec.meta, rec.frames) };
  }
  const file = o.books as string;
  const books = fs.readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (line.trim() ? [parseReplayLine(line, i + 1)] : []));
  books.sort((a, b) => a.receivedAt - b.receivedAt);
  const mf = `${file}.markets.json`;
  const markets = fs.existsSync(mf) ? marketsFromFile(JSON.parse(fs.readFileSync(mf, 'utf8'))) : marketsFromBooks(books);
  return { source: `books ${file}`, books, markets, trades: [] };
}

export function readBalancesFile(file: string | undefined): Partial<Record<ExchangeId, Record<string, Decimal>>> {
  if (!file) return Object.fromEntries(EXCHANGE_IDS.map((e) => [e, Object.fromEntries(Object.entries(DEFAULT_INVENTORY).map(([a, v]) => [a, new Decimal(v)]))]));
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  const out: Partial<Record<ExchangeId, Record<string, Decimal>>> = {};
  for (const [ex, assets] of Object.entries(raw)) {
    if (!(EXCHANGE_IDS as readonly string[]).includes(ex)) throw new Error(`${file}: unknown exchange "${ex}"`);
    out[ex as ExchangeId] = Object.fromEntries(Object.entries(assets).map(([a, v]) => {
      try {
        return [a, parseDecimal(v)];
      } catch (e) {
        throw new Error(`${file}: ${ex}.${a}: ${(e as Error).message}`);
      }
    }));
  }
  return out;
}

/** `qbot backtest`: the whole Q-bot over recorded books with paper fills after a latency. */
export function registerBacktestCommands(program: Command): void {
  program
    .command('backtest')
    .description('run the full Q-bot over a recording with paper fills after a latency; writes report.json and report.html')
    .option('--recording <dir>', 'a raw recording (qbot record)')
    .option('--books <file>', 'JSONL books as `qbot scan` reads them (market rules from <file>.markets.json when present)')
    .option('--balances <file>', 'paper balances {"binance":{"USDT":"5000"},...} (default: the hot path\'s paper inventory on every venue)')
    .option('--threshold <pct>', 'a fixed net threshold in percent, or a range like 0.4..1 (default: the configured baseline)')
    .option('--threshold-step <pct>', 'step of a threshold range', '0.1')
    .option('--latency-ms <n>', 'time between a decision and the book its orders fill against', '100')
    .option('--depth <n>', 'levels kept per side when rebuilding a raw recording', '50')
    .option('--config <dir>', 'config folder (default: the project config/)')
    .option('--latency <mode>', 'latency profile for the gates: laptop | server | colo (default: LATENCY_MODE or laptop)')
    .requiredOption('--out <dir>', 'folder for report.json and report.html')
    .action(async (o: BacktestOpts) => {
      const latencyMs = Number(o.latencyMs);
      if (!(Number.isInteger(latencyMs) && latencyMs >= 0)) throw new Error(`--latency-ms must be a whole number >= 0, got "${o.latencyMs}"`);
      const depth = Number(o.depth);
      if (!(Number.isInteger(depth) && depth > 0)) throw new Error(`--depth must be a whole number > 0, got "${o.depth}"`);
      const thresholds: Array<Decimal | undefined> = o.threshold ? thresholdRange(o.threshold, parseDecimal(o.thresholdStep)) : [undefined];
      const balances = readBalancesFile(o.balances);
      const cfg = loadConfig({ ...(o.config ? { dir: o.config } : {}), env: { ...process.env } });
      const config = qbotConfigFrom(cfg, latencyModeSchema.parse(o.latency ?? cfg.env.LATENCY_MODE));
      const input = await loadBacktestInput({ ...(o.recording ? { recording: o.recording } : {}), ...(o.books ? { books: o.books } : {}), depth });
      if (!input.books.length) throw new Error(`${input.source}: no books`);
      const report = await backtest(input, { thresholds, latencyMs, balances, config, feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)), scanner: scannerConfigFromSettings(cfg.settings), progress: progressBar });
      fs.mkdirSync(o.out, { recursive: true });
      fs.writeFileSync(path.join(o.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      fs.writeFileSync(path.join(o.out, 'report.html'), renderReportHtml(report));
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(summaryTable(report));
      console.log(`report: ${path.join(o.out, 'report.json')} and ${path.join(o.out, 'report.html')}`);
    });
}

/**
 * `qbot paper-replay`: the live hot path in paper mode over a recording, paced frame by frame by
 * its acknowledgements on the recording's clock (workers/paper-replay.ts); with `--compare`, also
 * `qbot backtest` of the same recording with the same settings (baseline threshold), and exit 1
 * when the two realised PnLs differ in any digit.
 */
export function registerPaperReplayCommand(program: Command): void {
  program
    .command('paper-replay')
    .description('the live hot path in paper mode over a recording, paced frame by frame; prints its ledger\'s realised PnL (--compare: against qbot backtest, exit 1 on a difference)')
    .requiredOption('--recording <dir>', 'a raw recording (qbot record)')
    .option('--balances <file>', 'paper balances {"binance":{"USDT":"5000"},...} (default: the hot path\'s paper inventory on every venue)')
    .option('--latency-ms <n>', 'paper fills wait this long on the recording\'s clock', '100')
    .option('--config <dir>', 'config folder (default: the project config/)')
    .option('--compare', 'also run qbot backtest over the same recording and compare the PnL to the last unit')
    .action(async (o: { recording: string; balances?: string; latencyMs: string; config?: string; compare?: boolean }) => {
      const latencyMs = Number(o.latencyMs);
      if (!(Number.isInteger(latencyMs) && latencyMs >= 0)) throw new Error(`--latency-ms must be a whole number >= 0, got "${o.latencyMs}"`);
      if (process.env.TRADING_MODE === 'live') throw new Error('paper-replay trades on paper only: unset TRADING_MODE=live');
      const balances = readBalancesFile(o.balances);
      const cfg = loadConfig({ ...(o.config ? { dir: o.config } : {}), env: { ...process.env, TRADING_MODE: 'paper', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } });
      const ledger = SqliteLedger.open({ file: ':memory:' });
      const { runPaperReplay } = await import('../../../workers/paper-replay');
      const run = await runPaperReplay({ dir: o.recording, config: cfg, latencyMs, balances, ledger });
      const attempts = ledger.entries({ kind: 'decision' }).filter((e) => (e.details as { type?: string } | undefined)?.type === 'attempt-result').length;
      const paperPnl = formatDecimal(ledger.realisedPnlUsd());
      console.log(`paper hot path: joined at ${new Date(run.joinedAtMs).toISOString()}, ${run.frames} frames, ${run.books} books, ${attempts} attempts, realised PnL ${paperPnl} USD (ledger)`);
      for (const d of run.differentBooks) console.log(`  book differs from the recording: ${d}`);
      if (!o.compare) return;
      const config = qbotConfigFrom(cfg, latencyModeSchema.parse(cfg.env.LATENCY_MODE));
      const report = await backtest(await loadBacktestInput({ recording: o.recording }), { thresholds: [undefined], latencyMs, balances, config, feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)) });
      console.log(`backtest: ${report.trades} trades, net PnL ${report.netPnlUsd} USD (threshold: ${report.thresholdSource})`);
      const equal = report.netPnlUsd === paperPnl && report.trades === attempts && !run.differentBooks.length;
      console.log(equal ? 'equal to the last unit' : 'DIFFERENT');
      if (!equal) process.exitCode = 1;
    });
}

export async function backtest(input: BacktestInput, o: {
  thresholds: Array<Decimal | undefined>; latencyMs: number; balances: Partial<Record<ExchangeId, Record<string, Decimal>>>;
  config: ReturnType<typeof qbotConfigFrom>; feeBook: FeeBook; progress?: (run: number, runs: number, done: number, total: number) => void;
  /** The market scanner's settings: it runs (and sets the threshold) when the input has trades and no threshold is fixed. */
  scanner?: ScannerConfig;
}): Promise<BacktestReport> {
  const runs: RunResult[] = [];
  for (const [k, t] of o.thresholds.entries()) {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    runs.push(await runBacktest({
      books: input.books, markets: input.markets, config: o.config, feeBook: o.feeBook, latencyMs: o.latencyMs, balances: o.balances, ledger,
      ...(t ? { thresholdPercent: t } : {}), ...(o.scanner && input.trades.length ? { scanner: o.scanner, trades: input.trades } : {}), onProgress: (done, total) => o.progress?.(k + 1, o.thresholds.length, done, total),
    }));
  }
  return buildReport({ source: input.source, books: input.books.length, latencyMs: o.latencyMs, fromMs: input.books[0]?.receivedAt ?? 0, toMs: input.books[input.books.length - 1]?.receivedAt ?? 0, runs });
}

function progressBar(run: number, runs: number, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((done * 100) / total)}% run ${run}/${runs} (${done}/${total} books)`);
}

/** The terminal summary: one row per run. */
export function summaryTable(r: BacktestReport): string {
  // Without a fixed threshold: where it came from (the market scanner over the recorded trades, or the baseline).
  const rows = (r.byThreshold ?? [r.run]).map((x) => [x.thresholdPercent ?? x.thresholdSource, String(x.trades), x.netPnlUsd, x.feesUsd, x.winRate, String(x.refused)]);
  const head = ['threshold %', 'trades', 'net PnL USD', 'fees USD', 'win rate', 'refused'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line), '', `${r.books} books, latency ${r.latencyMs} ms; refused by reason: ${JSON.stringify(r.refusedByReason)}`].join('\n');
}
