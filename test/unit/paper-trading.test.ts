import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { FeeBook } from '../../domain/fees';
import { loadConfig } from '../../config/loader';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { PaperTrading, type PaperTradingOptions } from '../../adapters/paper/paper-trading';
import type { Confirmed, OrderOutcome, OrderRequest } from '../../ports/trading';

const d = (x: string) => new Decimal(x);
const f = formatDecimal;
const L = (price: string, amount: string) => ({ price: d(price), amount: d(amount) });
const T0 = Date.UTC(2026, 10, 24, 19, 0);

const market = (symbol: string, over: Partial<Market> = {}): Market => {
  const [base, quote] = symbol.split('/') as [string, string];
  return {
    exchange: 'binance', symbol, base, quote, id: `${base}${quote}`, amountStep: d('0.0001'), priceTick: d('0.01'),
    minAmount: d('0.0001'), minNotional: d('5'), takerFee: d('0.001'), makerFee: d('0.001'), active: true, ...over,
  };
};
const btcBook = (receivedAt: number): OrderBook => ({
  exchange: 'binance', symbol: 'BTC/USDT', receivedAt,
  bids: [L('99.90', '0.2'), L('99.50', '1'), L('99.00', '5')],
  asks: [L('100.00', '0.3'), L('100.50', '0.5'), L('101.00', '2')],
});

function setup(over: Partial<PaperTradingOptions> = {}) {
  let now = T0;
  const books = new Map<string, OrderBook>([['BTC/USDT', btcBook(T0)]]);
  const reads: number[] = [];
  const feeBook = new FeeBook(feeSchedulesFromSettings(loadConfig({ env: {} }).settings.fees));
  const paper = new PaperTrading({
    exchange: 'binance',
    markets: [market('BTC/USDT'), market('BNB/USDT'), market('ETH/USDT', { active: false })],
    books: (symbol) => (reads.push(now), books.get(symbol)),
    initialBalances: { USDT: d('1000'), BTC: d('2') },
    feeBook,
    clock: { now: () => now },
    sleep: async (ms) => void (now += ms),
    ...over,
  });
  return { paper, books, reads, feeBook, advance: (ms: number) => (now += ms), now: () => now };
}
const order = (o: Partial<OrderRequest>): OrderRequest => ({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: d('0.6'), ...o });
const confirmed = (o: OrderOutcome): Confirmed => {
  if (o.status !== 'confirmed') throw new Error(`expected confirmed, got ${o.code}: ${o.reason}`);
  return o;
};
const bal = async (p: PaperTrading) => Object.fromEntries(Object.entries((await p.balances()).assets).map(([a, b]) => [a, f(b.free)]));

