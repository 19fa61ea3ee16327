import { ONE } from '../../domain/money/decimal';
import {
  bookGate, clampedThresholdSource, cycleTimeGate, cycleTimeMs, evaluateCross, feesFromMarkets, isHighRange, killSwitchGate,
  lockGate, newBucket, newKillSwitch, recordAttempt, recordRecovery, resetKillSwitch, takeTokens, type CrossInput,
} from '../../domain/arbitrage';
import { book, d, market, mb } from './arbitrage-fixtures';

const A = market('kraken', 'BTC/USD', { step: '0.0001', fee: '0.001', minNotional: '1', minAmount: '0.0001' });
const B = market('coinbase', 'BTC/USD', { step: '0.0001', fee: '0.001', minNotional: '1', minAmount: '0.0001' });
const good = {
  buy: mb(A, [['99000', '10']], [['100000', '10']]),
  sell: mb(B, [['102000', '10']], [['103000', '10']]),
};
const params = { thresholdPercent: d('0.5'), depthLevels: 5, depthMultiple: d('2.5'), rebalanceCostPercent: d('0.02'), minTradeUsd: d('20') };
function cross(over: Partial<CrossInput> = {}) {
  return evaluateCross({
    ...good, buyQuoteFree: d('5000'), sellBaseFree: d('1'), capitalUsd: d('1000'), usdPerBuyQuote: ONE,
    fee: feesFromMarkets([A, B]), convert: (x) => ({ from: 'USD', to: 'USD', amountIn: x, amountOut: x, amountOutBeforeFee: x, via: 'same' }),
    depegged: new Map(), params, ...over,
  });
}

describe('cross gates, each with its code and figures', () => {
  it('passes the good case (the baseline the others break)', () => {
    const ev = cross();
    expect(ev.rejection).toBeUndefined();
    expect(ev.size.toFixed()).toBe('0.0099');
  });
  it('NO_CAPITAL', () => expect(cross({ capitalUsd: d('0') }).rejection?.message).toBe('NO_CAPITAL: capitalUsd=0'));
  it('INSUFFICIENT_BALANCE when the sell venue holds no base', () => {
    const r = cross({ sellBaseFree: d('0') }).rejection!;
    expect(r.code).toBe('INSUFFICIENT_BALANCE');
    expect(r.figures.binding).toBe('sell-balance');
  });
  it('INSUFFICIENT_BALANCE when the buy quote runs short of the minimum trade', () => {
    const r = cross({ buyQuoteFree: d('15') }).rejection!;
    expect(r.code).toBe('INSUFFICIENT_BALANCE');
    expect(r.figures.binding).toBe('buy-balance');
  });
  it('DEPTH_INSUFFICIENT when the top levels are thin', () => {
    const thin = mb(B, [['102000', '0.0003']], [['103000', '10']]);
    const r = cross({ sell: thin }).rejection!;
    expect(r.code).toBe('DEPTH_INSUFFICIENT');
    // 0.0003 / 2.5 = 0.00012 -> 0.0001 on the step: 10 USD, below the 20 USD minimum trade
    expect(r.figures).toMatchObject({ depthSell: '0.0003', multiple: '2.5', binding: 'depth', size: '0.0001' });
  });
  it('BELOW_MIN_AMOUNT', () => {
    const big = market('kraken', 'BTC/USD', { step: '0.0001', minAmount: '0.5' });
    expect(cross({ buy: mb(big, [['99000', '10']], [['100000', '10']]), fee: feesFromMarkets([big, B]) }).rejection?.message)
      .toBe('BELOW_MIN_AMOUNT: size=0.0099 minAmount=0.5');
  });
  it('BELOW_MIN_NOTIONAL', () => {
    const m = market('coinbase', 'BTC/USD', { step: '0.0001', minNotional: '5000' });
    expect(cross({ sell: mb(m, [['102000', '10']], [['103000', '10']]), fee: feesFromMarkets([A, m]) }).rejection?.code).toBe('BELOW_MIN_NOTIONAL');
  });
  it('BELOW_MIN_TRADE when the capital share is smaller than the minimum trade', () => {
    expect(cross({ capitalUsd: d('15') }).rejection?.code).toBe('BELOW_MIN_TRADE');
  });
  it('NET_BELOW_THRESHOLD with the net and the threshold in the message', () => {
    const r = cross({ params: { ...params, thresholdPercent: d('2') } }).rejection!;
    // gross 2 %, fees 0.1 % + 0.102 %, rebalance 0.02 % -> net 1.778 %
    expect(r.message).toMatch(/^NET_BELOW_THRESHOLD: net=1\.7780% threshold=2\.00% gross=2\.0000% netProfit=/);
  });
});

