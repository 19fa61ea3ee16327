import { describeVerdict, judgeAlert, MAX_ALERT_SKEW_MS, rememberAlert, type AlertBook } from '../../domain/mode';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const book = (lastAlertAt: string | null): AlertBook => ({ seenAlertIds: [], lastAlertAt });
const a = (firedAt: string, alertId = 'x') => ({ mode: 'BTC', alertId, firedAt });

describe('the alert clock: future times and the operator', () => {
  it('refuses an alert beyond the skew ahead of the caller clock, accepts one within it', () => {
    const v = judgeAlert(book(null), 'GOLD', a('2099-01-01T00:00:00Z'), { nowMs: NOW });
    expect(v).toEqual({ kind: 'from-future', firedAt: '2099-01-01T00:00:00Z', now: '2026-11-30T12:00:00.000Z' });
    expect(describeVerdict(v)).toMatch(/in the future/);
    expect(judgeAlert(book(null), 'GOLD', a(new Date(NOW + MAX_ALERT_SKEW_MS).toISOString()), { nowMs: NOW })).toEqual({ kind: 'flip', to: 'BTC' });
    expect(judgeAlert(book(null), 'GOLD', a(new Date(NOW + MAX_ALERT_SKEW_MS + 1).toISOString()), { nowMs: NOW }).kind).toBe('from-future');
    // without a clock (histories from before the guard) the old judgement stands
    expect(judgeAlert(book(null), 'GOLD', a('2099-01-01T00:00:00Z')).kind).toBe('flip');
  });

  it('an operator request is not bound by a last alert time ahead of it, and resets that time', () => {
    const poisoned = book('2099-01-01T00:00:00Z');
    const stamp = new Date(NOW).toISOString();
    expect(judgeAlert(poisoned, 'GOLD', a(stamp), { nowMs: NOW }).kind).toBe('out-of-order');
    expect(judgeAlert(poisoned, 'GOLD', a(stamp), { nowMs: NOW, operator: true })).toEqual({ kind: 'flip', to: 'BTC' });
    expect(rememberAlert(poisoned, 'op', stamp, 10, true).lastAlertAt).toBe(stamp);
    expect(rememberAlert(poisoned, 'op', stamp, 10).lastAlertAt).toBe('2099-01-01T00:00:00Z');
  });
});
