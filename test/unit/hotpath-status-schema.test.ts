import { Decimal } from '../../domain/money/decimal';
import { hotpathStatusSchema, parseHotpathStatus, type HotpathStatusWire } from '../../hotpath/status-schema';

/** A status as a hot path sends it (every money figure a decimal string). */
function wire(): HotpathStatusWire {
  return {
    version: 1,
    at: '2026-01-01T00:00:00.000Z',
    instance: 'host:123',
    controlQueue: 'hotpath-host-123',
    control: {
      mode: 'BTC', allocationPercent: { qbot: '85', abot: '15', gbot: '0' }, paused: false, pausedReason: null,
      lastFlipId: 'flip-1', allocationsApplied: 1, updatedAt: '2026-01-01T00:00:00.000Z', killSwitch: null,
    },
    killSwitch: null,
    counters: { books: 10, prefiltered: 4, evaluated: 6 },
    balances: [{ exchange: 'binance', asset: 'USDT', amount: '1000.00000001', usdPrice: '0.9998' }, { exchange: 'kraken', asset: 'XYZ', amount: '3', usdPrice: null }],
    feeds: [{ exchange: 'binance', live: 3, total: 3, worstAgeMs: 120, reconnects: 0, rateLimit: { restTokens: 9.5, hits429: 0, hits418: 0, rateLimited: false, backoffUntil: null } }],
    contexts: [{ market: 'binance:BTC/USDT', level: 'careful', thresholdPercent: '0.8', depthMultiple: '4', reasons: ['daily range 2.3x average'] }],
    opportunities: [{
      route: 'binance:BTC/USDT → kraken:BTC/USD', strategy: 'cross', markets: ['binance:BTC/USDT', 'kraken:BTC/USD'], size: '0.0012', sizeAsset: 'BTC',
      netProfit: '-0.41', netProfitAsset: 'USDT', netPercent: '-0.35', thresholdPercent: '0.5', verdict: 'BELOW_THRESHOLD: net -0.35 % < 0.5 %', seenAt: 1767225600000,
    }],
    decisions: [{ at: 1767225600000, route: 'binance ETH/BTC/USDT', netPercent: '0.61', outcome: 'held', reason: 'PAUSED: paused' }],
  };
}

test('a status from the hot path parses into Decimals, exactly', () => {
  const r = parseHotpathStatus(JSON.parse(JSON.stringify(wire())));
  if (!r.ok) throw new Error(r.reason);
  const b = r.status.balances[0]!;
  expect(b.amount).toBeInstanceOf(Decimal);
  expect(b.amount.eq('1000.00000001')).toBe(true);
  expect(b.usdPrice?.eq('0.9998')).toBe(true);
  expect(r.status.control.allocationPercent?.qbot.eq(85)).toBe(true);
  expect(r.status.opportunities[0]!.netProfit.eq('-0.41')).toBe(true);
  expect(r.status.balances[1]!.usdPrice).toBeNull();
});

test('money as a JSON number is refused, naming the field', () => {
  const bad = JSON.parse(JSON.stringify(wire())) as { balances: Array<Record<string, unknown>> };
  bad.balances[0]!.amount = 1000.00000001;
  const r = parseHotpathStatus(bad);
  expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^not a hot path status: balances\.0\.amount: /) as unknown });
});

test.each([
  ['an exponent', (w: HotpathStatusWire) => ({ ...w, balances: [{ ...w.balances[0]!, amount: '1e3' }] }), /balances\.0\.amount: malformed decimal/],
  ['an unknown field', (w: HotpathStatusWire) => ({ ...w, secret: 'x' }), /\(root\): Unrecognized key/],
  ['another version', (w: HotpathStatusWire) => ({ ...w, version: 2 }), /version/],
  ['a split outside 0-100', (w: HotpathStatusWire) => ({ ...w, control: { ...w.control, allocationPercent: { qbot: '185', abot: '15', gbot: '0' } } }), /control\.allocationPercent\.qbot: must be a percentage/],
  ['a negative count', (w: HotpathStatusWire) => ({ ...w, counters: { ...w.counters, books: -1 } }), /counters\.books/],
  ['a time that is not ISO', (w: HotpathStatusWire) => ({ ...w, at: 'yesterday' }), /^not a hot path status: at: /],
])('%s is refused with its reason', (_what, change, reason) => {
  const r = parseHotpathStatus(JSON.parse(JSON.stringify(change(wire()))));
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.reason).toMatch(reason);
});

test('the wire form is what the schema accepts (producer and consumer share it)', () => {
  expect(() => hotpathStatusSchema.parse(wire())).not.toThrow();
  expect(parseHotpathStatus('not an object')).toMatchObject({ ok: false });
});
