import ccxt from 'ccxt';
import { BookCopier } from '../../adapters/exchanges/book-copier';
import { mapCcxtError } from '../../adapters/exchanges/errors';
import { BudgetExhausted, RateBudget } from '../../adapters/exchanges/rate-budget';
import { uuidFromKey } from '../../adapters/exchanges/venues/coinbase';
import { quirksFor } from '../../adapters/exchanges/venues';
import { loadConfig } from '../../config/loader';

describe('per-venue rate budget', () => {
  const cfg = { restRequestsPerMinute: 600, wsSubscriptionsPerSecond: 2, backoff429Ms: 1000, backoff418Ms: 60_000, maxBackoffMs: 300_000 };

  it('doubles the backoff on repeated 429s, bans much longer on 418, and starts over after a success', () => {
    let t = 1_000_000;
    const b = new RateBudget(cfg, () => t);
    expect(b.penalize(429)).toBe(1000);
    expect(b.penalize(429)).toBe(2000);
    expect(b.health()).toMatchObject({ rateLimited: true, backoffUntil: t + 2000, hits429: 2 });
    expect(b.penalize(418)).toBe(240_000);
    t += 240_001;
    b.succeeded();
    expect(b.health().rateLimited).toBe(false);
    expect(b.penalize(429)).toBe(1000);
  });

  it('refuses at once when the wait exceeds what the caller accepts, and waits when it does not', async () => {
    const b = new RateBudget({ ...cfg, backoff429Ms: 150 });
    b.penalize(429);
    await expect(b.acquire('rest', { maxWaitMs: 0 })).rejects.toBeInstanceOf(BudgetExhausted);
    const t0 = Date.now();
    await b.acquire('rest', { maxWaitMs: 1000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('paces WebSocket subscriptions to the configured rate', async () => {
    const b = new RateBudget(cfg);
    const t0 = Date.now();
    for (let i = 0; i < 3; i += 1) await b.acquire('ws');
    // Two per second with a burst of two: the third waits about half a second.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });
});

describe('ccxt errors as typed rejections', () => {
  it('never calls a network failure during an order send retryable: its outcome is unknown', () => {
    expect(mapCcxtError(new ccxt.RequestTimeout('timed out'), 'order')).toMatchObject({ code: 'UNKNOWN_OUTCOME', retryable: false });
    expect(mapCcxtError(new ccxt.ExchangeNotAvailable('502'), 'withdrawal')).toMatchObject({ code: 'UNKNOWN_OUTCOME', retryable: false });
    expect(mapCcxtError(new ccxt.RequestTimeout('timed out'), 'read')).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retryable: true });
  });

  it('maps business failures to stable codes', () => {
    expect(mapCcxtError(new ccxt.InsufficientFunds('x'), 'order')).toMatchObject({ code: 'INSUFFICIENT_FUNDS', retryable: false });
    expect(mapCcxtError(new ccxt.DuplicateOrderId('x'), 'order').code).toBe('DUPLICATE_CLIENT_ID');
    expect(mapCcxtError(new ccxt.InvalidOrder('x'), 'order').code).toBe('INVALID_ORDER');
    expect(mapCcxtError(new ccxt.AuthenticationError('x'), 'read').code).toBe('AUTH_FAILED');
    expect(mapCcxtError(new ccxt.RateLimitExceeded('x'), 'order')).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(mapCcxtError(new ccxt.ExchangeError('x'), 'order').code).toBe('EXCHANGE_REJECTED');
  });
});

describe('venue quirks', () => {
  const env = loadConfig({ env: { LOG_LEVEL: 'silent' } }).env;

  it('asks Kraken only for the book depths it accepts', () => {
    const k = quirksFor('kraken', env);
    expect([1, 10, 11, 26, 101, 600, 5000].map((d) => k.bookLimit(d))).toEqual([10, 10, 25, 100, 500, 1000, 1000]);
  });

  it('points Binance.US at its own hosts for the private WebSocket', () => {
    const us = quirksFor('binance', { ...env, BINANCE_VARIANT: 'binanceus' });
    expect(us.ccxtId).toBe('binanceus');
    expect(JSON.stringify(us.defaultUrls())).toContain('binance.us');
    expect(quirksFor('binance', env).ccxtId).toBe('binance');
  });

  it('needs a configured Kraken withdrawal key name for the asset and network', () => {
    const req = { asset: 'USDT', network: 'TRC20', amount: undefined as never, address: 'T123', idempotencyKey: 'k' };
    expect(quirksFor('kraken', env).withdrawParams(req, 'TRX', env)).toMatchObject({ status: 'rejected', code: 'ADDRESS_NOT_ALLOWED' });
    const withKey = { ...env, KRAKEN_WITHDRAWAL_KEYS: { 'USDT:TRC20': 'my tron wallet' } };
    expect(quirksFor('kraken', withKey).withdrawParams(req, 'TRX', withKey)).toEqual({ key: 'my tron wallet', network: 'TRX' });
  });

  it('derives the same Coinbase idem token from the same key, and a different one otherwise', () => {
    expect(uuidFromKey('a')).toBe(uuidFromKey('a'));
    expect(uuidFromKey('a')).not.toBe(uuidFromKey('b'));
    expect(uuidFromKey('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('book copies', () => {
  it('are exact Decimal copies of each state of a mutating ccxt book, however levels change between copies', () => {
    const copier = new BookCopier('binance', 3);
    const raw = { bids: [[64000.01, 0.1], [64000, 0.2], [63999.99, 0.3], [63999.98, 9]], asks: [[64000.02, 0.15], [64000.03, 1e-8]], nonce: 5 };
    const first = copier.copy('BTC/USDT', raw, 100);
    raw.bids[0]![1] = 0.30000000000000004;
    raw.bids.splice(1, 1);
    raw.asks[1]![0] = 0.1;
    const second = copier.copy('BTC/USDT', raw, 200);
    const show = (b: typeof first) => [b.bids.map((l) => [l.price.toFixed(), l.amount.toFixed()]), b.asks.map((l) => [l.price.toFixed(), l.amount.toFixed()])];
    expect(show(first)).toEqual([[['64000.01', '0.1'], ['64000', '0.2'], ['63999.99', '0.3']], [['64000.02', '0.15'], ['64000.03', '0.00000001']]]);
    expect(show(second)).toEqual([[['64000.01', '0.30000000000000004'], ['63999.99', '0.3'], ['63999.98', '9']], [['64000.02', '0.15'], ['0.1', '0.00000001']]]);
    expect(first.sequence).toBe(5);
    expect(second.receivedAt).toBe(200);
  });
});
