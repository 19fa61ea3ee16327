import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import type { Confirmed, OrderOutcome, OrderRequest } from '../../ports/trading';
import type { Ledger } from '../../ports/ledger';

const d = (x: string) => new Decimal(x);
const f = formatDecimal;
const L = (price: string, amount: string) => ({ price: d(price), amount: d(amount) });
const T0 = Date.UTC(2026, 10, 24, 19, 0);
// Listed fees only (no fee book): taker 0.1 %, maker 0.05 %, so maker fills are told apart.
const market: Market = {
  exchange: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', id: 'BTCUSDT', amountStep: d('0.0001'), priceTick: d('0.01'),
  minAmount: d('0.0001'), minNotional: d('5'), takerFee: d('0.001'), makerFee: d('0.0005'), active: true,
};
const bookWithAsks = (...asks: Array<[string, string]>): OrderBook => ({
  exchange: 'binance', symbol: 'BTC/USDT', receivedAt: T0, bids: [L('99.00', '5')], asks: asks.map(([p, a]) => L(p, a)),
});

function setup(ledger?: Ledger) {
  let book = bookWithAsks(['100.00', '0.3'], ['100.50', '0.5'], ['101.00', '2']);
  const paper = new PaperTrading({
    exchange: 'binance', markets: [market], books: () => book, initialBalances: { USDT: d('1000') },
    clock: { now: () => T0 }, sleep: async () => undefined, ledger,
  });
  return { paper, feed: (b: OrderBook) => ((book = b), paper.onBook(b)) };
}
const limitBuy = (amount: string, price: string, clientOrderId: string): OrderRequest => ({
  exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: d(amount), price: d(price), clientOrderId,
});
const confirmed = (o: OrderOutcome | { status: 'not-found' }): Confirmed => {
  if (o.status !== 'confirmed') throw new Error(`expected confirmed, got ${JSON.stringify(o)}`);
  return o;
};
const usdt = async (p: PaperTrading) => {
  const b = (await p.balances()).assets.USDT!;
  return [f(b.free), f(b.used)];
};

