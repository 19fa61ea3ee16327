import type { IncomingMessage } from 'node:http';
import { alertBodySchema, alertIdOf, toMacroAlert } from '../../signals/webhook/alert';
import { clientAddress, normaliseAddress, passphraseMatches, RateLimiter, sourceAllowed, TRADINGVIEW_SOURCE_ADDRESSES } from '../../signals/webhook/security';

const req = (remoteAddress: string, xff?: string) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('webhook security helpers', () => {
  it('compares passphrases exactly, whatever their length or type', () => {
    expect(passphraseMatches('s3cret-passphrase', 's3cret-passphrase')).toBe(true);
    expect(passphraseMatches('s3cret-passphrasE', 's3cret-passphrase')).toBe(false);
    expect(passphraseMatches('s3cret', 's3cret-passphrase')).toBe(false);
    expect(passphraseMatches('', 's3cret-passphrase')).toBe(false);
    expect(passphraseMatches(undefined, 's3cret-passphrase')).toBe(false);
    expect(passphraseMatches(123, '123')).toBe(false);
  });

  it('takes the socket address unless a trusted proxy appended the client', () => {
    expect(normaliseAddress('::ffff:52.89.214.238')).toBe('52.89.214.238');
    expect(normaliseAddress('::1')).toBe('::1');
    expect(clientAddress(req('::ffff:127.0.0.1', '52.89.214.238'), false)).toBe('127.0.0.1');
    expect(clientAddress(req('127.0.0.1', '6.6.6.6, 52.89.214.238'), true)).toBe('52.89.214.238');
    expect(clientAddress(req('127.0.0.1'), true)).toBe('127.0.0.1');
  });

  it('an empty allow-list admits all; TradingView\'s four addresses are the documented public list', () => {
    expect(sourceAllowed('1.2.3.4', [])).toBe(true);
    expect(TRADINGVIEW_SOURCE_ADDRESSES).toEqual(['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7']);
    expect(sourceAllowed('34.212.75.30', TRADINGVIEW_SOURCE_ADDRESSES)).toBe(true);
    expect(sourceAllowed('34.212.75.31', TRADINGVIEW_SOURCE_ADDRESSES)).toBe(false);
  });

  it('rate-limits per source in one-minute windows and stays bounded', () => {
    let t = 1_000_000;
    const limiter = new RateLimiter(2, () => t, 3);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('b')]).toEqual([true, true, false, true]);
    t += 59_999;
    expect(limiter.take('a')).toBe(false);
    t += 1;
    expect(limiter.take('a')).toBe(true);
    for (const s of ['c', 'd', 'e', 'f']) limiter.take(s);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(3);
  });
});

describe('alert body', () => {
  const schema = alertBodySchema(['BTC', 'SOL']);
  const base = { passphrase: 'p', kind: 'macro', action: 'BTC', time: '2026-11-24T10:00:00Z' };

  it('accepts the documented templates and upper-cases the A-bot ticker', () => {
    expect(schema.safeParse(base).success).toBe(true);
    const abot = schema.parse({ passphrase: 'p', kind: 'abot', action: 'sell', ticker: 'sol', time: '2026-11-24T10:00:00+01:00', id: 'x-1' });
    expect(abot).toMatchObject({ kind: 'abot', ticker: 'SOL', id: 'x-1' });
  });

  it('refuses unknown kinds, mismatched actions, unknown tickers, bad times and extra keys with readable messages', () => {
    const msg = (body: object) => {
      const r = schema.safeParse(body);
      return r.success ? 'accepted' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(msg({ ...base, kind: 'moon' })).toBe('kind must be "macro" or "abot"');
    expect(msg({ ...base, action: 'buy' })).toContain('"BTC" or "GOLD"');
    expect(msg({ ...base, kind: 'abot', action: 'buy', ticker: 'DOGE' })).toContain('abotUniverse');
    expect(msg({ ...base, time: '{{timenow}}' })).toContain('ISO-8601');
    expect(msg({ ...base, extra: 1 })).toMatch(/unrecognized/i);
    expect(msg({ ...base, id: 'has space' })).toContain('id may contain');
  });

  it('derives a stable id from kind, action, ticker and time when none is given', () => {
    const a = alertIdOf({ kind: 'macro', action: 'BTC', time: '2026-11-24T10:00:00Z' });
    expect(a).toBe(alertIdOf({ kind: 'macro', action: 'BTC', time: '2026-11-24T10:00:00Z' }));
    expect(a).not.toBe(alertIdOf({ kind: 'macro', action: 'GOLD', time: '2026-11-24T10:00:00Z' }));
    expect(a).not.toBe(alertIdOf({ kind: 'macro', action: 'BTC', time: '2026-11-24T10:00:01Z' }));
    expect(alertIdOf({ kind: 'abot', action: 'buy', ticker: 'SOL', time: 't' })).not.toBe(alertIdOf({ kind: 'abot', action: 'buy', ticker: 'ETH', time: 't' }));
    expect(alertIdOf({ kind: 'macro', action: 'BTC', time: 't', id: 'mine' })).toBe('mine');
    expect(toMacroAlert(schema.parse(base) as never)).toEqual({ mode: 'BTC', alertId: a, firedAt: base.time, source: 'tradingview', reason: 'TradingView macro: buy BTC / sell PAXG' });
  });
});
