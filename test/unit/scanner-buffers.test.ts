import { MarketScanner, RingBuffer, scannerConfigFromSettings, type ContextRecord } from '../../hotpath/scanner';
import { MarketState } from '../../hotpath/scanner/market-state';
import { Decimal } from '../../domain/money/decimal';
import type { Trade } from '../../ports/market-data';
import { DAY, restCandles, shippedSettings, START } from './scanner-script';

const small = () => scannerConfigFromSettings(shippedSettings((raw) => {
  raw.marketContext.buffers = { trades: 50, spreadSamples: 10, intradayCandles: 8 };
  raw.marketContext.daily = { source: 'rest', averageDays: 3, fetchesPerUpdate: 1, retryAfterMs: 60_000 };
}));
const trade = (i: number, at: number, symbol = 'BTC/USD'): Trade =>
  ({ exchange: 'kraken', symbol, id: String(i), price: new Decimal(100 + (i % 7)), amount: new Decimal('0.1'), side: i % 2 ? 'buy' : 'sell', timestamp: at });

describe('ring buffer', () => {
  it('keeps the newest `capacity` items in order', () => {
    const r = new RingBuffer<number>(3);
    expect(r.last()).toBeUndefined();
    for (let i = 1; i <= 5; i += 1) r.push(i);
    expect(r.size).toBe(3);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.tailWhile((x) => x >= 4)).toEqual([4, 5]);
    r.replaceLast(9);
    expect(r.toArray()).toEqual([3, 4, 9]);
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
    expect(() => new RingBuffer<number>(2).replaceLast(1)).toThrow(/empty/);
  });
});

describe('bounded memory', () => {
  it('holds at most the configured trades, candles, days and spread samples whatever the feed', () => {
    const cfg = small();
    const st = new MarketState(cfg);
    // 20 000 trades over 5 days: one every ~21.6 s.
    for (let i = 0; i < 20_000; i += 1) st.onTrade(trade(i, START + Math.floor((i * 5 * DAY) / 20_000)));
    expect(st.trades.size).toBe(50);
    expect(st.intraday.size).toBe(8);
    expect(st.builtDays.size).toBe(5); // averageDays 3 + 2
    expect((st.trades.last() as Trade).id).toBe('19999');
    const scanner = new MarketScanner({ config: cfg, clock: { now: () => START } });
    for (let i = 0; i < 1000; i += 1) {
      scanner.onTrade(trade(i, START + i));
      scanner.onBook({ exchange: 'kraken', symbol: 'BTC/USD', bids: [{ price: new Decimal(99), amount: new Decimal(1) }], asks: [{ price: new Decimal(101 + (i % 3)), amount: new Decimal(1) }], receivedAt: START + i });
      scanner.updateNow();
    }
    expect(scanner.snapshot().markets[0]!.tradesBuffered).toBe(50);
    expect(scanner.history('kraken', 'BTC/USD').length).toBeLessThanOrEqual(50);
  });
});

describe('daily candles by REST', () => {
  function setup(fail: () => boolean) {
    const calls: string[] = [];
    let now = START;
    const scanner = new MarketScanner({
      config: small(), clock: { now: () => now },
      fetchDailyCandles: async (exchange, symbol) => {
        calls.push(`${exchange}:${symbol}@${now}`);
        if (fail()) throw new Error('429 too many requests');
        return restCandles(Math.floor(now / DAY) * DAY, 100, 3);
      },
    });
    for (const symbol of ['BTC/USD', 'ETH/USD', 'SOL/USD']) scanner.onTrade(trade(1, START, symbol));
    const tick = async (ms: number) => {
      now += ms;
      scanner.updateNow();
      await scanner.settled();
    };
    return { scanner, calls, tick };
  }

  it('fetches once per UTC day per market, at most fetchesPerUpdate per update', async () => {
    const s = setup(() => false);
    await s.tick(0);
    expect(s.calls).toHaveLength(1);
    await s.tick(2000);
    await s.tick(2000);
    expect(s.calls.map((c) => c.split('@')[0])).toEqual(['kraken:BTC/USD', 'kraken:ETH/USD', 'kraken:SOL/USD']);
    for (let i = 0; i < 10; i += 1) await s.tick(2000);
    expect(s.calls).toHaveLength(3);
    expect(s.scanner.snapshot().markets.every((m) => m.dailyCandles === 'rest')).toBe(true);
    // The next UTC day: each market once more.
    await s.tick(DAY);
    await s.tick(2000);
    await s.tick(2000);
    await s.tick(2000);
    expect(s.calls).toHaveLength(6);
  });

  it('records a failure, falls back to trade-built candles and retries only after retryAfterMs', async () => {
    let failing = true;
    const s = setup(() => failing);
    await s.tick(0);
    const m = s.scanner.snapshot().markets[0]!;
    expect(m.lastFetchError).toBe('429 too many requests');
    expect(m.dailyCandles).toBe('trades');
    await s.tick(2000); // ETH
    await s.tick(2000); // SOL
    expect(s.calls).toHaveLength(3);
    await s.tick(30_000);
    expect(s.calls).toHaveLength(3); // all backing off for 60 s
    failing = false;
    await s.tick(30_000);
    expect(s.calls).toHaveLength(4);
    expect(s.scanner.snapshot().markets[0]!.lastFetchError).toBeUndefined();
    expect(s.scanner.snapshot().markets[0]!.dailyCandles).toBe('rest');
  });

  it('refuses daily candles that do not start at 00:00 UTC', async () => {
    const now = START;
    const scanner = new MarketScanner({
      config: small(), clock: { now: () => now },
      fetchDailyCandles: async () => restCandles(Math.floor(now / DAY) * DAY + 3_600_000, 100, 3),
    });
    scanner.onTrade(trade(1, START));
    scanner.updateNow();
    await scanner.settled();
    expect(scanner.snapshot().markets[0]!.lastFetchError).toMatch(/not aligned to 00:00 UTC/);
  });
});

describe('scheduled updates', () => {
  it('skips a tick while the previous update runs, and records a failing update', async () => {
    const changes: ContextRecord[] = [];
    let boom = false;
    // A bid-heavy book is one warning: the context leaves the baseline (strength 1/4), so every
    // first context is a change.
    const config = { ...small() };
    const lvl = (price: string, amount: string) => ({ price: new Decimal(price), amount: new Decimal(amount) });
    const heavy = (symbol: string) => ({ exchange: 'kraken' as const, symbol, bids: [lvl('99', '50')], asks: [lvl('101', '1')], receivedAt: START });
    const scanner = new MarketScanner({
      config, clock: { now: () => START },
      onChange: (r) => {
        if (boom) throw new Error('listener broke');
        changes.push(r);
      },
    });
    scanner.onBook(heavy('BTC/USD'));
    for (let i = 0; i < 30; i += 1) scanner.onTrade(trade(i, START - i));
    const first = scanner.scheduledUpdate();
    const second = scanner.scheduledUpdate();
    await Promise.all([first, second]);
    expect(scanner.snapshot().skippedUpdates).toBe(1);
    expect(scanner.snapshot().updates).toBe(1);
    expect(changes.map((c) => [c.symbol, c.level, c.depthMultiple])).toEqual([['BTC/USD', 'normal', '3.13']]);
    boom = true;
    scanner.onBook(heavy('ETH/USD'));
    scanner.onTrade({ ...trade(99, START), symbol: 'ETH/USD' });
    for (let i = 0; i < 30; i += 1) scanner.onTrade(trade(i, START, 'ETH/USD'));
    await scanner.scheduledUpdate();
    expect(scanner.snapshot().lastError).toBe('listener broke');
  });
});
