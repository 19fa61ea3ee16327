import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { Prng } from '../../adapters/sim/model/prng';
import { Decimal } from '../../domain/money/decimal';

const bps = (bid: string, ask: string): number => new Decimal(ask).minus(bid).div(bid).times(10_000).toNumber();

describe('market model', () => {
  const sims: RunningSimulator[] = [];
  const start = async (seed: number, extra: Record<string, unknown> = {}): Promise<RunningSimulator> => {
    const s = await startSimulator({ seed, autoTick: false, ...extra });
    sims.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of sims) await s.close();
  });

  it('the PRNG is seeded and uniform enough', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(new Prng(43).next()).not.toBe(new Prng(42).next());
  });

  it('is deterministic for a seed and different for another', async () => {
    const [a, b, c] = await Promise.all([start(99), start(99), start(100)]);
    a.control.step(10);
    b.control.step(10);
    c.control.step(10);
    expect(a.control.book('kraken', 'ETH/USD')).toEqual(b.control.book('kraken', 'ETH/USD'));
    expect(a.control.book('binance', 'SOL/BTC')).toEqual(b.control.book('binance', 'SOL/BTC'));
    expect(c.control.book('kraken', 'ETH/USD')).not.toEqual(a.control.book('kraken', 'ETH/USD'));
  });

  it('books grow to bookDepth when a client asks, and that never changes the market of a seed', async () => {
    const [a, b] = await Promise.all([start(31), start(31, { bookDepth: 500 })]);
    a.control.step(3);
    b.control.step(3);
    // A full-book request on one simulator only (Coinbase's product_book without a limit).
    const res = await fetch(`${(b.urls.coinbase.api as { rest: string }).rest}/api/v3/brokerage/market/product_book?product_id=BTC-USD`);
    expect(((await res.json()) as { pricebook: { bids: unknown[] } }).pricebook.bids).toHaveLength(500);
    // A thinner market grows to a quarter of it.
    const paxg = await fetch(`${(b.urls.coinbase.api as { rest: string }).rest}/api/v3/brokerage/market/product_book?product_id=PAXG-USD`);
    expect(((await paxg.json()) as { pricebook: { bids: unknown[] } }).pricebook.bids).toHaveLength(125);
    a.control.step(30);
    b.control.step(30);
    const top = (s: RunningSimulator, sym: string) => {
      const book = s.control.book('coinbase', sym);
      return { bids: book.bids.slice(0, 40), asks: book.asks.slice(0, 40) };
    };
    expect(top(b, 'BTC/USD')).toEqual(top(a, 'BTC/USD'));
    expect(top(b, 'ETH/USD')).toEqual(top(a, 'ETH/USD'));
    expect(b.control.book('coinbase', 'BTC/USD').bids.length).toBeGreaterThanOrEqual(450);
    expect(a.control.book('coinbase', 'BTC/USD').bids.length).toBeLessThan(100);
  });

  it('refuses a book depth that is not a positive whole number, before it listens', async () => {
    await expect(startSimulator({ autoTick: false, bookDepth: 0 })).rejects.toThrow(/bookDepth must be a positive whole number of levels, got 0/);
    await expect(startSimulator({ autoTick: false, bookDepth: 2.5 })).rejects.toThrow(/bookDepth/);
  });

  it('has realistic spreads, 20+ levels with sizes that grow, prices on the tick', async () => {
    const s = await start(7);
    s.control.step(5);
    for (const [ex, sym, maxBps] of [['binance', 'BTC/USDT', 3], ['kraken', 'BTC/USD', 3], ['coinbase', 'BTC/USD', 3], ['binance', 'SOL/USDC', 5]] as const) {
      const book = s.control.book(ex, sym);
      expect(book.bids.length).toBeGreaterThanOrEqual(20);
      expect(book.asks.length).toBeGreaterThanOrEqual(20);
      const spread = bps(book.bids[0]?.[0] ?? '0', book.asks[0]?.[0] ?? '0');
      expect(spread).toBeGreaterThan(0);
      expect(spread).toBeLessThanOrEqual(maxBps);
      const sizes = (levels: Array<[string, string]>, from: number, to: number) => levels.slice(from, to).reduce((t, [, a]) => t + Number(a), 0);
      expect(sizes(book.asks, 15, 20)).toBeGreaterThan(sizes(book.asks, 0, 5));
      for (let i = 1; i < book.bids.length; i++) expect(Number(book.bids[i]?.[0])).toBeLessThan(Number(book.bids[i - 1]?.[0]));
    }
    const tick = new Decimal('0.1');
    expect(s.control.book('kraken', 'BTC/USD').bids.every(([p]) => new Decimal(p).mod(tick).isZero())).toBe(true);
  });

  it('moves the venues together (correlated), keeps stablecoins near 1 and the ETH/BTC cross consistent', async () => {
    const s = await start(11);
    const mid = (ex: 'binance' | 'kraken' | 'coinbase', sym: string): number => {
      const b = s.control.book(ex, sym);
      return (Number(b.bids[0]?.[0]) + Number(b.asks[0]?.[0])) / 2;
    };
    for (let i = 0; i < 60; i++) {
      s.control.step();
      const k = mid('kraken', 'BTC/USD');
      const c = mid('coinbase', 'BTC/USD');
      expect(Math.abs(k - c) / k).toBeLessThan(0.012);
      expect(Math.abs(mid('kraken', 'USDT/USD') - 1)).toBeLessThan(0.003);
      const implied = mid('binance', 'ETH/USDT') / mid('binance', 'BTC/USDT');
      expect(Math.abs(mid('binance', 'ETH/BTC') / implied - 1)).toBeLessThan(0.012);
    }
  });

  it('dislocations open real cross-venue arbitrage (bid on one venue above the ask on another)', async () => {
    const s = await start(5, { dislocationRate: 0.3 });
    let crossings = 0;
    for (let i = 0; i < 50; i++) {
      s.control.step();
      for (const sym of ['BTC/USD', 'ETH/USD', 'SOL/USD']) {
        const k = s.control.book('kraken', sym);
        const c = s.control.book('coinbase', sym);
        if (Number(k.bids[0]?.[0]) > Number(c.asks[0]?.[0]) || Number(c.bids[0]?.[0]) > Number(k.asks[0]?.[0])) crossings++;
      }
    }
    expect(crossings).toBeGreaterThan(0);
    const quiet = await start(5, { dislocationRate: 0 });
    let quietCrossings = 0;
    for (let i = 0; i < 50; i++) {
      quiet.control.step();
      const k = quiet.control.book('kraken', 'BTC/USD');
      const c = quiet.control.book('coinbase', 'BTC/USD');
      if (Number(k.bids[0]?.[0]) > Number(c.asks[0]?.[0]) * 1.002 || Number(c.bids[0]?.[0]) > Number(k.asks[0]?.[0]) * 1.002) quietCrossings++;
    }
    expect(quietCrossings).toBe(0);
  });

  it('refuses a hand-set book that is not decimal strings or not best first', async () => {
    const s = await start(1);
    expect(() => s.control.setBook('binance', 'BTC/USDT', [['1e5', '1']], [])).toThrow(/decimal strings/);
    expect(() => s.control.setBook('binance', 'DOGE/USDT', [], [])).toThrow(/no market/);
    expect(() => s.control.setBook('binance', 'BTC/USDT', [['1', '1'], ['2', '1']], [])).toThrow(/best first/);
    expect(() => s.control.setBook('binance', 'BTC/USDT', [], [['3', '1'], ['3', '1']])).toThrow(/strictly rising/);
    expect(() => s.control.credit('binance', 'BTC', '-1')).toThrow(/decimal strings/);
  });
});
