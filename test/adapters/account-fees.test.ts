import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import { FeeBook } from '../../domain/fees';
import { loadConfig } from '../../config/loader';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { AccountFeeSource, accountFeeVenues } from '../../adapters/exchanges/account-fees';
import { systemClock } from '../../ports/clock';
import type { Confirmed } from '../../ports/trading';
import { startHarness, waitFor, type Harness } from './helpers/exchange-harness';

const silent = { info: () => undefined, warn: () => undefined };
const f = (d: Decimal) => formatDecimal(d);

/** A fee book on the shipped config for the venue variant, and a source reading the harness's adapters. */
function sourceFor(h: Harness, variant: 'binance' | 'binanceus' = 'binance', log: { info(o: object, m: string): void; warn(o: object, m: string): void } = silent) {
  const book = new FeeBook(feeSchedulesFromSettings(loadConfig({ env: {} }).settings.fees, variant));
  const source = new AccountFeeSource({ book, venues: accountFeeVenues([h.ad]), clock: systemClock, log, minRefreshGapMs: 0 });
  return { book, source };
}

const cases: Array<{ name: string; exchange: ExchangeId; variant?: 'binanceus'; symbol: string; wire: string }> = [
  { name: 'Binance', exchange: 'binance', symbol: 'BTC/USDT', wire: 'GET /sapi/v1/asset/tradeFee' },
  { name: 'Binance.US', exchange: 'binance', variant: 'binanceus', symbol: 'BTC/USDT', wire: 'GET /sapi/v1/asset/query/trading-fee' },
  { name: 'Kraken', exchange: 'kraken', symbol: 'BTC/USD', wire: 'POST /0/private/TradeVolume (fee-info)' },
  { name: 'Coinbase', exchange: 'coinbase', symbol: 'BTC/USD', wire: 'GET /api/v3/brokerage/transaction_summary' },
];

describe.each(cases)('account fee schedule of $name through ccxt ($wire)', ({ exchange, variant, symbol }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(exchange, {}, variant ? { envExtra: { BINANCE_VARIANT: variant } } : {});
  });
  afterAll(async () => h?.close());
  afterEach(() => h.sim.control.clearFaults());

  it('the account tier read from the venue replaces the config fallback in the fee book', async () => {
    h.sim.control.setFeeTier(exchange, { makerPercent: '0.02', takerPercent: '0.04' });
    const { book, source } = sourceFor(h, variant);
    expect(book.scheduleRates(exchange, symbol).source).not.toBe('exchange');
    expect(source.status()[0]).toMatchObject({ exchange, source: 'fallback', markets: 0 });
    const [out] = await source.refreshAll('test');
    expect(out).toMatchObject({ status: 'applied', exchange, changed: true });
    const { rates, source: from } = book.scheduleRates(exchange, symbol);
    expect([f(rates.maker), f(rates.taker), from]).toEqual(['0.0002', '0.0004', 'exchange']);
    // The decision's fee for the market (no notional known: no discount, no allowance).
    expect(f(book.effectiveTakerFee(exchange, symbol, undefined, Date.now()).rate)).toBe('0.0004');
    const st = source.status()[0]!;
    expect(st).toMatchObject({ exchange, ccxtId: variant ?? exchange, source: 'account', sample: { takerPercent: '0.04', makerPercent: '0.02' } });
    expect(st.markets).toBeGreaterThan(0);
    expect(st.ageMs).toBeGreaterThanOrEqual(0);
  });

  it('a garbage answer (negative taker, non-number maker) is refused with the reason and the schedule in force stays', async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (o: object, m: string) => void warnings.push(`${m} ${JSON.stringify(o)}`) };
    const { book, source } = sourceFor(h, variant, log);
    const fallback = book.scheduleRates(exchange, symbol);
    h.sim.control.injectFault(exchange, { type: 'garbage-fees' });
    const [bad] = await source.refreshAll('test');
    expect(bad).toMatchObject({ status: 'refused', inForce: 'fallback' });
    expect(bad!.status === 'refused' && bad!.reason).toMatch(/invalid answer: .*(rate|maker|taker)/);
    expect(book.scheduleRates(exchange, symbol)).toEqual(fallback);
    expect(source.status()[0]).toMatchObject({ source: 'fallback', lastError: expect.stringMatching(/invalid answer/) });
    expect(warnings.join('\n')).toMatch(/config fallback schedule stays in force/);

    // With an account schedule in force, a later garbage answer keeps that one (not the fallback).
    h.sim.control.clearFaults();
    h.sim.control.setFeeTier(exchange, { makerPercent: '0.01', takerPercent: '0.03' });
    expect((await source.refreshAll('test'))[0]).toMatchObject({ status: 'applied' });
    h.sim.control.injectFault(exchange, { type: 'garbage-fees' });
    expect((await source.refreshAll('test'))[0]).toMatchObject({ status: 'refused', inForce: 'account' });
    expect(f(book.scheduleRates(exchange, symbol).rates.taker)).toBe('0.0003');
  });
});

