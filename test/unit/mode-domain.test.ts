import { describeVerdict, flipTransitions, judgeAlert, keepLast, rememberAlert, botStates } from '../../domain/mode';

const BTC = { qbot: '85', abot: '15', gbot: '0' };
const GOLD = { qbot: '15', abot: '0', gbot: '85' };

describe('mode decisions', () => {
  const book = { seenAlertIds: ['a'], lastAlertAt: '2026-11-24T10:00:00Z' };

  it('judges duplicates first, then the mode, the time and the order', () => {
    expect(judgeAlert(book, 'GOLD', { mode: 'BTC', alertId: 'a', firedAt: '2026-11-24T09:00:00Z' }).kind).toBe('duplicate');
    expect(judgeAlert(book, 'GOLD', { mode: 'btc', alertId: 'b', firedAt: '2026-11-24T11:00:00Z' })).toEqual({ kind: 'unknown-mode', given: 'btc' });
    expect(judgeAlert(book, 'GOLD', { mode: 'BTC', alertId: 'b', firedAt: 'soon' }).kind).toBe('bad-time');
    expect(judgeAlert(book, 'GOLD', { mode: 'BTC', alertId: 'b', firedAt: '2026-11-24T09:59:59Z' }).kind).toBe('out-of-order');
    // The same second is accepted in arrival order.
    expect(judgeAlert(book, 'GOLD', { mode: 'BTC', alertId: 'b', firedAt: '2026-11-24T10:00:00Z' })).toEqual({ kind: 'flip', to: 'BTC' });
    expect(judgeAlert(book, 'BTC', { mode: 'BTC', alertId: 'b', firedAt: '2026-11-24T10:00:00Z' })).toEqual({ kind: 'same-mode', mode: 'BTC' });
    expect(judgeAlert({ seenAlertIds: [], lastAlertAt: null }, 'GOLD', { mode: 'BTC', alertId: 'x', firedAt: '2000-01-01T00:00:00Z' }).kind).toBe('flip');
    expect(judgeAlert(book, 'GOLD', { mode: 'BTC', alertId: undefined as unknown as string, firedAt: '2026-11-24T11:00:00Z' }).kind).toBe('malformed');
    expect(describeVerdict({ kind: 'out-of-order', firedAt: 'T1', lastAlertAt: 'T2' })).toBe('alert fired at T1 is older than the last applied alert (T2)');
  });

  it('remembers a bounded set of ids and never moves the alert clock backwards', () => {
    let b = { seenAlertIds: [] as string[], lastAlertAt: null as string | null };
    for (let i = 0; i < 5; i += 1) b = rememberAlert(b, `id-${i}`, `2026-11-24T10:0${i}:00Z`, 3);
    expect(b).toEqual({ seenAlertIds: ['id-2', 'id-3', 'id-4'], lastAlertAt: '2026-11-24T10:04:00Z' });
    expect(rememberAlert(b, 'id-5', '2026-11-24T09:00:00Z', 3).lastAlertAt).toBe('2026-11-24T10:04:00Z');
    expect(keepLast([1, 2, 3, 4], 2)).toEqual([3, 4]);
    expect(keepLast([1], 5)).toEqual([1]);
  });

  it('orders bot transitions: stops, then resizes, then starts', () => {
    expect(flipTransitions(GOLD, BTC)).toEqual([
      { bot: 'gbot', state: 'inactive', percent: '0' },
      { bot: 'qbot', state: 'active', percent: '85' },
      { bot: 'abot', state: 'active', percent: '15' },
    ]);
    expect(flipTransitions(BTC, GOLD).map((t) => `${t.bot}:${t.state}`)).toEqual(['abot:inactive', 'qbot:active', 'gbot:active']);
    expect(flipTransitions(BTC, { ...BTC, qbot: '85.0' })).toEqual([]);
    expect(botStates(GOLD)).toEqual({ qbot: 'active', abot: 'inactive', gbot: 'active' });
  });
});
