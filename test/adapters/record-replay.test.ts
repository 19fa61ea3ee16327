import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator } from '../../adapters/sim';
import { Recorder } from '../../adapters/record/recorder';
import { readRecording } from '../../adapters/record/reader';
import { BookRebuilder } from '../../adapters/record/rebuild';
import { startRawReplay, type RunningRawReplay } from '../../adapters/record/replay-server';
import { RECORD_VENUES } from '../../adapters/record/venues';
import { createExchangeAdapters, type ExchangeAdapters } from '../../adapters/exchanges';
import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { systemClock } from '../../ports/clock';
import { testConfig } from './helpers/exchange-harness';
import { recordingToJsonl } from '../../adapters/record/to-jsonl';
import { parseReplayLine, marketsFromFile } from '../../hotpath/replay/jsonl';
import { waitUntil } from '../helpers/wait';

const SYMBOLS = ['BTC/USDT', 'BTC/USDC', 'BTC/USD', 'ETH/USD'];
const DEPTH = 20;
const levels = (b: OrderBook | undefined) => (b ? { bids: b.bids.map((l) => [l.price.toFixed(), l.amount.toFixed()]), asks: b.asks.map((l) => [l.price.toFixed(), l.amount.toFixed()]) } : undefined);

describe('qbot sim --replay-raw: a recording served to the real ccxt adapters', () => {
  let dir: string;
  let replay: RunningRawReplay;
  const adapters: ExchangeAdapters[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-replay-'));
    const sim = await startSimulator({ port: 0, seed: 9, tickMs: 30, dislocationRate: 0.05 });
    try {
      const rec = new Recorder({ exchanges: ['binance', 'kraken', 'coinbase'], symbols: SYMBOLS, out: dir, sim: `http://127.0.0.1:${sim.port}`, krakenDepth: 25, flushEveryFrames: 50 });
      await rec.start();
      await waitUntil('40 frames per venue', () => Object.values(rec.stats().venues).every((v) => v.frames >= 40), 20_000);
      await rec.stop();
    } finally {
      await sim.close();
    }
    replay = await startRawReplay({ dir, speed: 0 });
  });
  afterAll(async () => {
    for (const a of adapters) await a.close();
    await replay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['binance', 'kraken', 'coinbase'] as ExchangeId[])('%s: the adapter\'s book equals an independent Decimal rebuild from the frames, every level', async (exchange) => {
    const rec = readRecording(dir);
    const rebuild = new BookRebuilder(rec.meta, DEPTH);
    for (const f of rec.frames) rebuild.apply(f);
    const v = RECORD_VENUES[exchange];
    const listed = new Set(rec.frames.filter((f) => f.v === exchange && f.k === 'sent').flatMap((f) => {
      const m = JSON.parse(f.d) as { params?: unknown; product_ids?: string[] };
      if (exchange === 'coinbase') return m.product_ids ?? [];
      if (exchange === 'kraken') return (m.params as { symbol: string[] }).symbol;
      return (m.params as string[]).map((p) => p.split('@')[0]!.toUpperCase());
    }));
    const symbols = SYMBOLS.filter((s) => listed.has(v.wireId(v.streamedSymbol(s))));
    expect(symbols.length).toBeGreaterThanOrEqual(2);
    const { cfg, settings } = testConfig();
    const ad = await createExchangeAdapters({
      exchange, env: cfg.env, settings: { ...settings, latencyProfiles: { ...settings.latencyProfiles, laptop: { ...settings.latencyProfiles.laptop, staleAfterMs: 60_000 } } },
      clock: systemClock, ccxtOptions: replay.ccxtOptions(exchange), marketData: { bookDepth: DEPTH },
    });
    adapters.push(ad);
    await ad.marketData.watchBooks(symbols, () => undefined);
    await waitUntil(`${exchange}: every recorded frame replayed`, () => replay.finished(exchange) >= 1, 20_000);
    for (const s of symbols) {
      const want = levels(rebuild.view(exchange, v.wireId(v.streamedSymbol(s)), 0).find((b) => b.symbol === s));
      expect(want?.bids.length).toBeGreaterThan(5);
      await waitUntil(`${exchange} ${s} equal to the rebuild`, () => JSON.stringify(levels(ad.marketData.latestBook(s))) === JSON.stringify(want) || undefined, 10_000)
        .catch((e: Error) => { throw new Error(`${e.message}\nadapter: ${JSON.stringify(levels(ad.marketData.latestBook(s)))}\nrebuild: ${JSON.stringify(want)}`); });
    }
  });

  it('converts to the JSONL snapshots qbot scan reads: the last line of each book is the rebuild, market rules from the recorded metadata', async () => {
    const out = path.join(dir, 'books.jsonl');
    const r = await recordingToJsonl(dir, out, DEPTH);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(r.books);
    const books = lines.map((l, i) => parseReplayLine(l, i + 1));
    const rec = readRecording(dir);
    const rebuild = new BookRebuilder(rec.meta, DEPTH);
    for (const f of rec.frames) rebuild.apply(f);
    for (const ex of ['binance', 'kraken', 'coinbase'] as ExchangeId[]) {
      const last = books.filter((b) => b.exchange === ex && b.symbol === 'BTC/USDC').pop();
      const v = RECORD_VENUES[ex];
      expect(levels(last)).toEqual(levels(rebuild.view(ex, v.wireId(v.streamedSymbol('BTC/USDC')), 0).find((b) => b.symbol === 'BTC/USDC')));
    }
    // Times in ms, never going back.
    for (let i = 1; i < books.length; i++) expect(books[i]!.receivedAt).toBeGreaterThanOrEqual(books[i - 1]!.receivedAt);
    const markets = marketsFromFile(JSON.parse(fs.readFileSync(`${out}.markets.json`, 'utf8')));
    const btc = markets.find((m) => m.exchange === 'binance' && m.symbol === 'BTC/USDT');
    expect(btc?.amountStep.toFixed()).toBe('0.00001');
    expect(btc?.takerFee.toFixed()).toBe('0.001');
    expect(markets.filter((m) => m.exchange === 'kraken').map((m) => m.symbol).sort()).toEqual(['BTC/USD', 'BTC/USDC', 'BTC/USDT', 'ETH/USD']);
  });
});
