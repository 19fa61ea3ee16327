import { Decimal } from '../../domain/money/decimal';
import { reject } from '../../domain/arbitrage';

/**
 * A scan rejects hundreds of candidates that nobody logs: their figures and message are built
 * only when something reads them (a log line, the ledger, a test), and read the same as before.
 */
describe('gate rejections', () => {
  it('reads code, figures and message exactly as before', () => {
    const r = reject('NET_BELOW_THRESHOLD', { net: '-0.6998%', threshold: '0.50%', netProfit: new Decimal('-7.50790071072'), levels: 3 });
    expect(r.code).toBe('NET_BELOW_THRESHOLD');
    expect(r.figures).toEqual({ net: '-0.6998%', threshold: '0.50%', netProfit: '-7.50790071072', levels: '3' });
    expect(r.message).toBe('NET_BELOW_THRESHOLD: net=-0.6998% threshold=0.50% netProfit=-7.50790071072 levels=3');
    expect(reject('PAUSED').message).toBe('PAUSED');
    // JSON (logs, the ledger, /status) sees the same values as plain fields, in this order.
    expect(JSON.stringify(r)).toBe(JSON.stringify({ code: r.code, figures: r.figures, message: r.message }));
  });

  it('formats its figures only when they are read', () => {
    // formatDecimal refuses a non-finite figure: building the rejection must not format anything.
    const r = reject('DEPTH_INSUFFICIENT', { visible: new Decimal(NaN) });
    expect(r.code).toBe('DEPTH_INSUFFICIENT');
    expect(() => r.message).toThrow(/non-finite/);
  });

  it('builds the text once and hands the same strings on every read', () => {
    const r = reject('BOOK_STALE', { market: 'binance:BTC/USDC', ageMs: 10948, maxAgeMs: 1500 });
    expect(r.message).toBe('BOOK_STALE: market=binance:BTC/USDC ageMs=10948 maxAgeMs=1500');
    expect(r.figures).toBe(r.figures);
  });
});
