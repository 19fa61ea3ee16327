import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startSimulator } from '../../adapters/sim';
import { Recorder } from '../../adapters/record/recorder';
import { readRecording } from '../../adapters/record/reader';
import { BookRebuilder, krakenJson } from '../../adapters/record/rebuild';
import { startRawReplay, type RunningRawReplay } from '../../adapters/record/replay-server';
import type { RecordedFrame } from '../../adapters/record/format';
import type { OrderBook } from '../../domain/orderbook';
import { Decimal } from '../../domain/money/decimal';
import { waitUntil } from '../helpers/wait';

const SYMBOLS = ['BTC/USDT', 'BTC/USD'];

/** A plain WebSocket client that keeps every text frame it receives. */
async function client(url: string, subscribe: string[]): Promise<{ got: string[]; ws: WebSocket }> {
  const ws = new WebSocket(url);
  const got: string[] = [];
  ws.on('message', (d: Buffer) => got.push(d.toString('utf8')));
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  for (const m of subscribe) ws.send(m);
  return { got, ws };
}

const closeWs = (ws: WebSocket): Promise<void> => new Promise((resolve) => (ws.readyState === ws.CLOSED ? resolve() : (ws.once('close', () => resolve()), ws.close())));
const krakenBook = JSON.stringify({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 25, snapshot: true }, req_id: 1 });
const isKrakenBook = (t: string): boolean => t.startsWith('{"channel":"book"');
const levels = (b: OrderBook | undefined) => (b ? { bids: b.bids.map((l) => [l.price.toFixed(), l.amount.toFixed()]), asks: b.asks.map((l) => [l.price.toFixed(), l.amount.toFixed()]) } : undefined);
type Lv = { price: string; qty: string };
const krakenLevels = (text: string) => {
  const d = (krakenJson(text) as { data: Array<{ bids: Lv[]; asks: Lv[] }> }).data[0]!;
  const side = (ls: Lv[]) => ls.map((l) => [l.price, l.qty]);
  return { bids: side(d.bids), asks: side(d.asks) };
};

