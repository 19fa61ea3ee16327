import { scaled } from '../helpers/wait';
import ccxt from 'ccxt';
import { parseFaultSpec, startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, sameBook, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

/** ccxt 4.5 has two unrelated throttling errors: RateLimitExceeded and DDoSProtection (bans). */
function throttled(e: unknown): boolean {
  return e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection;
}

describe('fault spec grammar', () => {
  it('parses every fault kind', () => {
    expect(parseFaultSpec('binance:silence=5000, kraken:http-429=3,coinbase:http-418=1,binance:gap=BTC/USDT,kraken:drop-sockets,coinbase:slow=200,binance:reject-orders=2,kraken:withdrawal-fails,coinbase:withdrawal-stuck,kraken:deposit-missing')).toEqual([
      { exchange: 'binance', fault: { type: 'silence', ms: 5000 } },
      { exchange: 'kraken', fault: { type: 'http-status', status: 429, count: 3 } },
      { exchange: 'coinbase', fault: { type: 'http-status', status: 418, count: 1 } },
      { exchange: 'binance', fault: { type: 'sequence-gap', symbol: 'BTC/USDT' } },
      { exchange: 'kraken', fault: { type: 'drop-sockets' } },
      { exchange: 'coinbase', fault: { type: 'slow', ms: 200 } },
      { exchange: 'binance', fault: { type: 'reject-orders', count: 2 } },
      { exchange: 'kraken', fault: { type: 'withdrawal-fails' } },
      { exchange: 'coinbase', fault: { type: 'withdrawal-stuck' } },
      { exchange: 'kraken', fault: { type: 'deposit-missing' } },
    ]);
  });

  it('refuses what it does not understand, naming the part', () => {
    expect(() => parseFaultSpec('ftx:silence=1')).toThrow(/unknown exchange "ftx"/);
    expect(() => parseFaultSpec('binance:silence')).toThrow(/needs a whole number/);
    expect(() => parseFaultSpec('binance:melt=1')).toThrow(/unknown fault "melt"/);
    expect(() => parseFaultSpec('binance')).toThrow(/expected exchange:fault/);
  });

  it('a bad spec stops startSimulator before it listens', async () => {
    await expect(startSimulator({ faults: 'kraken:http-999=1', autoTick: false })).rejects.toThrow(/unknown fault/);
  });
});

describe('injected faults as real ccxt clients see them', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];
  const client = async (id: 'binance' | 'kraken' | 'coinbase'): Promise<Pro> => {
    const c = await proClient(sim, id);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, autoTick: false, faults: 'kraken:http-429=1' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });

  it('a spec given at start applies: Kraken answers its first call with EAPI:Rate limit exceeded', async () => {
    const k = await client('kraken');
    await expect(k.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(await k.fetchTime()).toBeGreaterThan(0);
  });

  it('418 on Binance and 429 on Coinbase reach ccxt as its throttling errors', async () => {
    const b = await client('binance');
    await b.loadMarkets();
    sim.control.injectFault('binance', { type: 'http-status', status: 418, count: 1 });
    expect(throttled(await b.fetchOrderBook('BTC/USDT').catch((e: unknown) => e))).toBe(true);
    const coinbase = await client('coinbase');
    await coinbase.loadMarkets();
    sim.control.injectFault('coinbase', { type: 'http-status', status: 429, count: 1 });
    const err = await coinbase.fetchOrderBook('BTC/USD').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect((await coinbase.fetchOrderBook('BTC/USD')).bids.length).toBeGreaterThan(0);
  });

  it('drop-sockets fails the pending watch; the next watch redials and resubscribes', async () => {
    const b = await client('binance');
    await b.watchOrderBook('ETH/USDT');
    const before = sim.control.stats().binance.connections;
    const pending = b.watchOrderBook('ETH/USDT');
    sim.control.injectFault('binance', { type: 'drop-sockets' });
    await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
    await b.watchOrderBook('ETH/USDT');
    expect(sim.control.stats().binance.connections).toBe(before + 1);
    sim.control.step();
    await waitFor(() => sameBook(b.orderbooks['ETH/USDT'], sim.control.book('binance', 'ETH/USDT'), 500), 3000, 'resubscribed book');
  });

  it('silence holds the feed back for its duration, then delivers in order (sequence intact)', async () => {
    const k = await client('kraken');
    await k.watchOrderBook('ETH/USD', 10);
    // Long enough that a late timer on a busy machine still looks inside the silence.
    sim.control.injectFault('kraken', { type: 'silence', ms: 2000 });
    let resolved = 0;
    const started = Date.now();
    const next = k.watchOrderBook('ETH/USD', 10).then(() => {
      resolved = Date.now();
    });
    sim.control.step();
    await new Promise((r) => setTimeout(r, 250));
    expect(resolved).toBe(0);
    await next;
    expect(resolved - started).toBeGreaterThanOrEqual(1900);
    await waitFor(() => sameBook(k.orderbooks['ETH/USD'], sim.control.book('kraken', 'ETH/USD'), 10), 3000, 'book after silence');
  });

  it('slow makes every HTTP answer late', async () => {
    const c = await client('coinbase');
    await c.loadMarkets();
    // 2 s of delay: far above what a loaded machine adds to a local request, so both checks hold.
    sim.control.injectFault('coinbase', { type: 'slow', ms: 2000 });
    const t0 = Date.now();
    await c.fetchOrderBook('BTC/USD');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1990);
    sim.control.clearFaults();
    const t1 = Date.now();
    await c.fetchOrderBook('BTC/USD');
    expect(Date.now() - t1).toBeLessThan(1990);
  });

  it.each(['binance', 'kraken', 'coinbase'] as const)('%s answers ccxt keep-alive pings, so an idle feed is not dropped', async (id) => {
    // ccxt drops a socket whose pong is later than one keep-alive interval: on a loaded machine
    // 100 ms is too tight for the event loop, so the interval scales with the machine.
    const keepAlive = scaled(200);
    const ex = await proClient(sim, id, { streaming: { keepAlive } });
    clients.push(ex);
    const symbol = id === 'binance' ? 'SOL/USDT' : 'SOL/USD';
    await ex.watchOrderBook(symbol);
    const before = sim.control.stats()[id].connections;
    await new Promise((r) => setTimeout(r, keepAlive * 4)); // several pings while idle
    const next = ex.watchOrderBook(symbol);
    sim.control.step();
    await next;
    expect(sim.control.stats()[id].connections).toBe(before);
  });

  it('counts connections, subscriptions and requests per venue', () => {
    const s = sim.control.stats();
    expect(s.binance.requests).toBeGreaterThan(0);
    expect(s.kraken.subscriptions).toBeGreaterThanOrEqual(1);
    expect(s.coinbase.connections).toBeGreaterThanOrEqual(0);
  });
});