describe('paper trading: fills match a hand-computed book walk', () => {
  test('IOC buy 0.6 at 100.50: 0.3*100 + 0.3*100.5 = 60.15, fee 0.1 % = 0.06015 USDT', async () => {
    const { paper } = setup();
    const o = confirmed(await paper.placeOrder(order({ price: d('100.50'), clientOrderId: 'a' })));
    expect(o.fills.map((x) => [f(x.price), f(x.amount), f(x.fee), x.feeCurrency])).toEqual([
      ['100', '0.3', '0.03', 'USDT'], // 30 * 0.001
      ['100.5', '0.3', '0.03015', 'USDT'], // 30.15 * 0.001
    ]);
    expect([f(o.filled), f(o.cost), f(o.averagePrice), o.orderStatus]).toEqual(['0.6', '60.15', '100.25', 'closed']);
    expect(o.fees.map((x) => [x.currency, f(x.amount)])).toEqual([['USDT', '0.06015']]);
    // USDT 1000 - 60.15 - 0.06015 = 939.78985; BTC 2 + 0.6 = 2.6
    expect(await bal(paper)).toEqual({ USDT: '939.78985', BTC: '2.6' });
  });

  test('partial IOC: buy 1.0 at 100.50 fills 0.8 (30 + 50.25 = 80.25), the rest is canceled', async () => {
    const { paper } = setup();
    const o = confirmed(await paper.placeOrder(order({ amount: d('1'), price: d('100.50') })));
    // fee 80.25 * 0.001 = 0.08025; vwap 80.25 / 0.8 = 100.3125
    expect([f(o.amount), f(o.filled), f(o.cost), f(o.averagePrice), f(o.fees[0]!.amount), o.orderStatus]).toEqual(['1', '0.8', '80.25', '100.3125', '0.08025', 'canceled']);
    expect(await bal(paper)).toEqual({ USDT: '919.66975', BTC: '2.8' });
  });

  test('IOC sell 1.1 at 99.50: 0.2*99.9 + 0.9*99.5 = 109.53, fee 0.10953', async () => {
    const { paper } = setup();
    const o = confirmed(await paper.placeOrder(order({ side: 'sell', amount: d('1.1'), price: d('99.50') })));
    expect([f(o.filled), f(o.cost), f(o.fees[0]!.amount)]).toEqual(['1.1', '109.53', '0.10953']);
    // USDT 1000 + 109.53 - 0.10953 = 1109.42047; BTC 2 - 1.1 = 0.9
    expect(await bal(paper)).toEqual({ USDT: '1109.42047', BTC: '0.9' });
  });

  test('FOK: all or nothing', async () => {
    const { paper } = setup();
    const r = await paper.placeOrder(order({ type: 'fok', amount: d('1'), price: d('100.50') }));
    expect(r).toMatchObject({ status: 'rejected', code: 'NO_FILL' });
    expect(r.status === 'rejected' && r.reason).toMatch(/only 0.8 of 1 BTC available at <= 100.5/);
    expect(await bal(paper)).toEqual({ USDT: '1000', BTC: '2' });
    const ok = confirmed(await paper.placeOrder(order({ type: 'fok', amount: d('0.8'), price: d('100.50') })));
    expect([f(ok.cost), ok.orderStatus]).toEqual(['80.25', 'closed']);
  });

  test('market orders walk within the protection band only', async () => {
    const { paper } = setup({ marketProtection: d('0.005') });
    // band 0.5 %: limit 100 * 1.005 = 100.5 -> levels 100 and 100.5 only: 0.8 of 3 filled
    const o = confirmed(await paper.placeOrder(order({ type: 'market', amount: d('3') })));
    expect([f(o.filled), f(o.cost), o.orderStatus]).toEqual(['0.8', '80.25', 'canceled']);
  });

  test('quantization: amount down to the step, buy price down to the tick', async () => {
    const { paper } = setup();
    // 0.60009 -> 0.6; 100.509 -> 100.50 (a buy never pays more than asked)
    const o = confirmed(await paper.placeOrder(order({ amount: d('0.60009'), price: d('100.509') })));
    expect([f(o.amount), f(o.filled), f(o.cost)]).toEqual(['0.6', '0.6', '60.15']);
    // 100.499 -> 100.49: the 100.50 level no longer crosses, only 0.3 at 100 fills
    const p = confirmed(await paper.placeOrder(order({ amount: d('0.6'), price: d('100.499') })));
    expect([f(p.filled), f(p.cost), p.orderStatus]).toEqual(['0.3', '30', 'canceled']);
  });
});

