import { Decimal } from '../../domain/money/decimal';
import { isMonthKey, judgeSweep, monthKey, sweepWorkflowId, type SweepRequest } from '../../domain/sweep';

const base: SweepRequest = {
  month: '2026-11', currentMonth: '2026-11', mode: 'BTC', allowedModes: ['BTC'], sweptMonths: ['2026-10'], maxPerMonth: 1,
  profitSinceLastUsd: new Decimal('1234.5'), profitPercent: new Decimal('15'),
};

describe('sweep rules', () => {
  it('month keys in UTC, at the edges of a month', () => {
    expect(monthKey(Date.UTC(2026, 10, 30, 23, 59, 59, 999))).toBe('2026-11');
    expect(monthKey(Date.UTC(2026, 11, 1, 0, 0, 0))).toBe('2026-12');
    expect(monthKey(Date.UTC(2027, 0, 1))).toBe('2027-01');
    expect(sweepWorkflowId('2026-11')).toBe('sweep-2026-11');
    expect(() => sweepWorkflowId('2026-13')).toThrow(/YYYY-MM/);
    expect(isMonthKey('2026-1')).toBe(false);
  });
  it('15 % of the realised profit since the last sweep', () => {
    const v = judgeSweep(base);
    expect(v).toMatchObject({ ok: true });
    expect((v as { amountUsd: Decimal }).amountUsd.toFixed()).toBe('185.175');
  });
  it('refused in GOLD mode', () => {
    expect(judgeSweep({ ...base, mode: 'GOLD' })).toMatchObject({ ok: false, code: 'WRONG_MODE' });
  });
  it('refused a second time in the same month', () => {
    const v = judgeSweep({ ...base, sweptMonths: ['2026-10', '2026-11'] });
    expect(v).toMatchObject({ ok: false, code: 'ALREADY_SWEPT' });
    expect((v as { reason: string }).reason).toMatch(/2026-11 already ran/);
  });
  it('refused with no profit, or for another month than the current one', () => {
    expect(judgeSweep({ ...base, profitSinceLastUsd: new Decimal('-3') })).toMatchObject({ ok: false, code: 'NO_PROFIT' });
    expect(judgeSweep({ ...base, profitSinceLastUsd: new Decimal('0') })).toMatchObject({ ok: false, code: 'NO_PROFIT' });
    expect(judgeSweep({ ...base, month: '2026-10' })).toMatchObject({ ok: false, code: 'WRONG_MONTH' });
  });
});
