import type ccxt from 'ccxt';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, sameBook, side, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.kraken>;

describe('simulator speaks Kraken (REST + WebSocket v2) to real ccxt', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  const client = async (): Promise<Pro> => {
    const c = (await proClient(sim, 'kraken')) as unknown as Pro;
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, autoTick: false, exchanges: ['kraken'] });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });

  it('loads markets and currencies with Kraken ids', async () => {
    const ex = await client();
    const markets = await ex.loadMarkets();
    expect(markets['BTC/USD']?.id).toBe('XXBTZUSD');
    expect(markets['BTC/USDT']?.id).toBe('XBTUSDT');
    expect(markets['USDT/USD']).toBeDefined();
    expect(markets['USDC/USD']).toBeDefined();
    expect(markets['BTC/USD']?.precision.price).toBe(0.1);
    expect(markets['BTC/USD']?.taker).toBe(0.004);
    expect(markets['BTC/USD']?.limits.cost?.min).toBe(0.5);
    expect(ex.currencies.BTC?.id).toBe('XXBT');
  });

  it('fetchOrderBook returns the simulator book', async () => {
    const ex = await client();
    const ob = await ex.fetchOrderBook('ETH/USD', 100);
    const book = sim.control.book('kraken', 'ETH/USD');
    expect(sameBook(ob, book)).toBe(true);
    expect(ob.bids.length).toBeGreaterThanOrEqual(20);
  });

  it('watchOrderBook (depth 10 window) equals the top of the simulator book after snapshot and updates', async () => {
    const ex = await client();
    await ex.watchOrderBook('BTC/USD', 10);
    for (let i = 0; i < 5; i++) {
      sim.control.step();
      await ex.watchOrderBook('BTC/USD', 10);
    }
    await waitFor(() => sameBook(ex.orderbooks['BTC/USD'], sim.control.book('kraken', 'BTC/USD'), 10), 3000, 'book to converge');
    expect(ex.orderbooks['BTC/USD']?.bids.length).toBe(10);
  });

  it('watchOrderBookForSymbols follows setBook, including levels leaving the window', async () => {
    const ex = await client();
    await ex.watchOrderBookForSymbols(['SOL/USD', 'USDT/USD'], 25);
    sim.control.setBook('kraken', 'SOL/USD', [['150.01', '3.5'], ['150.00', '1']], [['150.05', '2'], ['150.10', '7.25']]);
    await waitFor(() => ex.orderbooks['SOL/USD']?.bids.length === 2, 3000, 'SOL/USD update');
    expect(side(ex.orderbooks['SOL/USD']?.bids as Array<[number, number]>)).toEqual([['150.01', '3.5'], ['150', '1']]);
    expect(side(ex.orderbooks['SOL/USD']?.asks as Array<[number, number]>)).toEqual([['150.05', '2'], ['150.1', '7.25']]);
  });

  it('rejects an unsupported depth the way ccxt expects', async () => {
    const ex = await client();
    await expect(ex.watchOrderBook('BTC/USD', 7)).rejects.toThrow(/limit/);
  });
});
