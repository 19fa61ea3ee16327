import * as fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../../config/loader';
import { latencyModeSchema } from '../../../config/schemas';
import { Decimal } from '../../../domain/money/decimal';
import { parseDecimal } from '../../../domain/money/parse';
import { FeeBook } from '../../../domain/fees';
import { baselineThresholdSource } from '../../../domain/arbitrage';
import { feeSchedulesFromSettings } from '../../../adapters/persistence/fee-book-setup';
import { qbotConfigFrom } from '../../../hotpath/qbot-config';
import { parseReplayLine, marketsFromFile } from '../../../hotpath/replay/jsonl';
import { marketsFromBooks } from '../../../hotpath/replay/default-markets';
import { runScan, type ScanSummary } from '../../../hotpath/replay/scan-runner';

interface ScanOpts { books: string; markets?: string; config?: string; latency?: string; capitalUsd: string; balances?: string; all?: boolean; json?: boolean }

/** `qbot scan`: replays recorded books through the Q-bot's scanners and gates, offline. */
export function registerScanCommands(program: Command): void {
  program
    .command('scan')
    .description('replay recorded order books (JSONL) through the Q-bot scanners and gates; nothing is traded')
    .requiredOption('--books <file>', 'JSONL, one book per line: {"exchange","symbol","timestamp","bids":[["p","a"]],"asks":[...]}')
    .option('--markets <file>', 'market rules (default: <books>.markets.json when present, else finest steps)')
    .option('--config <dir>', 'config folder (default: the project config/)')
    .option('--latency <mode>', 'latency profile: laptop | server | colo (default: LATENCY_MODE or laptop)')
    .option('--capital-usd <amount>', 'account value the capital split is taken from', '9000')
    .option('--balances <file>', 'paper balances {"binance":{"USDT":"5000"},...} (default: unlimited inventory)')
    .option('--all', 'evaluate every crossed candidate, not only those the live prefilter passes')
    .option('--json', 'one JSON line per evaluated opportunity, then a summary line')
    .action((opts: ScanOpts) => {
      const cfg = loadConfig({ ...(opts.config ? { dir: opts.config } : {}), env: { ...process.env } });
      const latency = latencyModeSchema.parse(opts.latency ?? cfg.env.LATENCY_MODE);
      const config = qbotConfigFrom(cfg, latency);
      const books = readBooks(opts.books);
      const marketsFile = opts.markets ?? (fs.existsSync(`${opts.books}.markets.json`) ? `${opts.books}.markets.json` : undefined);
      const markets = marketsFile ? marketsFromFile(JSON.parse(fs.readFileSync(marketsFile, 'utf8'))) : marketsFromBooks(books);
      const feeBook = new FeeBook(feeSchedulesFromSettings(cfg.settings.fees));
      const scan = runScan(books, {
        config, markets, fee: feeBook.takerFeeFn(() => books[0]?.receivedAt ?? 0),
        thresholds: baselineThresholdSource(config.threshold, config.depth),
        totalCapitalUsd: parseDecimal(opts.capitalUsd),
        ...(opts.balances ? { balances: readBalances(opts.balances) } : {}),
        ...(opts.all ? { prefilterFloorPercent: new Decimal(0) } : {}),
      });
      let r = scan.next();
      while (!r.done) {
        const e = r.value;
        if (opts.json) console.log(JSON.stringify(e));
        else console.log(`${e.time} ${e.strategy.padEnd(10)} ${(e.path ?? e.markets.join(' -> ')).padEnd(44)} size=${e.size} ${e.sizeAsset} net=${e.netPercent}% ${e.accepted ? 'ACCEPTED' : e.reason}`);
        r = scan.next();
      }
      printSummary(r.value, Boolean(opts.json));
    });
}

function readBooks(file: string) {
  const text = fs.readFileSync(file, 'utf8');
  return text.split('\n').flatMap((line, i) => (line.trim() ? [parseReplayLine(line, i + 1)] : []));
}

function readBalances(file: string): Map<string, Decimal> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  const out = new Map<string, Decimal>();
  for (const [ex, assets] of Object.entries(raw)) for (const [a, v] of Object.entries(assets)) out.set(`${ex}:${a}`, parseDecimal(v));
  return out;
}

function printSummary(s: ScanSummary, json: boolean): void {
  if (json) console.log(JSON.stringify({ summary: s }));
  else console.log(`scanned ${s.books} books: ${s.evaluated} evaluated, ${s.accepted} accepted, ${s.taken} taken, ${s.prefiltered} pruned by the float prefilter; rejected by ${JSON.stringify(s.rejectedBy)}`);
}
