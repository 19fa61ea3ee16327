import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { FeeBook, allowanceMonth, monthStartUtc, type AccountFeeSchedule } from '../../domain/fees';
import { loadConfig } from '../../config/loader';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger, recordFee } from '../../adapters/persistence/fee-book-setup';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';

const d = (s: string) => new Decimal(s);
const f = formatDecimal;
const NOV = Date.UTC(2026, 10, 24, 19, 0); // 2026-11-24 19:00 UTC
const DEC = Date.UTC(2026, 11, 1, 0, 0);

/** The shipped config, with Coinbase One switched on for the allowance cases. */
function schedules(withCoinbaseOne: boolean): AccountFeeSchedule[] {
  const s = feeSchedulesFromSettings(loadConfig({ env: {} }).settings.fees);
  if (withCoinbaseOne) s.find((a) => a.exchange === 'coinbase')!.allowance = { name: 'Coinbase One', monthlyVolumeUsd: d('10000') };
  return s;
}

describe('fee book from the shipped config', () => {
  const book = new FeeBook(schedules(false));

  test('base tiers: Binance 0.1/0.1, Kraken 0.40/0.25, Coinbase 0.60/0.40', () => {
    expect(f(book.effectiveTakerFee('binance', 'BTC/USDT', d('1000'), NOV).rate)).toBe('0.001');
    expect(f(book.effectiveMakerFee('binance', 'BTC/USDT', d('1000'), NOV).rate)).toBe('0.001');
    expect(f(book.effectiveTakerFee('kraken', 'BTC/USD', d('1000'), NOV).rate)).toBe('0.004');
    expect(f(book.effectiveMakerFee('kraken', 'BTC/USD', d('1000'), NOV).rate)).toBe('0.0025');
    const cb = book.effectiveTakerFee('coinbase', 'ETH/USDC', d('1000'), NOV);
    expect(f(cb.rate)).toBe('0.006');
    expect(cb.feeCurrency).toBe('USDC');
    expect(cb.source).toBe('config-default');
    expect(f(book.effectiveMakerFee('coinbase', 'ETH/USDC', d('1000'), NOV).rate)).toBe('0.004');
    // Coinbase One is off by default: no allowance is assumed.
    expect(book.allowanceUsage('coinbase', NOV)).toBeUndefined();
  });

  test('BNB discount only when the BNB balance covers the discounted fee', () => {
    // $1000 notional at 0.1 % less 25 % = 0.075 % -> fee $0.75 in BNB.
    const rich = book.effectiveTakerFee('binance', 'BTC/USDT', d('1000'), NOV, { discountAssetValueUsd: d('0.75') });
    expect(f(rich.rate)).toBe('0.00075');
    expect(rich.feeCurrency).toBe('BNB');
    expect(rich.discountApplied).toBe(true);
    expect(rich.reason).toMatch(/paid in BNB: 25 % off/);
    const poor = book.effectiveTakerFee('binance', 'BTC/USDT', d('1000'), NOV, { discountAssetValueUsd: d('0.74') });
    expect(f(poor.rate)).toBe('0.001');
    expect(poor.feeCurrency).toBe('USDT');
    expect(poor.reason).toMatch(/\$0.74 of BNB < fee \$0.75/);
    // Unknown balance: never assume the cheaper fee.
    expect(f(book.effectiveTakerFee('binance', 'BTC/USDT', d('1000'), NOV).rate)).toBe('0.001');
    expect(f(book.effectiveTakerFee('binance', 'BTC/USDT', undefined, NOV, { discountAssetValueUsd: d('100') }).rate)).toBe('0.001');
  });

  test('rates read from the exchange win over config; implausible ones are refused', () => {
    const b = new FeeBook(schedules(false));
    b.setExchangeRates('kraken', 'SOL/USD', { maker: d('0.0016'), taker: d('0.0026') }, NOV);
    const q = b.effectiveTakerFee('kraken', 'SOL/USD', d('10'), NOV);
    expect([f(q.rate), q.source]).toEqual(['0.0026', 'exchange']);
    expect(b.effectiveTakerFee('kraken', 'BTC/USD', d('10'), NOV).source).toBe('config-default');
    expect(() => b.setExchangeRates('kraken', 'SOL/USD', { maker: d('-0.1'), taker: d('0.0026') }, NOV)).toThrow(/implausible/);
    expect(() => b.setExchangeRates('kraken', 'SOL/USD', { maker: d('0.001'), taker: d('1') }, NOV)).toThrow(/implausible/);
  });

  test('per-market overrides from config; a missing account is a wiring error', () => {
    const s = schedules(false);
    s.find((a) => a.exchange === 'binance')!.markets['USDC/USDT'] = { maker: d('0'), taker: d('0') };
    const b = new FeeBook(s);
    const q = b.effectiveTakerFee('binance', 'USDC/USDT', d('500'), NOV, { discountAssetValueUsd: d('100') });
    expect([f(q.rate), q.source, q.feeCurrency]).toEqual(['0', 'config-market', 'USDT']);
    expect(() => new FeeBook([]).effectiveTakerFee('binance', 'BTC/USDT', d('1'), NOV)).toThrow(/no schedule for binance/);
  });
});

