import WebSocket from 'ws';
import { Decimal } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { krakenChecksum, KrakenWithChecksum } from '../../adapters/exchanges/venues/kraken-checksum';
import { waitUntil } from '../helpers/wait';
import { within } from './wire-specs/common';
import { KRAKEN_WIRE, rawNumbers } from './wire-specs/kraken';

interface BookData { symbol: string; bids: Array<{ price: number; qty: number }>; asks: Array<{ price: number; qty: number }>; checksum: number; timestamp: string }
interface Frame { text: string; msg: { channel?: string; type?: string; method?: string; data?: BookData[] } }

const DEPTH = 10;

/** A client book kept from raw frames, with or without truncating to the subscribed depth. */
class RawBook {
  bids = new Map<number, number>();
  asks = new Map<number, number>();
  constructor(private readonly truncate: boolean) {}
  apply(d: BookData): void {
    for (const [side, levels] of [[this.bids, d.bids], [this.asks, d.asks]] as const) {
      for (const l of levels) {
        if (l.qty === 0) side.delete(l.price);
        else side.set(l.price, l.qty);
      }
    }
    if (this.truncate) {
      this.bids = new Map(this.sorted('bids').slice(0, DEPTH));
      this.asks = new Map(this.sorted('asks').slice(0, DEPTH));
    }
  }
  sorted(side: 'bids' | 'asks'): Array<[number, number]> {
    return [...this[side].entries()].sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]));
  }
}

describe('simulator Kraken v2 wire = the real venue (written spec: wire-specs/kraken.ts)', () => {
  let sim: RunningSimulator;
  let ws: WebSocket | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 18, autoTick: false, exchanges: ['kraken'] });
  });
  afterAll(async () => {
    ws?.terminate();
    await sim.close();
  });

  it('status, book snapshot and updates have the real shapes, sizes and window behaviour', async () => {
    const url = ((sim.urls.kraken.api as { ws: { publicV2: string } }).ws).publicV2;
    ws = new WebSocket(url);
    const frames: Frame[] = [];
    ws.on('message', (d) => frames.push({ text: String(d), msg: JSON.parse(String(d)) as Frame['msg'] }));
    await waitUntil('status message', () => frames.length > 0, 10_000);
    // connection_id is above 2^53: read as text, it is exact; as a JS number it would round.
    const [id] = rawNumbers(frames[0]?.text ?? '', 'connection_id');
    expect(id).toMatch(/^\d+$/);
    expect(BigInt(id ?? '0') > KRAKEN_WIRE.connectionIdAbove).toBe(true);

    ws.send(JSON.stringify({ method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: DEPTH } }));
    const books = (): Frame[] => frames.filter((f) => f.msg.channel === 'book');
    await waitUntil('book snapshot', () => books().length > 0, 10_000);
    const updates = (): Frame[] => books().filter((f) => f.msg.type === 'update');
    await waitUntil('400 book updates', () => {
      sim.control.step(5);
      return updates().length >= 400;
    }, 20_000, 1);

    const snap = books()[0];
    expect(snap?.msg.type).toBe('snapshot');
    for (const f of books()) {
      const d = f.msg.data?.[0] as BookData;
      expect(Object.keys(d)).toEqual([...KRAKEN_WIRE.bookKeys]);
      expect(d.timestamp).toMatch(KRAKEN_WIRE.timestamp);
      for (const n of [...rawNumbers(f.text, 'price'), ...rawNumbers(f.text, 'qty')]) expect(n).toMatch(KRAKEN_WIRE.levelNumber);
    }
    // Deletions are printed as "qty":0.00000000.
    expect(updates().some((f) => KRAKEN_WIRE.deletion.test(f.text))).toBe(true);
    expect(updates().every((f) => !/"qty":0[,}]/.test(f.text))).toBe(true);
    // 1-6 levels per update, mean about 1.4; some not best first.
    const sizes = updates().map((f) => (f.msg.data?.[0]?.bids.length ?? 0) + (f.msg.data?.[0]?.asks.length ?? 0));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(KRAKEN_WIRE.updateLevels.min);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(KRAKEN_WIRE.updateLevels.max);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect({ mean, ok: within(mean, KRAKEN_WIRE.updateMean) }).toEqual({ mean, ok: true });
    const unordered = updates().filter((f) => {
      const d = f.msg.data?.[0] as BookData;
      const out = (ls: Array<{ price: number }>, dir: number): boolean => ls.some((l, i) => i > 0 && (l.price - (ls[i - 1]?.price ?? 0)) * dir > 0);
      return out(d.bids, 1) || out(d.asks, -1);
    });
    expect(unordered.length).toBeGreaterThanOrEqual(KRAKEN_WIRE.notBestFirstAtLeast);

    // The venue does not delete levels pushed out of the window: a client that never truncates
    // ends up holding more than the depth; one that truncates matches every checksum.
    const naive = new RawBook(false);
    const client = new RawBook(true);
    let mostHeld = 0;
    const mismatches: number[] = [];
    const tick = new Decimal('0.1').decimalPlaces();
    books().forEach((f, i) => {
      const d = f.msg.data?.[0] as BookData;
      naive.apply(d);
      client.apply(d);
      mostHeld = Math.max(mostHeld, naive.bids.size, naive.asks.size);
      if (krakenChecksum(client.sorted('asks'), client.sorted('bids'), tick, 8) !== d.checksum) mismatches.push(i);
    });
    expect(mostHeld).toBeGreaterThan(DEPTH);
    expect(mismatches).toEqual([]);
  });

  it("the project's Kraken client (real ccxt + checksum) truncates, accepts unordered updates and never resyncs", async () => {
    const ex = new KrakenWithChecksum(sim.ccxtOptions('kraken'));
    await ex.loadHttpProxyAgent();
    try {
      await ex.loadMarkets();
      await ex.watchOrderBook('ETH/USD', DEPTH);
      for (let i = 0; i < 40; i++) {
        sim.control.step();
        // A checksum mismatch would reject this watch.
        await ex.watchOrderBook('ETH/USD', DEPTH);
      }
      const top = (): string => JSON.stringify(sim.control.book('kraken', 'ETH/USD').asks.slice(0, DEPTH).map(([p, a]) => [Number(p), Number(a)]));
      await waitUntil('ccxt book = simulator window', () => JSON.stringify((ex.orderbooks['ETH/USD']?.asks ?? []).slice(0, 99).map((l) => [l[0], l[1]])) === top(), 10_000);
    } finally {
      await ex.close();
    }
  });
});
