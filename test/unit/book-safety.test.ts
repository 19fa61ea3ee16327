import { Decimal } from '../../domain/money/decimal';
import { baselineThresholdSource, bookGate, ClockOffsetEstimate, feesFromMarkets, MAX_CLOCK_OFFSET_MS, VenueClocks } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { parseReplayLine } from '../../hotpath/replay/jsonl';
import { runScan, type ScanSummary } from '../../hotpath/replay/scan-runner';
import type { EvaluationJson } from '../../hotpath/opportunity-json';
import type { OrderBook } from '../../domain/orderbook';
import type { Market } from '../../domain/market';
import { FeedStates } from '../../adapters/exchanges/feed-state';
import { parseSnapshotLine } from '../../adapters/sim/replay/format';
import { book, market } from './arbitrage-fixtures';

const base = qbotConfigFrom(loadConfig({ env: {} }), 'laptop'); // maxBookAgeMs 1500

function scan(books: OrderBook[], markets: Market[], all = false): { lines: EvaluationJson[]; summary: ScanSummary } {
  const it = runScan(books, {
    config: base, markets, fee: feesFromMarkets(markets), thresholds: baselineThresholdSource(base.threshold, base.depth), totalCapitalUsd: new Decimal('9000'),
    ...(all ? { prefilterFloorPercent: new Decimal(0) } : {}),
  });
  const lines: EvaluationJson[] = [];
  let r = it.next();
  while (!r.done) {
    lines.push(r.value);
    r = it.next();
  }
  return { lines, summary: r.value };
}

const KR = market('kraken', 'BTC/USD', { step: '0.0001', fee: '0.001' });
const CB = market('coinbase', 'BTC/USD', { step: '0.0001', fee: '0.001' });

describe('crossed and unsorted books are refused in the gate', () => {
  it('BOOK_CROSSED and BOOK_UNSORTED with the figures; a sound book passes', () => {
    const crossed = book('kraken', 'BTC/USD', [['66000', '1']], [['62000', '1']]);
    expect(bookGate([{ book: crossed, state: 'live' }], 1_000, 1_500)?.message).toBe('BOOK_CROSSED: market=kraken:BTC/USD bestBid=66000 bestAsk=62000');
    const locked = book('kraken', 'BTC/USD', [['62000', '1']], [['62000', '1']]);
    expect(bookGate([{ book: locked, state: 'live' }], 1_000, 1_500)?.code).toBe('BOOK_CROSSED');
    const worstFirst = book('kraken', 'BTC/USD', [['61000', '1'], ['61990', '1']], [['62000', '1']]);
    expect(bookGate([{ book: worstFirst, state: 'live' }], 1_000, 1_500)?.message).toBe('BOOK_UNSORTED: market=kraken:BTC/USD side=bids level=1');
    const asksDown = book('kraken', 'BTC/USD', [['61990', '1']], [['62010', '1'], ['62000', '1']]);
    expect(bookGate([{ book: asksDown, state: 'live' }], 1_000, 1_500)?.code).toBe('BOOK_UNSORTED');
    const sound = book('kraken', 'BTC/USD', [['61990', '1'], ['61980', '1']], [['62000', '1'], ['62010', '1']]);
    expect(bookGate([{ book: sound, state: 'live' }], 1_000, 1_500)).toBeUndefined();
  });

  it('a crossed book is not taken by the cross scanner (it was taken at ~2 % "net")', () => {
    const books = [
      book('coinbase', 'BTC/USD', [['63990', '2']], [['64000', '2']], 1_000),
      book('kraken', 'BTC/USD', [['66000', '2']], [['62000', '2']], 1_100),
    ];
    const { lines, summary } = scan(books, [KR, CB]);
    const buyKraken = lines.find((l) => l.markets[0] === 'kraken:BTC/USD')!;
    expect(buyKraken.rejectedBy).toBe('BOOK_CROSSED');
    expect(summary.accepted).toBe(0);
    expect(summary.taken).toBe(0);
  });

  it('bids listed worst first are not read as if the first were the best', () => {
    const books = [
      book('kraken', 'BTC/USD', [['61990', '2']], [['62000', '2']], 1_000),
      // Worst first: 63000 is read as the best bid though 64000 is there; the sizes, the walk and
      // the IOC limit would all be wrong. `qbot scan --all` evaluates it (the live prefilter may not).
      book('coinbase', 'BTC/USD', [['63000', '2'], ['64000', '2']], [['64010', '2']], 1_100),
    ];
    const { lines, summary } = scan(books, [KR, CB], true);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.rejectedBy).toBe('BOOK_UNSORTED');
    expect(summary.accepted).toBe(0);
  });

  it('a triangle through a crossed book is refused BOOK_CROSSED', () => {
    const tri = ['BTC/USD', 'ETH/USD', 'ETH/BTC'].map((s) => market('kraken', s, { step: '0.0001', fee: '0.001' }));
    const books = [
      book('kraken', 'BTC/USD', [['60000', '5']], [['60010', '5']], 1_000),
      book('kraken', 'ETH/USD', [['3000', '50']], [['3001', '50']], 1_000),
      // bid 0.0505 over ask 0.05: USD -> ETH -> BTC -> USD reads +0.97 % gross on the top of book.
      book('kraken', 'ETH/BTC', [['0.0505', '50']], [['0.05', '50']], 1_100),
    ];
    const { lines, summary } = scan(books, tri, true);
    const triLines = lines.filter((l) => l.strategy === 'triangular');
    expect(triLines.length).toBeGreaterThan(0);
    for (const l of triLines) expect(l.rejectedBy).toBe('BOOK_CROSSED');
    expect(summary.accepted).toBe(0);
  });
});

