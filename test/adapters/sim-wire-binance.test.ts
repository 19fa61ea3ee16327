import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { MARKET_DATA } from '../fixtures/market-data/paths';
import { waitUntil } from '../helpers/wait';
import { BINANCE_WIRE } from './wire-specs/binance';

interface Depth { lastUpdateId: number; bids: Array<[string, string]>; asks: Array<[string, string]> }

describe('simulator Binance wire = the real venue (written spec: wire-specs/binance.ts)', () => {
  let sim: RunningSimulator;
  let ws: WebSocket | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 18, autoTick: false, exchanges: ['binance'] });
  });
  afterAll(async () => {
    ws?.terminate();
    await sim.close();
  });
  const rest = (): string => (sim.urls.binance.api as { public: string }).public;

  it('the spec itself matches the real recorded Binance depth (8-decimal strings)', () => {
    const real = (JSON.parse(readFileSync(MARKET_DATA.interdex, 'utf8')) as Array<{ exchange: string; orderbook: { bids: Array<{ price: string; quantity: string }> } }>).find((e) => e.exchange === 'Binance');
    const levels = real?.orderbook.bids ?? [];
    expect(levels.length).toBeGreaterThan(50);
    for (const l of levels) {
      expect(l.price).toMatch(BINANCE_WIRE.eightDecimals);
      expect(l.quantity).toMatch(BINANCE_WIRE.eightDecimals);
    }
  });

  it('REST depth?limit=N answers N levels of 8-decimal strings', async () => {
    for (const limit of [5, 100, 1000]) {
      const res = await fetch(`${rest()}/depth?symbol=BTCUSDT&limit=${limit}`);
      const body = (await res.json()) as Depth;
      expect([body.bids.length, body.asks.length]).toEqual([limit, limit]);
      for (const [p, q] of [...body.bids, ...body.asks]) {
        expect(p).toMatch(BINANCE_WIRE.eightDecimals);
        expect(q).toMatch(BINANCE_WIRE.eightDecimals);
      }
    }
  });

  it('depthUpdate diffs and trade prints carry 8-decimal strings', async () => {
    const url = (sim.urls.binance.api as { ws: { spot: string } }).ws.spot;
    ws = new WebSocket(url);
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    await new Promise<void>((resolve, reject) => {
      ws?.once('open', () => resolve());
      ws?.once('error', reject);
    });
    ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@trade'], id: 1 }));
    await waitUntil('subscription answer', () => frames.length > 0, 10_000);
    await waitUntil('depth diffs and a trade', () => {
      sim.control.step();
      return frames.filter((f) => f.e === 'depthUpdate').length >= 20 && frames.some((f) => f.e === 'trade');
    }, 20_000, 1);
    for (const f of frames.filter((x) => x.e === 'depthUpdate')) {
      expect(Object.keys(f)).toEqual([...BINANCE_WIRE.depthUpdateKeys]);
      for (const [p, q] of [...(f.b as string[][]), ...(f.a as string[][])]) {
        expect(p).toMatch(BINANCE_WIRE.eightDecimals);
        expect(q).toMatch(BINANCE_WIRE.eightDecimals);
      }
    }
    for (const f of frames.filter((x) => x.e === 'trade')) {
      expect(Object.keys(f)).toEqual([...BINANCE_WIRE.tradeKeys]);
      expect(f.p).toMatch(BINANCE_WIRE.eightDecimals);
      expect(f.q).toMatch(BINANCE_WIRE.eightDecimals);
    }
  });
});
