import { Decimal } from '../../domain/money/decimal';
import { bnbReserve, bnbTopUp } from '../../domain/money-manager';

const d = (s: string) => new Decimal(s);
const RULE = { minimumUsd: d('25'), daysOfFeeSpend: 14 };

describe('BNB reserve on Binance', () => {
  it('sizes from fee spend when that exceeds the floor', () => {
    // 0.7 BNB over 7 days = 0.1/day; 14 days -> 1.4 BNB ($840 at $600) > $25 floor
    const r = bnbReserve(RULE, { bnbSpent: d('0.7'), days: d('7') }, d('600'));
    expect(r.averageDailyBnb.toFixed()).toBe('0.1');
    expect(r.requiredBnb.toFixed()).toBe('1.4');
    expect(r.requiredUsd.toFixed()).toBe('840');
    expect(r.binding).toBe('fee-spend');
  });

  it('falls back to the USD floor in a quiet period', () => {
    const r = bnbReserve(RULE, { bnbSpent: d('0.001'), days: d('7') }, d('625'));
    expect(r.requiredBnb.toFixed()).toBe('0.04');
    expect(r.binding).toBe('minimum');
  });

  it('tops up only the shortfall', () => {
    const r = bnbReserve(RULE, { bnbSpent: d('0.7'), days: d('7') }, d('600'));
    expect(bnbTopUp(d('1'), r).toFixed()).toBe('0.4');
    expect(bnbTopUp(d('2'), r).toFixed()).toBe('0');
  });

  it('rejects nonsense inputs with a reason', () => {
    expect(() => bnbReserve(RULE, { bnbSpent: d('1'), days: d('0') }, d('600'))).toThrow(/longer than 0 days/);
    expect(() => bnbReserve(RULE, { bnbSpent: d('1'), days: d('7') }, d('0'))).toThrow(/price must be positive/);
    expect(() => bnbReserve(RULE, { bnbSpent: d('-1'), days: d('7') }, d('600'))).toThrow(/negative/);
  });
});
