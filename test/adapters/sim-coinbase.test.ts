import type ccxt from 'ccxt';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, sameBook, side, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.coinbase>;

describe('simulator speaks Coinbase Advanced Trade to real ccxt', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  const client = async (): Promise<Pro> => {
    const c = (await proClient(sim, 'coinbase')) as unknown as Pro;
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 13, autoTick: false, exchanges: ['coinbase'] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });

  it('loads products (with the USDC aliases) and currencies', async () => {
    const ex = await client();
    const markets = await ex.loadMarkets();
    expect(markets['BTC/USD']?.id).toBe('BTC-USD');
    expect(markets['BTC/USDC']?.id).toBe('BTC-USDC');
    expect(markets['USDT/USD']).toBeDefined();
    expect(markets['BTC/USD']?.precision.price).toBe(0.01);
    expect(markets['BTC/USD']?.taker).toBe(0.006);
    expect(ex.currencies.BTC).toBeDefined();
  });

  it('fetchOrderBook returns the simulator book; BTC/USDC is the BTC/USD book', async () => {
    const ex = await client();
    const ob = await ex.fetchOrderBook('BTC/USD', 50);
    // The book is deeper than 50 levels: the limit is what comes back, as on the real venue.
    expect(ob.bids).toHaveLength(50);
    expect(sameBook(ob, sim.control.book('coinbase', 'BTC/USD'), 50)).toBe(true);
    const usdc = await ex.fetchOrderBook('BTC/USDC', 50);
    expect(sameBook(usdc, sim.control.book('coinbase', 'BTC/USD'), 50)).toBe(true);
  });

  it('watchOrderBook follows level2 snapshot and updates', async () => {
    const ex = await client();
    await ex.watchOrderBook('ETH/USD');
    for (let i = 0; i < 5; i++) {
      sim.control.step();
      await ex.watchOrderBook('ETH/USD');
    }
    await waitFor(() => sameBook(ex.orderbooks['ETH/USD'], sim.control.book('coinbase', 'ETH/USD')), 3000, 'book to converge');
  });

  it('watchOrderBook BTC/USDC resolves from the BTC/USD feed, and setBook is followed', async () => {
    const ex = await client();
    const ob = await ex.watchOrderBook('BTC/USDC');
    expect(ob.bids.length).toBeGreaterThan(0);
    sim.control.setBook('coinbase', 'BTC/USDC', [['64000.01', '0.5'], ['64000.00', '1']], [['64000.05', '0.25']]);
    await waitFor(() => ex.orderbooks['BTC/USD']?.asks.length === 1, 3000, 'BTC/USD update');
    expect(side(ex.orderbooks['BTC/USD']?.bids as Array<[number, number]>)).toEqual([['64000.01', '0.5'], ['64000', '1']]);
    expect(sim.control.book('coinbase', 'BTC/USD').asks).toEqual([['64000.05', '0.25']]);
  });
});

describe('Coinbase quiet level2 channels (opt-in realism: coinbaseQuietDropMs)', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ seed: 14, autoTick: false, exchanges: ['coinbase'], coinbaseQuietDropMs: 300 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });
  const within = async <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => {
    let t: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<'timeout'>((r) => (t = setTimeout(() => r('timeout'), ms)))]);
    } finally {
      clearTimeout(t);
    }
  };

  it('a quiet channel without heartbeats stops; with heartbeats it keeps flowing', async () => {
    const bare = (await proClient(sim, 'coinbase')) as unknown as Pro;
    const kept = (await proClient(sim, 'coinbase')) as unknown as Pro;
    clients.push(bare, kept);
    // ccxt has no unified heartbeat watch; subscribing the channel is what adapters do.
    void (kept as unknown as { subscribe(n: string, p: boolean, s: string[]): Promise<unknown> }).subscribe('heartbeats', false, ['SOL/USD']).catch(() => undefined);
    await bare.watchOrderBook('SOL/USD');
    await kept.watchOrderBook('SOL/USD');
    await new Promise((r) => setTimeout(r, 900));
    const a = bare.watchOrderBook('SOL/USD');
    const b = kept.watchOrderBook('SOL/USD');
    sim.control.setBook('coinbase', 'SOL/USD', [['150.00', '1']], [['150.10', '1']]);
    expect(await within(a.then(() => 'update'), 600)).toBe('timeout');
    expect(await within(b.then(() => 'update'), 3000)).toBe('update');
    a.catch(() => undefined);
  });
});