describe('paper trading: typed rejections, nothing thrown, nothing changed', () => {
  test('minimum amount and notional', async () => {
    const { paper } = setup();
    expect(await paper.placeOrder(order({ amount: d('0.00005'), price: d('100') }))).toMatchObject({ code: 'BELOW_MIN_AMOUNT' });
    // 0.04 * 100 = 4 < 5
    const r = await paper.placeOrder(order({ amount: d('0.04'), price: d('100') }));
    expect(r).toMatchObject({ status: 'rejected', code: 'BELOW_MIN_NOTIONAL' });
    expect(r.status === 'rejected' && r.reason).toMatch(/notional 4 USDT \(0.04 x 100\) is below the minimum 5/);
    expect(await paper.placeOrder(order({ type: 'market', amount: d('0.04') }))).toMatchObject({ code: 'BELOW_MIN_NOTIONAL' });
    expect(await bal(paper)).toEqual({ USDT: '1000', BTC: '2' });
  });

  test('insufficient funds', async () => {
    const { paper } = setup({ initialBalances: { USDT: d('50'), BTC: d('0.1') } });
    const buy = await paper.placeOrder(order({ price: d('100.50') }));
    // reserve 0.6 * 100.5 * 1.001 = 60.36030
    expect(buy).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS', retryable: false });
    expect(buy.status === 'rejected' && buy.reason).toMatch(/needs 60.3603 USDT, free 50/);
    expect(await paper.placeOrder(order({ side: 'sell', amount: d('0.2'), price: d('99') }))).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    // A market buy is checked against the real cost after the walk: 0.3*100 + 0.2*100.5 = 50.1 > 50
    expect(await paper.placeOrder(order({ type: 'market', amount: d('0.5') }))).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await bal(paper)).toEqual({ USDT: '50', BTC: '0.1' });
  });

  test('bad requests, closed markets, missing and stale books', async () => {
    const { paper, books, advance } = setup({ maxBookAgeMs: 1000 });
    expect(await paper.placeOrder(order({ exchange: 'kraken', price: d('100') }))).toMatchObject({ code: 'INVALID_ORDER' });
    expect(await paper.placeOrder(order({ symbol: 'DOGE/USDT', price: d('1') }))).toMatchObject({ code: 'INVALID_ORDER' });
    expect(await paper.placeOrder(order({ price: undefined }))).toMatchObject({ code: 'INVALID_ORDER' });
    expect(await paper.placeOrder(order({ amount: d('-1'), price: d('100') }))).toMatchObject({ code: 'INVALID_ORDER' });
    expect(await paper.placeOrder(order({ symbol: 'ETH/USDT', price: d('100') }))).toMatchObject({ code: 'MARKET_CLOSED' });
    expect(await paper.placeOrder(order({ symbol: 'BNB/USDT', price: d('600') }))).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retryable: true });
    advance(1001);
    expect(await paper.placeOrder(order({ price: d('101') }))).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    books.set('BTC/USDT', { ...btcBook(T0), asks: [] });
    expect(await paper.placeOrder(order({ price: d('101') }))).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    expect(await paper.placeOrder(order({ amount: 'oops' as never, price: d('101') }))).toMatchObject({ status: 'rejected', code: 'EXCHANGE_REJECTED' });
    expect(await paper.cancelOrder('BTC/USDT', 'nope')).toMatchObject({ status: 'rejected', code: 'INVALID_ORDER' });
    expect(await bal(paper)).toEqual({ USDT: '1000', BTC: '2' });
  });
});

