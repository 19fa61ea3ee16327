import { Decimal } from '../../domain/money/decimal';
import { splitGoldBudget } from '../../domain/gbot';

const D = (s: string) => new Decimal(s);
const shares = (budget: string, caps: Record<string, string>, min = '10') =>
  Object.fromEntries(splitGoldBudget(D(budget), Object.entries(caps).map(([exchange, c]) => ({ exchange, spendableUsd: D(c) })), D(min)).map((a) => [a.exchange, a.usd.toFixed()]));

describe('splitting the G-bot purchase across venues by what each can spend', () => {
  it('a budget above every single venue but within all of them together is split in proportion', () => {
    expect(shares('12000', { binance: '5000', kraken: '10000', coinbase: '0' })).toEqual({ binance: '4000', kraken: '8000' });
  });
  it('a budget above all of them together spends everything each can (the rest is for a later top-up)', () => {
    expect(shares('50000', { binance: '5000', kraken: '10000' })).toEqual({ binance: '5000', kraken: '10000' });
  });
  it('rounds down to the cent, so the sum never exceeds the budget; shares below the minimum are dropped', () => {
    const s = shares('100', { a: '100', b: '100', c: '100' }, '0');
    expect(s).toEqual({ a: '33.33', b: '33.33', c: '33.33' });
    expect(shares('100', { a: '5', b: '995' })).toEqual({ b: '99.5' });
  });
  it('nothing to spend or nothing to buy gives no allocation', () => {
    expect(shares('100', { a: '0' })).toEqual({});
    expect(shares('0', { a: '100' })).toEqual({});
  });
});
