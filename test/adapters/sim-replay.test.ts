import { MARKET_DATA } from '../fixtures/market-data/paths';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ccxt from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import { convertInterdexFile, parseSnapshotLine, readReplayFile, startSimulator, toJsonl, type RunningSimulator } from '../../adapters/sim';
import { norm, proClient, sameBook, side, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

const FIXTURE = join(__dirname, '../fixtures/sim/two-venues.jsonl');
const INTERDEX = MARKET_DATA.interdex;

describe('recorded-book format', () => {
  it('reads a JSONL file in timestamp order and skips blank lines', () => {
    const snaps = readReplayFile(FIXTURE);
    expect(snaps.map((s) => s.timestamp)).toEqual([1754493864098, 1754493864150, 1754493864200, 1754493864300]);
    expect(snaps[0]?.bids[0]).toEqual(['64772.43', '0.00934']);
  });

  it('rejects bad lines with the line number and the field', () => {
    expect(() => parseSnapshotLine('{"exchange":"binance","symbol":"BTC/USDT","timestamp":1,"bids":[[64772.43,"1"]],"asks":[]}', 4)).toThrow(/line 4: bids\.0\.0/);
    expect(() => parseSnapshotLine('{"exchange":"ftx","symbol":"BTC/USDT","timestamp":1,"bids":[],"asks":[]}', 2)).toThrow(/line 2: exchange/);
    expect(() => parseSnapshotLine('{"exchange":"kraken","symbol":"BTC/USD","timestamp":1,"bids":[["1","1"],["2","1"]],"asks":[]}', 9)).toThrow(/line 9: bids must be best first/);
    expect(() => parseSnapshotLine('not json', 3)).toThrow(/line 3: not JSON/);
  });
});

describe('replay through real ccxt', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await sim?.close();
  });

  it('serves the first snapshot of each book at once, then the rest in timestamp order on step()', async () => {
    sim = await startSimulator({ replayFile: FIXTURE, autoTick: false, exchanges: ['binance', 'kraken'] });
    const b = await proClient(sim, 'binance');
    const k = await proClient(sim, 'kraken');
    clients.push(b, k);
    const ob = await b.fetchOrderBook('BTC/USDT');
    expect(side(ob.bids as Array<[number, number]>)).toEqual(norm([['64772.43', '0.00934'], ['64772.42', '0.5'], ['64770.00', '1.25']]));
    expect(sameBook(await k.fetchOrderBook('BTC/USD'), { bids: [['64790.1', '0.3'], ['64789.0', '1']], asks: [['64790.2', '0.45'], ['64795.5', '2']] })).toBe(true);
    await b.watchOrderBook('BTC/USDT');
    sim.control.step(); // the 1754493864200 snapshot
    await waitFor(() => b.orderbooks['BTC/USDT']?.bids[0]?.[0] === 64772.45, 3000, 'second snapshot');
    sim.control.step(); // 1754493864300
    await waitFor(() => sameBook(b.orderbooks['BTC/USDT'], sim.control.book('binance', 'BTC/USDT')), 3000, 'third snapshot');
    expect(sim.control.book('binance', 'BTC/USDT').asks).toEqual([['64772.51', '0.3'], ['64773.1', '0.75'], ['64780', '3']]);
  });

  it('plays at the recorded pace times the speed factor by itself', async () => {
    sim = await startSimulator({ replayFile: FIXTURE, replaySpeed: 2, exchanges: ['binance'] });
    const started = Date.now();
    await waitFor(() => sim.control.book('binance', 'BTC/USDT').bids[0]?.[0] === '64772.5', 3000, 'last snapshot');
    // 202 ms of recording at 2x: about 100 ms, never instantly.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it('replays the real three-exchange BTC/USDC snapshot and ccxt reads back those exact books', async () => {
    const snaps = convertInterdexFile(INTERDEX);
    expect(snaps.map((s) => `${s.exchange}:${s.symbol}`)).toEqual(['binance:BTC/USDC', 'coinbase:BTC/USDC', 'kraken:BTC/USDC']);
    expect(snaps[0]?.bids[0]).toEqual(['109950.01', '0.482']);
    const dir = mkdtempSync(join(tmpdir(), 'sim-replay-'));
    try {
      const file = join(dir, 'interdex.jsonl');
      writeFileSync(file, toJsonl(snaps));
      sim = await startSimulator({ replayFile: file, autoTick: false });
      for (const s of snaps) {
        const ex = await proClient(sim, s.exchange as ExchangeId);
        clients.push(ex);
        const ob = await ex.fetchOrderBook(s.symbol, 100);
        expect(ob.bids).toHaveLength(100);
        expect(side(ob.bids as Array<[number, number]>)).toEqual(norm(s.bids));
        expect(side(ob.asks as Array<[number, number]>)).toEqual(norm(s.asks));
        const watched = await ex.watchOrderBook(s.symbol, s.exchange === 'kraken' ? 100 : undefined);
        expect(side(watched.bids as Array<[number, number]>, 100)).toEqual(norm(s.bids));
        expect(side(watched.asks as Array<[number, number]>, 100)).toEqual(norm(s.asks));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
