import ccxt from 'ccxt';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { norm, proClient, sameBook, side, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

describe('simulator speaks Binance spot to real ccxt', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  const client = async (): Promise<Pro> => {
    const c = await proClient(sim, 'binance');
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, autoTick: false, exchanges: ['binance'] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });

  it('loads markets with the real filters', async () => {
    const ex = await client();
    const markets = await ex.loadMarkets();
    const btc = markets['BTC/USDT'];
    expect(btc?.id).toBe('BTCUSDT');
    expect(btc?.precision.price).toBe(0.01);
    expect(btc?.precision.amount).toBe(0.00001);
    expect(btc?.limits.cost?.min).toBe(5);
    expect(markets['ETH/BTC']?.spot).toBe(true);
    expect(markets['USDC/USDT']).toBeDefined();
    expect(Object.keys(markets).some((s) => s.includes(':'))).toBe(false);
  });

  it('fetchOrderBook returns the simulator book with realistic spread and depth', async () => {
    const ex = await client();
    const ob = await ex.fetchOrderBook('BTC/USDT', 100);
    const book = sim.control.book('binance', 'BTC/USDT');
    expect(side(ob.bids as number[][] as Array<[number, number]>)).toEqual(norm(book.bids));
    expect(side(ob.asks as number[][] as Array<[number, number]>)).toEqual(norm(book.asks));
    expect(ob.bids.length).toBeGreaterThanOrEqual(20);
    const bid = Number(book.bids[0]?.[0]);
    const ask = Number(book.asks[0]?.[0]);
    const spreadBps = ((ask - bid) / bid) * 10_000;
    expect(spreadBps).toBeGreaterThan(0);
    expect(spreadBps).toBeLessThan(3.5);
    expect(ob.nonce).toBeGreaterThan(0);
  });

  it('watchOrderBook equals the simulator book after the snapshot and diffs', async () => {
    const ex = await client();
    let ob = await ex.watchOrderBook('ETH/USDT');
    const before = ob.nonce;
    for (let i = 0; i < 5; i++) {
      sim.control.step();
      ob = await ex.watchOrderBook('ETH/USDT');
    }
    // The diffs of the last step may still be in flight: read the cached book, do not wait for more.
    // ccxt keeps the 1000 levels its REST snapshot asked for; the venue's book goes deeper, so the
    // far end of the client's copy thins out as on the real venue: compare the top.
    await waitFor(() => sameBook(ex.orderbooks['ETH/USDT'], sim.control.book('binance', 'ETH/USDT'), 500), 3000, 'book to converge');
    ob = ex.orderbooks['ETH/USDT'] as typeof ob;
    const book = sim.control.book('binance', 'ETH/USDT');
    expect(side(ob.asks as Array<[number, number]>, 500)).toEqual(norm(book.asks, 500));
    expect(ob.nonce).toBeGreaterThan(before as number);
  });

  it('watchOrderBookForSymbols follows setBook on one socket', async () => {
    const ex = await client();
    await ex.watchOrderBookForSymbols(['BTC/USDC', 'SOL/USDT']);
    sim.control.setBook('binance', 'SOL/USDT', [['150.01', '3.5'], ['150.00', '1']], [['150.05', '2'], ['150.10', '7.25']]);
    await waitFor(() => ex.orderbooks['SOL/USDT']?.bids.length === 2, 3000, 'SOL/USDT update');
    const ob = ex.orderbooks['SOL/USDT'];
    expect(side(ob?.bids as Array<[number, number]>)).toEqual([['150.01', '3.5'], ['150', '1']]);
    expect(side(ob?.asks as Array<[number, number]>)).toEqual([['150.05', '2'], ['150.1', '7.25']]);
  });

  it('ccxt.pro.binanceus runs on the same simulated endpoints (Binance.US is the binance venue)', async () => {
    const us = new ccxt.pro.binanceus(sim.ccxtOptions('binance'));
    await us.loadHttpProxyAgent();
    clients.push(us as unknown as Pro);
    await us.loadMarkets();
    const ob = await us.watchOrderBook('BTC/USDT');
    expect(ob.bids.length).toBeGreaterThan(0);
    const order = await us.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Number(sim.control.book('binance', 'BTC/USDT').asks[0]?.[0]), { timeInForce: 'IOC' });
    expect(order.filled).toBe(0.001);
  });

  it('a sequence gap makes ccxt reject the book, and a fresh watch resyncs', async () => {
    const ex = await client();
    await ex.watchOrderBook('BTC/USDT');
    sim.control.injectFault('binance', { type: 'sequence-gap', symbol: 'BTC/USDT' });
    const next = ex.watchOrderBook('BTC/USDT');
    sim.control.step();
    await expect(next).rejects.toThrow(/checksum|sequence|nonce/i);
    // A new watch fetches a fresh snapshot and follows the diffs again.
    await ex.watchOrderBook('BTC/USDT');
    sim.control.step();
    await waitFor(() => sameBook(ex.orderbooks['BTC/USDT'], sim.control.book('binance', 'BTC/USDT'), 500), 3000, 'resync');
  });
});
