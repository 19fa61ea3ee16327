/**
 * Converts real recorded market data (e.g. test/fixtures/market-data, see its NOTICE.md) into the JSONL that
 * `qbot scan --books` replays, plus `<out>.markets.json` with the markets' rules.
 *
 *   tsx scripts/convert-market-data.ts interdex <orderbooks_all.json> <out.jsonl> [--same-time]
 *   tsx scripts/convert-market-data.ts binance-prices <binance_ticker_price_all.json> <out.jsonl>
 *       [--spread-bps 10] [--depth-usd 5000] [--levels 5] [--at 2023-01-12T00:00:00Z]
 *       [--exchange-info binance_exchangeInfo.json] [--stale-quotes USDC] [--stale-at 2022-09-26T00:00:00Z]
 *
 * The ticker file has last prices only and no times. Binance delisted its USDC pairs in
 * September 2022 (USDC balances were auto-converted to BUSD), so their "prices" in a January 2023
 * snapshot are frozen last trades: the converter dates those books at --stale-at, which is what a
 * live cache would hold for a market whose feed went quiet, and the book-age gate judges them so.
 */
import * as fs from 'node:fs';
import { Decimal } from '../domain/money/decimal';
import { convertInterdexFile } from '../adapters/sim';
import { interdexMarkets } from '../hotpath/replay/interdex';
import { convertBinanceTicker } from '../hotpath/replay/binance-ticker';
import { marketsToFile, parseReplayLine, replayLine } from '../hotpath/replay/jsonl';
import type { Market } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';

function flag(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

function write(out: string, books: OrderBook[], markets: Market[]): void {
  fs.writeFileSync(out, books.map(replayLine).join('\n') + '\n');
  fs.writeFileSync(`${out}.markets.json`, marketsToFile(markets));
  console.log(`wrote ${books.length} books to ${out} and ${markets.length} markets to ${out}.markets.json`);
}

function time(s: string): number {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`not an ISO-8601 time: ${s}`);
  return t;
}

function main(argv: string[]): void {
  const [kind, input, out, ...rest] = argv;
  if (!kind || !input || !out) throw new Error('usage: convert-market-data.ts interdex|binance-prices <input.json> <out.jsonl> [options]');
  if (kind === 'interdex') {
    // The simulator's converter reads the recording; this adds the venues' market rules.
    const books = convertInterdexFile(input).map((snap, i) => parseReplayLine(JSON.stringify(snap), i + 1)).sort((a, b) => a.receivedAt - b.receivedAt);
    const markets = interdexMarkets(books);
    // --same-time: the REST snapshots were taken ~11 s apart; pretend they were simultaneous.
    if (rest.includes('--same-time')) for (const b of books) b.receivedAt = books[books.length - 1]!.receivedAt;
    write(out, books, markets);
  } else if (kind === 'binance-prices') {
    const raw = JSON.parse(fs.readFileSync(input, 'utf8')) as unknown;
    const infoFile = flag(rest, 'exchange-info');
    const info = infoFile ? (JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Parameters<typeof convertBinanceTicker>[2]) : undefined;
    const r = convertBinanceTicker(raw as Array<{ symbol: string; price: string }>, {
      spreadBps: Number(flag(rest, 'spread-bps', '10')),
      depthUsd: new Decimal(flag(rest, 'depth-usd', '5000')!),
      levels: Number(flag(rest, 'levels', '5')),
      at: time(flag(rest, 'at', '2023-01-12T00:00:00Z')!),
      staleQuotes: (flag(rest, 'stale-quotes', 'USDC') ?? '').split(',').filter(Boolean),
      staleAt: time(flag(rest, 'stale-at', '2022-09-26T00:00:00Z')!),
      takerFee: new Decimal(flag(rest, 'taker-fee', '0.001')!),
    }, info);
    write(out, r.books, r.markets);
    if (r.skipped.length) console.log(`skipped ${r.skipped.length} symbols without a USD valuation or a usable size (e.g. ${r.skipped.slice(0, 5).join(', ')})`);
  } else {
    throw new Error(`unknown kind "${kind}": interdex | binance-prices`);
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`convert-market-data: ${(err as Error).message}`);
  process.exitCode = 1;
}
