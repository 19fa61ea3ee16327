import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { loadConfig } from '../../config/loader';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeEntry } from '../../adapters/persistence/ledger-entries';
import { createPaperAccounts, paperBalancesSchema } from '../../adapters/paper/paper-accounts';
import type { Confirmed, OrderOutcome } from '../../ports/trading';

const d = (x: string) => new Decimal(x);
const f = formatDecimal;
const T0 = Date.UTC(2026, 10, 24, 19, 0);
const L = (price: string, amount: string) => ({ price: d(price), amount: d(amount) });
const mkt = (exchange: ExchangeId, symbol: string): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return { exchange, symbol, base, quote, id: symbol, amountStep: d('0.0001'), priceTick: d('0.01'), minAmount: d('0.0001'), minNotional: d('1'), takerFee: d('0.001'), makerFee: d('0.001'), active: true };
};
const book = (exchange: ExchangeId, symbol: string, asks: Array<[string, string]>): OrderBook => ({
  exchange, symbol, receivedAt: T0, bids: [L('90', '10')], asks: asks.map(([p, a]) => L(p, a)),
});
const confirmed = (o: OrderOutcome): Confirmed => {
  if (o.status !== 'confirmed') throw new Error(`${o.code}: ${o.reason}`);
  return o;
};

test('starting balances are parsed from decimal strings, and refused otherwise', () => {
  const ok = paperBalancesSchema.parse({ binance: { USDT: '3000', BNB: '0.5' }, kraken: { USD: '2500.25' } });
  expect(f(ok.kraken!.USD!)).toBe('2500.25');
  expect(paperBalancesSchema.safeParse({ binance: { USDT: 3000 } }).success).toBe(false);
  expect(paperBalancesSchema.safeParse({ binance: { USDT: '-1' } }).success).toBe(false);
  expect(paperBalancesSchema.safeParse({ bitmex: { USDT: '1' } }).success).toBe(false);
});

test('one account per exchange with that exchange\'s fees; book updates reach the right account', async () => {
  const settings = loadConfig({ env: {} }).settings;
  const books = new Map<string, OrderBook>([
    ['binance:BTC/USDT', book('binance', 'BTC/USDT', [['100', '1']])],
    ['kraken:BTC/USD', book('kraken', 'BTC/USD', [['100', '1']])],
    ['coinbase:BTC/USD', book('coinbase', 'BTC/USD', [['100', '1']])],
  ]);
  // Coinbase One on, with $9,950 of this month's allowance already used per the ledger.
  const fees = { ...settings.fees, coinbase: { ...settings.fees.coinbase, zeroFeeAllowance: { enabled: true, name: 'Coinbase One', monthlyVolumeUsd: d('10000') } } };
  const ledger = SqliteLedger.open({ file: ':memory:' });
  ledger.append([feeEntry({ at: T0 - 1000, exchange: 'coinbase', asset: 'USD', amount: d('0'), allowanceUsedUsd: d('9950'), correlationId: 'x', idempotencyKey: 'x' })]);
  const p = createPaperAccounts({
    fees, ledger, markets: [mkt('binance', 'BTC/USDT'), mkt('kraken', 'BTC/USD'), mkt('coinbase', 'BTC/USD')],
    books: (ex, sym) => books.get(`${ex}:${sym}`), clock: { now: () => T0 }, sleep: async () => undefined,
    initialBalances: { binance: { USDT: d('1000') }, kraken: { USD: d('1000') }, coinbase: { USD: d('1000') } },
  });
  const buy = (ex: ExchangeId, symbol: string, id: string) => p.trading.get(ex)!.placeOrder({ exchange: ex, symbol, side: 'buy', type: 'ioc', amount: d('1'), price: d('100'), clientOrderId: id });
  // 1 x 100 = 100: Binance 0.1 % = 0.1 USDT; Kraken 0.40 % = 0.4 USD;
  // Coinbase: $50 of allowance left -> 0.6 % on the other $50 = 0.3 USD
  expect(f(confirmed(await buy('binance', 'BTC/USDT', 'b')).fees[0]!.amount)).toBe('0.1');
  expect(f(confirmed(await buy('kraken', 'BTC/USD', 'k')).fees[0]!.amount)).toBe('0.4');
  expect(f(confirmed(await buy('coinbase', 'BTC/USD', 'c')).fees[0]!.amount)).toBe('0.3');
  expect(f(p.feeBook.allowanceUsage('coinbase', T0)!.remainingUsd)).toBe('0');

  // A resting Kraken order fills on a Kraken book, never on Binance's.
  const rest = confirmed(await p.trading.get('kraken')!.placeOrder({ exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', type: 'limit', amount: d('0.5'), price: d('95'), clientOrderId: 'r' }));
  expect(rest.orderStatus).toBe('open');
  p.onBook(book('binance', 'BTC/USD', [['94', '5']]));
  const untouched = confirmed((await p.trading.get('kraken')!.fetchOrderByClientId('BTC/USD', 'r')) as OrderOutcome);
  expect([f(untouched.filled), untouched.orderStatus]).toEqual(['0', 'open']);
  p.onBook(book('kraken', 'BTC/USD', [['94', '5']]));
  const after = confirmed((await p.trading.get('kraken')!.fetchOrderByClientId('BTC/USD', 'r')) as OrderOutcome);
  // 0.5 at our 95 = 47.5, Kraken maker 0.25 % = 0.11875
  expect([f(after.filled), f(after.cost), f(after.fees[0]!.amount), after.orderStatus]).toEqual(['0.5', '47.5', '0.11875', 'closed']);
  ledger.close();
});
