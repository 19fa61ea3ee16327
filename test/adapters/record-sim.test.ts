import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { Recorder } from '../../adapters/record/recorder';
import { readRecording } from '../../adapters/record/reader';
import { waitUntil } from '../helpers/wait';
import { buildProgram } from '../../signals/cli/main';

describe('qbot record from the simulator: raw frames, REST metadata, connection ids', () => {
  let sim: RunningSimulator;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-sim-'));
    sim = await startSimulator({ port: 0, seed: 5, tickMs: 40 });
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records every venue\'s book frames as received, with µs times, until stopped', async () => {
    const notes: string[] = [];
    const rec = new Recorder({
      exchanges: ['binance', 'kraken', 'coinbase'], symbols: ['BTC/USDT', 'BTC/USD', 'ETH/USD', 'BTC/USDC'], out: dir,
      sim: `http://127.0.0.1:${sim.port}`, krakenDepth: 25, flushEveryFrames: 20, onNote: (m) => notes.push(m),
    });
    await rec.start();
    await waitUntil('20 frames per venue', () => Object.values(rec.stats().venues).every((v) => v.frames >= 20), 15_000);
    const stats = await rec.stop();
    const r = readRecording(dir);
    expect(r.cutFiles).toEqual([]);
    expect(r.meta).toMatchObject({ format: 'qbot-raw-recording/1', exchanges: ['binance', 'kraken', 'coinbase'], krakenDepth: 25 });
    expect(r.frames.filter((f) => f.k === 'ws')).toHaveLength(stats.frames - r.frames.filter((f) => f.k !== 'ws').length);
    // Binance lists no USD pair in the simulator: noted, not subscribed.
    expect(notes.join('\n')).toMatch(/binance: not listed, not recorded: BTCUSD/);
    const of = (v: string, k: string) => r.frames.filter((f) => f.v === v && f.k === k);
    expect(of('binance', 'rest').map((f) => f.u)).toEqual(expect.arrayContaining(['/api/v3/exchangeInfo', '/api/v3/depth?symbol=BTCUSDT&limit=1000', '/api/v3/depth?symbol=BTCUSDC&limit=1000']));
    expect(of('kraken', 'rest').map((f) => f.u)).toEqual(['/0/public/Assets', '/0/public/AssetPairs']);
    expect(of('coinbase', 'rest').map((f) => f.u)).toContain('/api/v3/brokerage/market/products');
    expect(JSON.parse(of('kraken', 'sent')[0]!.d)).toEqual({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USDT', 'BTC/USD', 'ETH/USD', 'BTC/USDC'], depth: 25, snapshot: true }, req_id: 1 });
    // Coinbase's X/USDC is streamed as the X/USD book: subscribed once.
    expect(JSON.parse(of('coinbase', 'sent')[0]!.d).product_ids).toEqual(['BTC-USD', 'ETH-USD']);
    for (const v of ['binance', 'kraken', 'coinbase']) {
      const ws = of(v, 'ws');
      expect(ws.length).toBeGreaterThanOrEqual(20);
      expect(new Set(ws.map((f) => f.c))).toEqual(new Set([`${v}-1`]));
      // Text exactly as received: it parses, and receive times are µs since the epoch.
      for (const f of ws) expect(() => JSON.parse(f.d) as unknown).not.toThrow();
      expect(ws[0]!.t).toBeGreaterThan(Date.now() * 1000 - 120_000_000);
      expect(ws[0]!.t).toBeLessThanOrEqual(Date.now() * 1000);
    }
    expect(of('kraken', 'ws').some((f) => f.d.includes('"type":"snapshot"'))).toBe(true);
    expect(of('coinbase', 'ws').some((f) => f.d.includes('"type":"snapshot"'))).toBe(true);
    expect(of('binance', 'ws').some((f) => f.d.includes('"depthUpdate"'))).toBe(true);
    // Public trades too (#18: the market scanner in a backtest reads them), subscribed after the books.
    expect(JSON.parse(of('kraken', 'sent')[1]!.d)).toEqual({ method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USDT', 'BTC/USD', 'ETH/USD', 'BTC/USDC'], snapshot: false }, req_id: 2 });
    expect(JSON.parse(of('binance', 'sent')[0]!.d).params).toEqual(['btcusdt@depth@100ms', 'btcusdc@depth@100ms', 'btcusdt@trade', 'btcusdc@trade']);
    expect(of('coinbase', 'sent').map((f) => (JSON.parse(f.d) as { channel: string }).channel)).toEqual(['level2', 'heartbeats', 'market_trades']);
    expect(of('binance', 'ws').some((f) => f.d.includes('"e":"trade"'))).toBe(true);
    expect(of('kraken', 'ws').some((f) => f.d.includes('"channel":"trade"'))).toBe(true);
    expect(of('coinbase', 'ws').some((f) => f.d.includes('"channel":"market_trades"'))).toBe(true);
  });

  it('qbot record --sim URL --duration S stops by itself and prints frames and bytes per venue', async () => {
    const out = path.join(dir, 'cli');
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((x: string) => void printed.push(x));
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'qbot', 'record', '--sim', `http://127.0.0.1:${sim.port}`, '--exchanges', 'kraken', '--symbols', 'BTC/USD,ETH/USD', '--duration', '1', '--out', out]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    expect(printed.join('\n')).toMatch(/^kraken \d+ frames \d+\.\d\d MB \(2 markets, 1 conn\) \| written \d+\.\d\d MB in 1 file\(s\)$/m);
    const r = readRecording(out);
    expect(r.meta.exchanges).toEqual(['kraken']);
    expect(r.frames.some((f) => f.k === 'ws' && f.d.includes('"snapshot"'))).toBe(true);
  });

  it('refuses a bad --sim URL, venue or symbol, or symbols no venue lists, before recording anything', async () => {
    for (const [args, msg] of [
      [['--sim', 'not a url'], /--sim must be a base URL/],
      [['--exchanges', 'ftx'], /unknown exchange\(s\): ftx/],
      [['--symbols', 'btcusd'], /not unified symbols like BTC\/USDT: btcusd/],
      [['--duration', '-1'], /--duration must be a number of seconds > 0/],
      [['--sim', `http://127.0.0.1:${sim.port}`, '--symbols', 'DOGE/EUR', '--duration', '5'], /no venue lists any of DOGE\/EUR/],
    ] as Array<[string[], RegExp]>) {
      const out = path.join(dir, 'refused');
      await expect(buildProgram().exitOverride().parseAsync(['node', 'qbot', 'record', '--out', out, ...args])).rejects.toThrow(msg);
      // No socket was opened: at most the market metadata that was read to find out.
      expect(fs.existsSync(out) ? readRecording(out).frames.filter((f) => f.k !== 'rest') : []).toEqual([]);
    }
  });
});