describe('runtime gates', () => {
  const fresh = book('kraken', 'BTC/USD', [['1', '1']], [['2', '1']], 10_000);
  it('FEED_NOT_LIVE, BOOK_STALE, BOOK_EMPTY', () => {
    expect(bookGate([{ book: fresh, state: 'reconnecting' }], 10_100, 1500)?.message).toBe('FEED_NOT_LIVE: market=kraken:BTC/USD state=reconnecting');
    expect(bookGate([{ book: fresh, state: 'live' }], 11_501, 1500)?.message).toBe('BOOK_STALE: market=kraken:BTC/USD ageMs=1501 maxAgeMs=1500');
    expect(bookGate([{ book: fresh, state: 'live' }], 11_500, 1500)).toBeUndefined();
    const oneSided = book('kraken', 'BTC/USD', [], [['2', '1']], 10_000);
    expect(bookGate([{ book: oneSided, state: 'live' }], 10_000, 1500)?.code).toBe('BOOK_EMPTY');
  });
  it('CYCLE_TIME: cross 10 s, doubled on a high range, scaled by the latency profile', () => {
    expect(cycleTimeMs({ baseMs: 10_000, latencyMultiplier: ONE, slowdownFactor: 2 }, false)).toBe(10_000);
    expect(cycleTimeMs({ baseMs: 30_000, latencyMultiplier: ONE, slowdownFactor: 2 }, true)).toBe(60_000);
    expect(cycleTimeMs({ baseMs: 10_000, latencyMultiplier: d('1.5'), slowdownFactor: 2 }, true)).toBe(30_000);
    expect(isHighRange(d('3000'), d('2000'), d('1.5'))).toBe(true);
    expect(isHighRange(d('2999'), d('2000'), d('1.5'))).toBe(false);
    expect(cycleTimeGate(100_000, 109_999, 10_000)?.message).toBe('CYCLE_TIME: sinceLastMs=9999 cycleMs=10000 waitMs=1');
    expect(cycleTimeGate(100_000, 110_000, 10_000)).toBeUndefined();
  });
  it('RATE_BUDGET: a bucket refills per minute and refuses when empty', () => {
    let b = newBucket(60, 0);
    for (let k = 0; k < 30; k += 1) {
      const r = takeTokens(b, 60, 2, 0, 'kraken');
      expect(r.ok).toBe(true);
      b = r.bucket;
    }
    const no = takeTokens(b, 60, 2, 999, 'kraken');
    expect(no.ok).toBe(false);
    if (!no.ok) expect(no.rejection.message).toBe('RATE_BUDGET: exchange=kraken available=1.00 needed=2 perMinute=60');
    expect(takeTokens(b, 60, 2, 2000, 'kraken').ok).toBe(true);
  });
  it('ASSET_LOCKED while an attempt holds the coins', () => {
    expect(lockGate(['kraken:USD', 'coinbase:BTC'], new Set(['coinbase:BTC']))?.message).toBe('ASSET_LOCKED: asset=coinbase:BTC');
  });
  it('the context never moves the threshold outside 0.4-1 %', () => {
    const src = clampedThresholdSource({ current: () => ({ thresholdPercent: d('0.2'), depthMultiple: d('9'), highVolatility: true, reason: 'test' }) },
      { baseline: d('0.5'), min: d('0.4'), max: d('1') }, { minMultiple: d('2.5'), maxMultiple: d('5'), defaultMultiple: d('2.5') });
    const c = src.current('cross');
    expect([c.thresholdPercent.toFixed(), c.depthMultiple.toFixed()]).toEqual(['0.4', '5']);
  });
});