describe('a tier change is picked up from a fill whose fee differs from the schedule', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('kraken');
  });
  afterAll(async () => h?.close());

  it('reads the schedule again after the fill and prices the next decision with the new tier', async () => {
    h.sim.control.setFeeTier('kraken', { makerPercent: '0.25', takerPercent: '0.40' });
    const { book, source } = sourceFor(h);
    expect((await source.refreshAll('start'))[0]).toMatchObject({ status: 'applied' });
    expect(f(book.scheduleRates('kraken', 'BTC/USD').rates.taker)).toBe('0.004');
    // 30-day volume moved the account down a tier; nobody told the bot.
    h.sim.control.setFeeTier('kraken', { makerPercent: '0.14', takerPercent: '0.24' });
    const trading = source.watching(h.ad.trading);
    const ask = new Decimal(h.sim.control.book('kraken', 'BTC/USD').asks[0]![0]);
    const out = await trading.placeOrder({ exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: ask.times('1.001') });
    expect(out.status).toBe('confirmed');
    const paid = (out as Confirmed).fees.reduce((t, x) => t.plus(x.amount), new Decimal(0)).div((out as Confirmed).cost);
    expect(paid.toDecimalPlaces(4).toFixed()).toBe('0.0024');
    await waitFor(() => book.scheduleRates('kraken', 'BTC/USD').rates.taker.eq('0.0024'), 5000, 'the new tier in the fee book');
    await source.settled();
    expect(f(book.scheduleRates('kraken', 'BTC/USD').rates.maker)).toBe('0.0014');
  });

  it('a fill at the schedule in force reads nothing again', async () => {
    h.sim.control.setFeeTier('kraken', { makerPercent: '0.14', takerPercent: '0.24' });
    const { source } = sourceFor(h);
    await source.refreshAll('start');
    const before = source.status()[0]!.lastAttemptAt;
    const ask = new Decimal(h.sim.control.book('kraken', 'BTC/USD').asks[0]![0]);
    await source.watching(h.ad.trading).placeOrder({ exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: ask.times('1.001') });
    await source.settled();
    expect(source.status()[0]!.lastAttemptAt).toBe(before);
  });
});

describe('Binance\'s "pay fees with BNB" switch is read from the venue (GET /sapi/v1/bnbBurn through ccxt)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('binance');
  });
  afterAll(async () => h?.close());
  afterEach(() => h.sim.control.clearFaults());

  // A $1,000 trade with $1,000 of BNB held: the BNB covers the discounted fee, so only the switch decides.
  const quote = (book: FeeBook) => book.effectiveTakerFee('binance', 'BTC/USDT', new Decimal('1000'), Date.now(), { discountAssetValueUsd: new Decimal('1000') });
  const ccxtEx = () => (h.ad.trading as unknown as { ex: Record<string, (p?: object) => Promise<unknown>> }).ex;

  it('switched off at the venue: no BNB discount, however much BNB is held; switched on (ccxt POST): the discount applies', async () => {
    const { book, source } = sourceFor(h);
    // Before any read the config's discount is the fallback.
    expect(quote(book).discountApplied).toBe(true);
    await source.refreshAll('start');
    expect(source.status()[0]).toMatchObject({ discountSwitch: 'off' });
    const off = quote(book);
    expect([off.discountApplied, off.feeCurrency, f(off.rate)]).toEqual([false, 'USDT', '0.001']);
    expect(off.reason).toMatch(/paying fees in BNB is switched off at the venue/);

    // The operator turns it on at the venue (the same call Binance's page makes).
    expect(await ccxtEx().sapiPostBnbBurn!({ spotBNBBurn: 'true' })).toMatchObject({ spotBNBBurn: true });
    await source.refreshAll('daily');
    const on = quote(book);
    expect([on.discountApplied, on.feeCurrency, f(on.rate), source.status()[0]!.discountSwitch]).toEqual([true, 'BNB', '0.00075', 'on']);
    // The simulator then charges fees in BNB: the switch the fee book read is the one the venue applies.
    const ask = new Decimal(h.sim.control.book('binance', 'BTC/USDT').asks[0]![0]);
    const out = await h.ad.trading.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: new Decimal('0.001'), price: ask.times('1.001') });
    expect(out.status === 'confirmed' && out.fees.map((x) => x.currency)).toEqual(['BNB']);
  });

  it('a malformed answer (spotBNBBurn not a boolean) changes nothing: the switch in force stays and the reason is logged', async () => {
    const warnings: string[] = [];
    const { book, source } = sourceFor(h, 'binance', { info: () => undefined, warn: (o: object, m: string) => void warnings.push(`${m} ${JSON.stringify(o)}`) });
    await source.refreshAll('start');
    expect(book.discountSwitchOf('binance')).toBe(false);
    h.sim.control.injectFault('binance', { type: 'garbage-fees' });
    await source.refreshAll('daily');
    expect(book.discountSwitchOf('binance')).toBe(false);
    expect(quote(book).discountApplied).toBe(false);
    expect(warnings.join('\n')).toMatch(/fee discount switch unread: the switch in force stays.*invalid answer/);
  });
});
