import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { MARKET_DATA } from '../fixtures/market-data/paths';
import { waitUntil } from '../helpers/wait';
import { proClient } from './sim-helpers';
import { within } from './wire-specs/common';
import { checkCoinbaseMessage, COINBASE_WIRE, type CoinbaseMessage } from './wire-specs/coinbase';

/** Raw frames of one plain WebSocket (not ccxt), in arrival order. */
async function rawSocket(url: string): Promise<{ ws: WebSocket; frames: CoinbaseMessage[] }> {
  const ws = new WebSocket(url);
  const frames: CoinbaseMessage[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as CoinbaseMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

describe('simulator Coinbase wire = the real venue (written spec: wire-specs/coinbase.ts)', () => {
  let sim: RunningSimulator;
  let ws: WebSocket | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 18, autoTick: false, exchanges: ['coinbase'] });
  });
  afterAll(async () => {
    ws?.terminate();
    await sim.close();
  });

  it('the spec itself matches real Coinbase data (the recorded BTC/USDC book: shortest decimals)', () => {
    const real = (JSON.parse(readFileSync(MARKET_DATA.interdex, 'utf8')) as Array<{ exchange: string; orderbook: { bids: Array<{ price: string; quantity: string }> } }>).find((e) => e.exchange === 'Coinbase');
    const levels = real?.orderbook.bids ?? [];
    expect(levels.length).toBeGreaterThan(50);
    for (const l of levels) {
      expect(l.price).toMatch(COINBASE_WIRE.decimal);
      expect(l.quantity).toMatch(COINBASE_WIRE.decimal);
    }
    expect('0.04545840').not.toMatch(COINBASE_WIRE.decimal); // the simulator's old padding
    expect('2026-08-09T21:05:48.483587501Z').toMatch(COINBASE_WIRE.timestamp);
    expect('2026-08-09T21:05:48.483587500Z').not.toMatch(COINBASE_WIRE.timestamp);
    expect('2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.26').toMatch(COINBASE_WIRE.heartbeatTime);
  });

  it('level2, heartbeats and market_trades frames have the real shapes, counts and order', async () => {
    const url = (sim.urls.coinbase.api as { ws: string }).ws;
    const raw = await rawSocket(url);
    ws = raw.ws;
    const { frames } = raw;
    ws.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats', product_ids: [] }));
    ws.send(JSON.stringify({ type: 'subscribe', channel: 'market_trades', product_ids: ['BTC-USD'] }));
    ws.send(JSON.stringify({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] }));
    await waitUntil('level2 snapshot', () => frames.some((f) => f.channel === 'l2_data'), 10_000);
    const updates = (): CoinbaseMessage[] => frames.filter((f) => f.channel === 'l2_data' && f.events?.[0]?.type === 'update');
    // Enough model steps for a few hundred update messages.
    await waitUntil('300 level2 updates', () => {
      sim.control.step(5);
      return updates().length >= 300;
    }, 20_000, 1);
    await waitUntil('a heartbeat', () => frames.some((f) => f.channel === 'heartbeats'), 10_000);

    const problems = frames.flatMap((f, i) => checkCoinbaseMessage(f).map((p) => `frame ${i} (${String(f.channel)}): ${p}`));
    expect(problems.slice(0, 10)).toEqual([]);
    // One sequence_num counter across every channel of the connection.
    expect(frames.map((f) => f.sequence_num)).toEqual(frames.map((_, i) => i));
    // The book data arrives before the level2 subscriptions acknowledgement.
    const snapshotAt = frames.findIndex((f) => f.channel === 'l2_data');
    const level2AckAt = frames.findIndex((f) => f.channel === 'subscriptions' && JSON.stringify(f.events).includes('level2'));
    expect(snapshotAt).toBeGreaterThanOrEqual(0);
    expect(snapshotAt).toBeLessThan(level2AckAt);
    // The snapshot carries the whole book, far more than a 50-level copy.
    const snap = frames[snapshotAt]?.events?.[0] as { type: string; updates: Array<{ side: string }> };
    expect(snap.type).toBe('snapshot');
    expect(snap.updates.filter((u) => u.side === 'bid').length).toBeGreaterThanOrEqual(COINBASE_WIRE.snapshotLevelsPerSideAtLeast);
    expect(snap.updates.filter((u) => u.side === 'offer').length).toBeGreaterThanOrEqual(COINBASE_WIRE.snapshotLevelsPerSideAtLeast);
    // Changes per update: about a quarter one, half 2-9, a quarter 10 or more.
    const sizes = updates().map((f) => (f.events?.[0]?.updates as unknown[]).length);
    const share = (ok: (n: number) => boolean): number => sizes.filter(ok).length / sizes.length;
    const shares = { one: share((n) => n === 1), twoToNine: share((n) => n >= 2 && n <= 9), tenOrMore: share((n) => n >= 10) };
    const off = (Object.keys(shares) as Array<keyof typeof shares>).filter((k) => !within(shares[k], COINBASE_WIRE.updateSizes[k]));
    expect({ off, shares }).toEqual({ off: [], shares });
    // market_trades opens with a snapshot event.
    const firstTrades = frames.find((f) => f.channel === 'market_trades');
    expect(firstTrades?.events?.[0]?.type).toBe('snapshot');
    // Heartbeats count on from the venue's large counter, one by one.
    const counters = frames.filter((f) => f.channel === 'heartbeats').map((f) => f.events?.[0]?.heartbeat_counter as number);
    expect(counters[0]).toBeGreaterThanOrEqual(COINBASE_WIRE.heartbeatCounterAtLeast);
    counters.slice(1).forEach((c, i) => expect(c).toBe((counters[i] ?? 0) + 1));
  });

  it('real ccxt builds the whole book from the snapshot and follows the small updates', async () => {
    const ex = await proClient(sim, 'coinbase');
    try {
      const ob = await ex.watchOrderBook('ETH/USD');
      expect(ob.bids.length).toBeGreaterThanOrEqual(COINBASE_WIRE.snapshotLevelsPerSideAtLeast);
      for (let i = 0; i < 20; i++) sim.control.step();
      const top = (): string => JSON.stringify(sim.control.book('coinbase', 'ETH/USD').bids.slice(0, 50).map(([p, a]) => [Number(p), Number(a)]));
      await waitUntil('ccxt book = simulator book (top 50)', () => JSON.stringify((ex.orderbooks['ETH/USD']?.bids ?? []).slice(0, 50).map((l) => [l[0], l[1]])) === top(), 10_000);
    } finally {
      await ex.close();
    }
  });
});