describe('paper trading: resting limit orders', () => {
  test('fills what crosses as taker, rests the rest, and fills it as maker when a later book crosses', async () => {
    const { paper, feed } = setup();
    const o = confirmed(await paper.placeOrder(limitBuy('1', '100.50', 'r1')));
    // taker: 0.3*100 + 0.5*100.5 = 80.25, fee 0.08025; rest 0.2 reserved at 100.5 * 1.001 = 20.1201
    expect([f(o.filled), f(o.cost), o.orderStatus]).toEqual(['0.8', '80.25', 'open']);
    // free 1000 - 80.25 - 0.08025 - 20.1201 = 899.54965
    expect(await usdt(paper)).toEqual(['899.54965', '20.1201']);

    // Asks fall through our bid: the rest fills at OUR price, 0.2 * 100.5 = 20.1, maker fee 0.05 % = 0.01005
    expect(feed(bookWithAsks(['100.40', '0.1'], ['100.45', '0.5']))).toEqual(['r1']);
    const now = confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'r1'));
    expect([f(now.filled), f(now.cost), f(now.averagePrice), now.orderStatus]).toEqual(['1', '100.35', '100.35', 'closed']);
    expect(now.fills.map((x) => `${f(x.amount)}@${f(x.price)} fee ${f(x.fee)} ${x.tradeId}`)).toEqual([
      '0.3@100 fee 0.03 paper-binance-1-1', '0.5@100.5 fee 0.05025 paper-binance-1-2', '0.2@100.5 fee 0.01005 paper-binance-1-3',
    ]);
    expect(now.fees.map((x) => f(x.amount))).toEqual(['0.0903']); // 0.08025 + 0.01005
    // 1000 - 80.25 - 0.08025 - 20.1 - 0.01005 = 899.5597, nothing reserved any more
    expect(await usdt(paper)).toEqual(['899.5597', '0']);
    // The first outcome returned by placeOrder is unchanged (a snapshot, not a live object).
    expect(o.orderStatus).toBe('open');
  });

  test('crossing volume fills once: a level left standing does not fill the order again', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const { paper, feed } = setup(ledger);
    const o = confirmed(await paper.placeOrder(limitBuy('1', '99', 'r2')));
    expect([f(o.filled), o.orderStatus]).toEqual(['0', 'open']);
    expect(await usdt(paper)).toEqual(['900.901', '99.099']); // 1 * 99 * 1.001 reserved
    feed(bookWithAsks(['98.50', '0.4'])); // +0.4
    expect(feed(bookWithAsks(['98.50', '0.4']))).toEqual([]); // same level, same size: nothing new
    feed(bookWithAsks(['98.50', '0.7'])); // grew by 0.3: +0.3
    feed(bookWithAsks(['100.00', '1'])); // level gone: its usage is forgotten
    feed(bookWithAsks(['98.50', '0.4'])); // fresh liquidity: the last 0.3
    const c = confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'r2'));
    expect([f(c.filled), f(c.cost), c.orderStatus, c.fills.length]).toEqual(['1', '99', 'closed', 3]);
    // 99 + maker fee 0.0495 = 99.0495 spent
    expect(await usdt(paper)).toEqual(['900.9505', '0']);
    // Each fill event books its own lines: 3 x (base, quote, fee)
    expect(ledger.entries({ correlationId: 'r2' }).filter((e) => e.kind !== 'order-attempt')).toHaveLength(9);
    expect(ledger.impliedBalances().map((b) => `${b.asset} ${f(b.amount)}`)).toEqual(['BTC 1', 'USDT -99.0495']);
    ledger.close();
  });

  test('a level that shrinks below what was taken gives nothing, it does not cancel other levels', async () => {
    const { paper, feed } = setup();
    await paper.placeOrder(limitBuy('2', '99', 'shrink'));
    feed(bookWithAsks(['98.50', '0.4'])); // takes 0.4 at 98.50
    // 98.50 now shows 0.2 (< the 0.4 taken): 0 from it; 98.60 brings 0.3 -> +0.3 (0.1 if it went negative)
    feed(bookWithAsks(['98.50', '0.2'], ['98.60', '0.3']));
    expect(f(confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'shrink')).filled)).toBe('0.7');
    // Books of another exchange are ignored.
    expect(paper.onBook({ ...bookWithAsks(['90', '5']), exchange: 'kraken' })).toEqual([]);
  });

  test('a resting sell fills when bids rise through it', async () => {
    const seller = new PaperTrading({
      exchange: 'binance', markets: [market], books: () => bookWithAsks(['100', '1']), initialBalances: { BTC: d('1') },
      clock: { now: () => T0 }, sleep: async () => undefined,
    });
    const o = confirmed(await seller.placeOrder({ ...limitBuy('0.5', '99.50', 's'), side: 'sell' }));
    // bids are at 99.00 < 99.50: nothing crosses, the whole 0.5 rests with 0.5 BTC reserved
    expect([f(o.filled), o.orderStatus]).toEqual(['0', 'open']);
    expect(seller.onBook({ exchange: 'binance', symbol: 'BTC/USDT', receivedAt: T0, asks: [], bids: [L('99.60', '0.2'), L('99.40', '9')] })).toEqual(['s']);
    const c = confirmed(await seller.fetchOrderByClientId('BTC/USDT', 's'));
    // 0.2 at our 99.50 = 19.9; maker fee 0.05 % = 0.00995; USDT 19.9 - 0.00995 = 19.89005
    expect([f(c.filled), f(c.cost), f(c.fees[0]!.amount), c.orderStatus]).toEqual(['0.2', '19.9', '0.00995', 'open']);
    const b = (await seller.balances()).assets;
    expect([f(b.BTC!.free), f(b.BTC!.used), f(b.USDT!.free)]).toEqual(['0.5', '0.3', '19.89005']);
  });

  test('two resting orders share the crossing volume in placement order', async () => {
    const { paper, feed } = setup();
    await paper.placeOrder(limitBuy('0.5', '99', 'a'));
    await paper.placeOrder(limitBuy('0.5', '99', 'b'));
    expect(feed(bookWithAsks(['98.90', '0.6']))).toEqual(['a', 'b']);
    const a = confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'a'));
    const b = confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'b'));
    expect([f(a.filled), a.orderStatus, f(b.filled), b.orderStatus]).toEqual(['0.5', 'closed', '0.1', 'open']);
  });

  test('cancel releases the reservation; a second cancel is a typed rejection', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const { paper, feed } = setup(ledger);
    const o = confirmed(await paper.placeOrder(limitBuy('1', '99', 'c')));
    expect(await paper.cancelOrder('BTC/USDT', o.orderId)).toEqual({ status: 'canceled' });
    expect(await usdt(paper)).toEqual(['1000', '0']);
    expect(confirmed(await paper.fetchOrderByClientId('BTC/USDT', 'c')).orderStatus).toBe('canceled');
    expect(await paper.cancelOrder('BTC/USDT', o.orderId)).toMatchObject({ status: 'rejected', code: 'INVALID_ORDER', reason: expect.stringMatching(/already canceled/) });
    expect(feed(bookWithAsks(['90', '5']))).toEqual([]); // a canceled order never fills
    expect(ledger.entries({ kind: 'decision', correlationId: 'c' })[0]!.details).toMatchObject({ event: 'order-canceled', filled: '0' });
    ledger.close();
  });
});