describe('qbot sim --replay-raw keeps one timeline per venue (a reconnect never restarts the recording)', () => {
  let dir: string;
  let frames: RecordedFrame[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-timeline-'));
    const sim = await startSimulator({ port: 0, seed: 5, tickMs: 40, dislocationRate: 0 });
    try {
      const rec = new Recorder({ exchanges: ['binance', 'kraken', 'coinbase'], symbols: SYMBOLS, out: dir, sim: `http://127.0.0.1:${sim.port}`, krakenDepth: 25, flushEveryFrames: 50 });
      await rec.start();
      await waitUntil('80 frames per venue', () => Object.values(rec.stats().venues).every((v) => v.frames >= 80), 30_000);
      await rec.stop();
    } finally {
      await sim.close();
    }
    frames = readRecording(dir).frames;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a client that reconnects at the recorded pace gets a snapshot and then only frames after the ones it already had', async () => {
    const replay = await startRawReplay({ dir, speed: 1 });
    try {
      const url = `ws://127.0.0.1:${replay.port}/kraken/v2`;
      const updates = frames.filter((f) => f.v === 'kraken' && f.k === 'ws' && isKrakenBook(f.d) && f.d.includes('"type":"update"') && f.d.includes('"BTC/USD"')).map((f) => f.d);
      expect(updates.length).toBeGreaterThan(30);
      const a = await client(url, [krakenBook]);
      await waitUntil('ten book updates on the first socket', () => a.got.filter((t) => t.includes('"type":"update"') && isKrakenBook(t)).length >= 10, 20_000);
      await closeWs(a.ws);
      const lastOfA = Math.max(...a.got.map((t) => updates.indexOf(t)));
      const b = await client(url, [krakenBook]);
      await waitUntil('five book updates on the second socket', () => b.got.filter((t) => t.includes('"type":"update"') && isKrakenBook(t)).length >= 5, 20_000);
      await closeWs(b.ws);
      const books = b.got.filter(isKrakenBook);
      expect(books[0]).toContain('"type":"snapshot"');
      // Every update of the second socket comes after the first socket's last one: the recording went on.
      const indexes = books.slice(1).map((t) => updates.indexOf(t));
      expect(indexes.every((i) => i > lastOfA)).toBe(true);
    } finally {
      await replay.close();
    }
  });

  describe('stepped by hand (manual)', () => {
    let replay: RunningRawReplay;
    let rebuild: BookRebuilder;
    beforeAll(async () => {
      replay = await startRawReplay({ dir, manual: true });
      rebuild = new BookRebuilder(readRecording(dir).meta, 1000);
    });
    afterAll(async () => replay?.close());

    /** Steps the replay and the independent rebuild together until `done`. */
    const stepUntil = (done: () => boolean): void => {
      while (!done()) {
        const s = replay.step();
        if (!s) throw new Error('the recording ended first');
        rebuild.apply(s.frame);
      }
    };

    it('a client joining mid-recording gets the book as it stands (Kraken and Coinbase snapshots, Binance REST depth), then the recording from there', async () => {
      stepUntil(() => ['binance:BTCUSDT', 'kraken:BTC/USD', 'coinbase:BTC-USD'].every((k) => rebuild.view(k.split(':')[0] as 'kraken', k.slice(k.indexOf(':') + 1), 0).length > 0));
      // Further on, so a restart would be visible.
      for (let i = 0; i < 60; i += 1) rebuild.apply(replay.step()!.frame);
      const want = (ex: 'binance' | 'kraken' | 'coinbase', id: string, limit = Number.MAX_SAFE_INTEGER) => levels(rebuild.view(ex, id, 0, limit)[0]);

      const k = await client(`ws://127.0.0.1:${replay.port}/kraken/v2`, [krakenBook]);
      const snap = await waitUntil('the Kraken snapshot', () => k.got.find((t) => isKrakenBook(t) && t.includes('"type":"snapshot"')));
      expect(krakenLevels(snap)).toEqual(want('kraken', 'BTC/USD', 25));

      const c = await client(`ws://127.0.0.1:${replay.port}/coinbase/ws`, [JSON.stringify({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' })]);
      const cSnap = JSON.parse(await waitUntil('the Coinbase snapshot', () => c.got.find((t) => t.includes('"type":"snapshot"')))) as { events: Array<{ updates: Array<{ side: string; price_level: string; new_quantity: string }> }> };
      const ups = cSnap.events[0]!.updates;
      expect({ bids: ups.filter((u) => u.side === 'bid').map((u) => [u.price_level, u.new_quantity]), asks: ups.filter((u) => u.side === 'offer').map((u) => [u.price_level, u.new_quantity]) }).toEqual(want('coinbase', 'BTC-USD'));

      const depth = (await (await fetch(`http://127.0.0.1:${replay.port}/binance/api/v3/depth?symbol=BTCUSDT&limit=1000`)).json()) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
      expect(depth.lastUpdateId).toBe(rebuild.nonce('binance', 'BTCUSDT'));
      const bw = want('binance', 'BTCUSDT', 1000)!;
      // As Binance prints them: 8-decimal strings.
      expect(depth.bids[0]![0]).toMatch(/^\d+\.\d{8}$/);
      const dec = (ls: string[][]) => ls.map(([p, a]) => [new Decimal(p!).toFixed(), new Decimal(a!).toFixed()]);
      expect({ bids: dec(depth.bids), asks: dec(depth.asks) }).toEqual(bw);

      // From here on the clients get exactly the frames of the recording that follow.
      const before = k.got.length;
      const sent: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const s = replay.step()!;
        rebuild.apply(s.frame);
        if (s.frame.v === 'kraken' && s.frame.k === 'ws' && s.frame.d.includes('"BTC/USD"') && isKrakenBook(s.frame.d)) sent.push(s.frame.d);
      }
      expect(sent.length).toBeGreaterThan(0);
      await waitUntil('the Kraken updates after the join', () => k.got.length - before >= sent.length);
      expect(k.got.slice(before).filter(isKrakenBook)).toEqual(sent);
      await Promise.all([closeWs(k.ws), closeWs(c.ws)]);
    });

    it('serves the recorded public trades to a client subscribed to them (Binance @trade, Kraken trade, Coinbase market_trades)', async () => {
      const b = await client(`ws://127.0.0.1:${replay.port}/binance/stream/ws`, [JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 })]);
      const k = await client(`ws://127.0.0.1:${replay.port}/kraken/v2`, [JSON.stringify({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false }, req_id: 2 })]);
      const c = await client(`ws://127.0.0.1:${replay.port}/coinbase/ws`, [JSON.stringify({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' })]);
      await waitUntil('the acknowledgements', () => b.got.length > 0 && k.got.length > 0 && c.got.length > 0);
      const want = { binance: [] as string[], kraken: [] as string[], coinbase: [] as string[] };
      for (let s = replay.step(); s; s = replay.step()) {
        const f = s.frame;
        if (f.k !== 'ws') continue;
        if (f.v === 'binance' && f.d.includes('"e":"trade"') && f.d.includes('BTCUSDT')) want.binance.push(f.d);
        if (f.v === 'kraken' && f.d.includes('"channel":"trade"') && f.d.includes('"BTC/USD"')) want.kraken.push(f.d);
        if (f.v === 'coinbase' && f.d.includes('"channel":"market_trades"') && f.d.includes('"type":"update"') && f.d.includes('BTC-USD')) want.coinbase.push(f.d);
      }
      for (const v of ['binance', 'kraken', 'coinbase'] as const) expect(want[v].length).toBeGreaterThan(0);
      await waitUntil('every trade frame', () => b.got.filter((t) => t.includes('"e":"trade"')).length >= want.binance.length
        && k.got.filter((t) => t.startsWith('{"channel":"trade"')).length >= want.kraken.length
        && c.got.filter((t) => t.includes('"type":"update"')).length >= want.coinbase.length);
      expect(b.got.filter((t) => t.includes('"e":"trade"'))).toEqual(want.binance);
      expect(k.got.filter((t) => t.startsWith('{"channel":"trade"'))).toEqual(want.kraken);
      // Coinbase's sequence_num counts this connection's messages: compare everything else.
      const noSeq = (t: string) => t.replace(/"sequence_num":\d+/, '');
      expect(c.got.filter((t) => t.includes('"type":"update"')).map(noSeq)).toEqual(want.coinbase.map(noSeq));
      expect(c.got.find((t) => t.includes('"channel":"market_trades"'))).toContain('"type":"snapshot"');
      expect(replay.finished('kraken')).toBe(1);
      await Promise.all([closeWs(b.ws), closeWs(k.ws), closeWs(c.ws)]);
    });
  });
});