describe('kill switch', () => {
  const p = { maxDailyLossUsd: d('90'), maxConsecutiveFailures: 3 };
  it('trips on the day loss and names it', () => {
    let s = newKillSwitch(0);
    s = recordAttempt(s, p, { ok: true, pnlUsd: d('-50') }, 1000);
    expect(killSwitchGate(s)).toBeUndefined();
    s = recordAttempt(s, p, { ok: true, pnlUsd: d('-40') }, 2000);
    expect(killSwitchGate(s)?.message).toBe('KILL_SWITCH: cause=daily loss lossUsd=90 limitUsd=90');
  });
  it('counts the loss per UTC day', () => {
    let s = recordAttempt(newKillSwitch(0), p, { ok: true, pnlUsd: d('-80') }, 1000);
    s = recordAttempt(s, p, { ok: true, pnlUsd: d('-80') }, 86_400_000 + 5);
    expect(killSwitchGate(s)).toBeUndefined();
    expect(s.pnlUsd.toFixed()).toBe('-80');
  });
  it('trips on a run of failures, a success resets the run, an operator resume clears it', () => {
    let s = newKillSwitch(0);
    s = recordAttempt(s, p, { ok: false, pnlUsd: d('0') }, 1);
    s = recordAttempt(s, p, { ok: false, pnlUsd: d('0') }, 2);
    s = recordAttempt(s, p, { ok: true, pnlUsd: d('1') }, 3);
    s = recordAttempt(s, p, { ok: false, pnlUsd: d('0') }, 4);
    s = recordAttempt(s, p, { ok: false, pnlUsd: d('0') }, 5);
    expect(killSwitchGate(s)).toBeUndefined();
    s = recordAttempt(s, p, { ok: false, pnlUsd: d('0') }, 6);
    expect(killSwitchGate(s)?.message).toBe('KILL_SWITCH: cause=consecutive failures failures=3 limit=3');
    expect(killSwitchGate(resetKillSwitch(s))).toBeUndefined();
  });
  it('a recovered cut trade counts as a failure only when it left exposure or lost money, once, and always adds its PnL', () => {
    let s = recordAttempt(newKillSwitch(0), p, { ok: false, pnlUsd: d('0') }, 1);
    // Closed without a loss: not a failure, and not a success either (the run stays as it was).
    s = recordRecovery(s, p, { pnlUsd: d('2.5'), leftOpen: false }, 2);
    expect([s.consecutiveFailures, s.pnlUsd.toFixed()]).toEqual([1, '2.5']);
    // Closed at a loss: a failure.
    s = recordRecovery(s, p, { pnlUsd: d('-1'), leftOpen: false }, 3);
    expect([s.consecutiveFailures, s.pnlUsd.toFixed()]).toEqual([2, '1.5']);
    // Held open (exposure left): a failure, which trips the run of three.
    s = recordRecovery(s, p, { pnlUsd: d('0'), leftOpen: true }, 4);
    expect(killSwitchGate(s)?.message).toBe('KILL_SWITCH: cause=consecutive failures failures=3 limit=3');
    // The same trade closed later at a loss: its PnL counts, its failure was counted when it was held.
    const t = recordRecovery(resetKillSwitch(s), p, { pnlUsd: d('-3'), leftOpen: false, countedOpen: true }, 5);
    expect([t.consecutiveFailures, t.pnlUsd.toFixed()]).toEqual([0, '-1.5']);
    // A recovery's loss counts towards the day's limit like any other.
    expect(killSwitchGate(recordRecovery(newKillSwitch(0), p, { pnlUsd: d('-95'), leftOpen: false }, 6))?.message).toBe('KILL_SWITCH: cause=daily loss lossUsd=95 limitUsd=90');
  });
});
