import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { KrakenPrecisionUnknown, KrakenWithChecksum, krakenChecksum } from '../../adapters/exchanges/venues/kraken-checksum';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { healthOf, sameAsSim, startHarness, waitFor, type Harness } from './helpers/exchange-harness';

describe('Kraken v2 book checksum', () => {
  it('is the CRC32 of the top 10 asks then the top 10 bids, each side on its own (a thin book, by hand)', () => {
    // Two asks, three bids; price 4 decimals, qty 8; '.' removed, leading zeros stripped:
    //   0.5668 x 4410.79769741 -> "5668" + "441079769741"
    //   0.5669 x 4655.40412487 -> "5669" + "465540412487"
    //   0.5666 x 4831.75496356 -> "5666" + "483175496356"
    //   0.5665 x 6658.22734739 -> "5665" + "665822734739"
    //   0.5664 x 100           -> "5664" + "10000000000"
    const payload = '5668441079769741' + '5669465540412487' + '5666483175496356' + '5665665822734739' + '566410000000000';
    const asks = [[0.5668, 4410.79769741], [0.5669, 4655.40412487]];
    const bids = [[0.5666, 4831.75496356], [0.5665, 6658.22734739], [0.5664, 100]];
    expect(krakenChecksum(asks, bids, 4, 8)).toBe(crc32(payload) >>> 0);
  });

  it('is the documented formula on random books (toFixed, "." removed, leading zeros stripped)', () => {
    const reference = (asks: number[][], bids: number[][], pd: number, qd: number) => {
      const f = (x: number, d: number) => x.toFixed(d).replace('.', '').replace(/^0+/, '');
      return crc32([...asks.slice(0, 10), ...bids.slice(0, 10)].map(([p, q]) => f(p!, pd) + f(q!, qd)).join('')) >>> 0;
    };
    const level = fc.tuple(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(0, 0.0001, 1, 100, 64000.1)), fc.double({ min: 0, max: 1e4, noNaN: true }));
    fc.assert(fc.property(fc.array(level, { maxLength: 14 }), fc.array(level, { maxLength: 14 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (asks, bids, pd, qd) => {
      expect(krakenChecksum(asks, bids, pd, qd)).toBe(reference(asks, bids, pd, qd));
    }), { numRuns: 300 });
  });
});

describe('a thin Kraken market through real ccxt against the simulator', () => {
  let h: Harness;
  afterAll(async () => h?.close());

  it('a snapshot with fewer asks than the depth keeps all its bids and passes its checksum (no resync loop)', async () => {
    h = await startHarness('kraken');
    const sym = 'ETH/USD';
    const full = h.sim.control.book('kraken', sym);
    // 3 asks, 15 bids: the subscribed depth is 20 (Kraken: 25).
    h.sim.control.setBook('kraken', sym, full.bids.slice(0, 15), full.asks.slice(0, 3));
    await h.ad.marketData.watchBooks([sym], () => undefined);
    await waitFor(() => sameAsSim(h, 'kraken', sym, 15) && healthOf(h, sym).state === 'live', 5000, 'the thin book, live');
    expect(h.ad.marketData.latestBook(sym)!.bids.length).toBe(15);
    expect(h.ad.marketData.latestBook(sym)!.asks.length).toBe(3);
    // The book thickens again by updates: still consistent, still no resync.
    h.sim.control.setBook('kraken', sym, full.bids.slice(0, 15), full.asks.slice(0, 12));
    await waitFor(() => sameAsSim(h, 'kraken', sym, 12), 5000, 'the book after it thickens');
    expect(healthOf(h, sym).resyncs).toBe(0);
  });
});

describe('a Kraken market whose precision is not loaded', () => {
  let sim: RunningSimulator;
  let ex: KrakenWithChecksum | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, autoTick: false, exchanges: ['kraken'] });
  });
  afterAll(async () => {
    await ex?.close();
    await sim.close();
  });

  it('is refused with a typed error instead of passing the checksum silently', async () => {
    ex = new KrakenWithChecksum(sim.ccxtOptions('kraken'));
    await ex.loadHttpProxyAgent();
    await ex.loadMarkets();
    delete (ex.markets!['BTC/USD']!.precision as { price?: number }).price;
    await expect(ex.watchOrderBook('BTC/USD', 10)).rejects.toBeInstanceOf(KrakenPrecisionUnknown);
  });
});