describe('zero-fee allowance (Coinbase One)', () => {
  test('blends the rate when it covers part of the notional, and is consumed by recorded fees', () => {
    const book = new FeeBook(schedules(true));
    book.recordFee({ exchange: 'coinbase', at: NOV, currency: 'USD', amount: d('0'), allowanceUsedUsd: d('9000') });
    // $1000 left; a $2500 trade: 1000 free, 1500 at 0.6 % -> rate 0.006 * 1500 / 2500 = 0.0036.
    const q = book.effectiveTakerFee('coinbase', 'BTC/USD', d('2500'), NOV);
    expect(f(q.rate)).toBe('0.0036');
    expect(f(q.allowanceCoveredUsd)).toBe('1000');
    expect(q.reason).toMatch(/Coinbase One covers \$1000.00 of \$2500.00/);
    book.recordFee({ exchange: 'coinbase', at: NOV, currency: 'USD', amount: d('9'), allowanceUsedUsd: q.allowanceCoveredUsd });
    const used = book.allowanceUsage('coinbase', NOV)!;
    expect([used.month, f(used.usedUsd), f(used.remainingUsd)]).toEqual(['2026-11', '10000', '0']);
    const after = book.effectiveTakerFee('coinbase', 'BTC/USD', d('100'), NOV);
    expect(f(after.rate)).toBe('0.006');
    expect(after.reason).toMatch(/used up this month/);
    // A new calendar month (UTC) starts a fresh allowance.
    expect(f(book.effectiveTakerFee('coinbase', 'BTC/USD', d('100'), DEC).rate)).toBe('0');
    expect(book.feesPaid('coinbase').map((p) => `${p.currency} ${f(p.amount)}`)).toEqual(['USD 9']);
  });

  test('an unknown notional gets no allowance', () => {
    const book = new FeeBook(schedules(true));
    expect(f(book.effectiveTakerFee('coinbase', 'BTC/USD', undefined, NOV).rate)).toBe('0.006');
    expect(f(book.takerFeeFn(() => NOV)('coinbase', 'BTC/USD'))).toBe('0.006');
  });

  test('usage survives a restart through the ledger; last month does not count', () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const book = new FeeBook(schedules(true));
    const oct = Date.UTC(2026, 9, 31, 23, 59);
    expect(recordFee(book, ledger, { exchange: 'coinbase', at: oct, currency: 'USD', amount: d('0'), allowanceUsedUsd: d('5000'), correlationId: 'o', idempotencyKey: 'f0' })).toBe(true);
    expect(recordFee(book, ledger, { exchange: 'coinbase', at: NOV, currency: 'USD', amount: d('0.12'), allowanceUsedUsd: d('2999.99'), correlationId: 'a', idempotencyKey: 'f1' })).toBe(true);
    expect(recordFee(book, ledger, { exchange: 'coinbase', at: NOV, currency: 'USD', amount: d('0.12'), allowanceUsedUsd: d('2999.99'), correlationId: 'a', idempotencyKey: 'f1' })).toBe(false);
    expect(f(book.allowanceUsage('coinbase', NOV)!.usedUsd)).toBe('2999.99');

    const restarted = new FeeBook(schedules(true));
    expect(hydrateFeeBookFromLedger(restarted, ledger, NOV)).toBe(1);
    expect(f(restarted.allowanceUsage('coinbase', NOV)!.remainingUsd)).toBe('7000.01');
    expect(ledger.feesPaid().map((p) => `${p.exchange} ${p.asset} ${f(p.amount)}`)).toEqual(['coinbase USD 0.12']);
    ledger.close();
  });

  test('month helpers are UTC calendar months', () => {
    expect(allowanceMonth(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe('2026-12');
    expect(allowanceMonth(Date.UTC(2027, 0, 1))).toBe('2027-01');
    expect(monthStartUtc(NOV)).toBe(Date.UTC(2026, 10, 1));
  });
});