describe('the replay format refuses crossed and unsorted lines with the line number', () => {
  const line = (bids: string, asks: string) => `{"exchange":"kraken","symbol":"BTC/USD","timestamp":1,"bids":${bids},"asks":${asks}}`;
  it('crossed', () => {
    expect(() => parseReplayLine(line('[["66000","1"]]', '[["62000","1"]]'), 3)).toThrow('line 3: book crossed: bid 66000 >= ask 62000');
  });
  it('unsorted', () => {
    expect(() => parseReplayLine(line('[["61000","1"],["61990","1"]]', '[["62000","1"]]'), 4)).toThrow('line 4: book unsorted: bids level 1 is better than level 0');
  });
  it('the simulator replays the same format and refuses a crossed line too', () => {
    expect(() => parseSnapshotLine(line('[["66000","1"]]', '[["62000","1"]]'), 9)).toThrow('line 9: book crossed: bid 66000 >= ask 62000');
    expect(parseSnapshotLine(line('[["61990","1"]]', '[["62000","1"]]'), 10).bids).toEqual([['61990', '1']]);
  });
  it('a sound line still parses', () => {
    expect(parseReplayLine(line('[["61990","1"]]', '[["62000","1"]]'), 5).bids[0]!.price.toFixed()).toBe('61990');
  });
});