describe('paper trading: idempotency, latency, fees in BNB, ledger', () => {
  test('the same client order id twice returns the first outcome and fills once', async () => {
    const { paper } = setup();
    const [a, b] = await Promise.all([
      paper.placeOrder(order({ price: d('100.50'), clientOrderId: 'dup' })),
      paper.placeOrder(order({ amount: d('1.5'), price: d('101'), clientOrderId: 'dup' })),
    ]);
    expect(b).toBe(a);
    expect(await paper.placeOrder(order({ price: d('100.50'), clientOrderId: 'dup' }))).toBe(a);
    expect(await bal(paper)).toEqual({ USDT: '939.78985', BTC: '2.6' });
    expect(await paper.fetchOrderByClientId('BTC/USDT', 'dup')).toEqual(a);
    expect(await paper.fetchOrderByClientId('BTC/USDT', 'other')).toEqual({ status: 'not-found' });
    const c = confirmed(a);
    expect(await paper.cancelOrder('BTC/USDT', c.orderId)).toMatchObject({ code: 'INVALID_ORDER', reason: expect.stringMatching(/already closed/) });
    // Generated ids are unique.
    const x = confirmed(await paper.placeOrder(order({ amount: d('0.1'), price: d('101') })));
    const y = confirmed(await paper.placeOrder(order({ amount: d('0.1'), price: d('101') })));
    expect(x.clientOrderId).not.toBe(y.clientOrderId);
  });

  test('the book is read after the latency, and the fill uses that later book', async () => {
    let release!: () => void;
    let now = T0;
    const reads: number[] = [];
    let book = btcBook(T0);
    const paper = new PaperTrading({
      exchange: 'binance', markets: [market('BTC/USDT')], initialBalances: { USDT: d('1000') }, latencyMs: 250,
      books: () => (reads.push(now), book),
      clock: { now: () => now },
      sleep: (ms) => new Promise<void>((resolve) => (release = () => ((now += ms), resolve()))),
    });
    const pending = paper.placeOrder(order({ price: d('101') }));
    await Promise.resolve();
    expect(reads).toEqual([]); // not read before the latency elapsed
    // During the round trip the best ask moves up: 0.6 now fills at 100.50 and 101.00.
    book = { ...btcBook(T0 + 200), asks: [L('100.50', '0.5'), L('101.00', '2')] };
    release();
    const o = confirmed(await pending);
    expect(reads).toEqual([T0 + 250]);
    // 0.5*100.5 + 0.1*101 = 50.25 + 10.1 = 60.35 (listed fee 0.1 %: 0.06035, no fee book)
    expect([f(o.cost), f(o.fees[0]!.amount), o.timestamp]).toEqual(['60.35', '0.06035', T0 + 250]);
  });

  test('BNB pays the fee at 25 % off when the balance covers it', async () => {
    const { paper, books } = setup({ initialBalances: { USDT: d('1000'), BNB: d('1') } });
    books.set('BNB/USDT', { exchange: 'binance', symbol: 'BNB/USDT', receivedAt: T0, bids: [L('599', '10')], asks: [L('601', '10')] });
    const o = confirmed(await paper.placeOrder(order({ price: d('100.50') })));
    // rate 0.1 % * 0.75 = 0.075 %; BNB mid 600. fill 1: 30 * 0.00075 / 600 = 0.0000375;
    // fill 2: 30.15 * 0.00075 / 600 = 0.0000376875 -> 0.00003769 (8 dp, rounded up); total 0.00007519
    expect(o.fills.map((x) => [f(x.fee), x.feeCurrency])).toEqual([['0.0000375', 'BNB'], ['0.00003769', 'BNB']]);
    expect(await bal(paper)).toEqual({ USDT: '939.85', BNB: '0.99992481', BTC: '0.6' });
  });

  test('with too little BNB the fee is charged in the quote at the full rate', async () => {
    const { paper, books } = setup({ initialBalances: { USDT: d('1000'), BNB: d('0.00001') } });
    books.set('BNB/USDT', { exchange: 'binance', symbol: 'BNB/USDT', receivedAt: T0, bids: [L('599', '10')], asks: [L('601', '10')] });
    const o = confirmed(await paper.placeOrder(order({ price: d('100.50') })));
    expect(o.fees.map((x) => [x.currency, f(x.amount)])).toEqual([['USDT', '0.06015']]);
  });

  test('attempts, fills, fees and rejections are booked in the ledger, once', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const { paper } = setup({ ledger });
    confirmed(await paper.placeOrder(order({ price: d('100.50'), clientOrderId: 'L1', correlationId: 'opp-7' })));
    await paper.placeOrder(order({ price: d('100.50'), clientOrderId: 'L1', correlationId: 'opp-7' }));
    await paper.placeOrder(order({ type: 'fok', amount: d('1'), price: d('100.50'), clientOrderId: 'L2' }));
    expect(ledger.entries({ correlationId: 'opp-7' }).map((e) => `${e.kind} ${e.asset ?? ''} ${e.delta ? f(e.delta) : ''}`.trim())).toEqual([
      'order-attempt', 'fill BTC 0.6', 'fill USDT -60.15', 'fee USDT -0.06015',
    ]);
    expect(ledger.entries({ correlationId: 'L2' }).map((e) => e.kind)).toEqual(['order-attempt', 'order-rejected']);
    expect(ledger.impliedBalances().map((b) => `${b.asset} ${f(b.amount)}`)).toEqual(['BTC 0.6', 'USDT -60.21015']);
    expect(ledger.feesPaid().map((x) => f(x.amount))).toEqual(['0.06015']);
    ledger.close();
  });
});