describe('book age by the exchange clock', () => {
  it('estimates the offset as the least delay, ignores spikes and frozen books, and bounds it', () => {
    const e = new ClockOffsetEstimate();
    e.observe(10_050, 10_000); // 50 ms behind
    e.observe(10_400, 10_100); // a 300 ms spike
    e.observe(11_000, 5_000); // a frozen book: its difference grows
    expect(e.offsetMs()).toBe(50);
    const replay = new ClockOffsetEstimate();
    replay.observe(1_700_000_000_000, 1_600_000_000_000); // months old
    expect(replay.offsetMs()).toBe(MAX_CLOCK_OFFSET_MS);
  });

  it('BOOK_EXCHANGE_STALE for an old exchange time with a fresh arrival; no timestamp falls back to arrival', () => {
    const clocks = new VenueClocks();
    const fresh = { ...book('kraken', 'BTC/USD', [['61990', '1']], [['62000', '1']], 100_000), exchangeTimestamp: 99_950 };
    clocks.observe(fresh);
    expect(bookGate([{ book: fresh, state: 'live' }], 100_000, 1_500, clocks)).toBeUndefined();
    const frozen = { ...fresh, receivedAt: 104_000, exchangeTimestamp: 99_950 };
    clocks.observe(frozen);
    expect(bookGate([{ book: frozen, state: 'live' }], 104_000, 1_500, clocks)?.message)
      .toBe('BOOK_EXCHANGE_STALE: market=kraken:BTC/USD exchangeAgeMs=4000 maxAgeMs=1500 clockOffsetMs=50');
    const unstamped = book('coinbase', 'BTC/USD', [['61990', '1']], [['62000', '1']], 104_000);
    expect(bookGate([{ book: unstamped, state: 'live' }], 104_000, 1_500, clocks)).toBeUndefined();
  });

  it('a frozen venue (fresh arrivals, exchange time stuck) is not traded by the hot path', () => {
    const kr = (at: number, exTs: number, bid: string, ask: string): OrderBook => ({ ...book('kraken', 'BTC/USD', [[bid, '2']], [[ask, '2']], at), exchangeTimestamp: exTs });
    const books = [
      book('coinbase', 'BTC/USD', [['61990', '2']], [['62000', '2']], 1_000),
      kr(1_020, 1_000, '61990', '62000'),
      kr(2_020, 2_000, '61990', '62000'),
      // The venue keeps sending, but its clock says the data is from t=2000.
      kr(6_020, 2_000, '61990', '62000'),
      // A dislocation on Coinbase: sell there at 63000, buy on the frozen Kraken at 62000.
      book('coinbase', 'BTC/USD', [['63000', '2']], [['63010', '2']], 6_100),
    ];
    const { lines, summary } = scan(books, [KR, CB]);
    const last = lines.filter((l) => l.time === new Date(6_100).toISOString() || l.markets.includes('kraken:BTC/USD'));
    expect(last.some((l) => l.rejectedBy === 'BOOK_EXCHANGE_STALE')).toBe(true);
    expect(summary.accepted).toBe(0);
  });

  it('a replay of an old recording is not live, whatever the arrival', () => {
    const old = Date.parse('2024-03-01T00:00:00Z');
    const now = Date.parse('2024-09-01T00:00:00Z');
    const books = [
      book('coinbase', 'BTC/USD', [['63000', '2']], [['63010', '2']], now),
      { ...book('kraken', 'BTC/USD', [['61990', '2']], [['62000', '2']], now + 10), exchangeTimestamp: old },
    ];
    const { lines, summary } = scan(books, [KR, CB]);
    expect(lines.map((l) => l.rejectedBy)).toContain('BOOK_EXCHANGE_STALE');
    expect(summary.accepted).toBe(0);
  });
});

describe('feed health at the adapter edge judges data age by the exchange clock too', () => {
  it('a connected feed delivering old data is stale, not live; a venue without timestamps falls back to arrival', () => {
    const states = new FeedStates('kraken', 3_000);
    states.ensure('BTC/USD');
    const at = (receivedAt: number, exchangeTimestamp?: number): OrderBook => ({
      ...book('kraken', 'BTC/USD', [['61990', '1']], [['62000', '1']], receivedAt), ...(exchangeTimestamp === undefined ? {} : { exchangeTimestamp }),
    });
    states.update(at(100_040, 100_000));
    expect(states.health(100_040)[0]).toMatchObject({ state: 'live', ageMs: 0 });
    // Arrives now, but the venue says the data is 10 s old (offset 40 ms): stale, and aged so.
    states.update(at(110_040, 100_000));
    expect(states.health(110_040)[0]).toMatchObject({ state: 'stale', ageMs: 10_000 });
    states.update(at(110_100, 110_060));
    expect(states.health(110_100)[0]!.state).toBe('live');
    states.update(at(111_000));
    expect(states.health(111_000)[0]).toMatchObject({ state: 'live', ageMs: 0 });
  });
});
