import type ccxt from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import { Decimal } from '../../domain/money/decimal';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

/** Per venue: a symbol, and how its client order id travels (ccxt unified param). */
const CASES: Array<{ exchange: ExchangeId; symbol: string; base: string; quote: string; feeIn: 'base' | 'quote'; rate: string; maker: string }> = [
  { exchange: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', feeIn: 'base', rate: '0.001', maker: '0.001' },
  { exchange: 'kraken', symbol: 'BTC/USD', base: 'BTC', quote: 'USD', feeIn: 'quote', rate: '0.004', maker: '0.0025' },
  { exchange: 'coinbase', symbol: 'BTC/USD', base: 'BTC', quote: 'USD', feeIn: 'quote', rate: '0.006', maker: '0.004' },
];

describe.each(CASES)('orders and balances on the simulated $exchange through real ccxt', ({ exchange, symbol, base, quote, feeIn, rate, maker }) => {
  let sim: RunningSimulator;
  let ex: Pro;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, autoTick: false, exchanges: [exchange] });
    ex = await proClient(sim, exchange);
    await ex.loadMarkets();
  });
  afterAll(async () => {
    await ex.close();
    await sim.close();
  });

  it('an IOC buy walks the book, fills partly across levels, charges the taker fee and moves balances', async () => {
    sim.control.setBook(exchange, symbol, [['63990.00', '1']], [['64000.00', '0.01'], ['64001.00', '0.02'], ['64010.00', '5']]);
    const before = await ex.fetchBalance();
    const cid = `sim-test-${exchange}-1`;
    // Limit 64001 takes the first two levels (0.03) of the 0.05 asked; the rest expires.
    // ccxt's Coinbase class ignores the unified clientOrderId: its own field name must be passed.
    const cidParam = exchange === 'coinbase' ? { client_order_id: cid } : { clientOrderId: cid };
    const created = await ex.createOrder(symbol, 'limit', 'buy', 0.05, 64001, { timeInForce: 'IOC', ...cidParam });
    expect(created.id).toBeTruthy();
    const order = await ex.fetchOrder(String(created.id), symbol);
    const cost = new Decimal('64000').times('0.01').plus(new Decimal('64001').times('0.02'));
    expect(new Decimal(String(order.filled)).toFixed()).toBe('0.03');
    expect(order.status).not.toBe('open');
    expect(order.clientOrderId).toBe(cid);
    const feeBase = feeIn === 'base' ? new Decimal('0.03') : cost;
    const fee = feeBase.times(rate).toDecimalPlaces(8);
    // Binance reports fees with the fills of the create response only; the others on the order.
    const feeCost = exchange === 'binance' ? created.fee?.cost : order.fee?.cost;
    expect(new Decimal(String(feeCost)).toFixed()).toBe(fee.toFixed());
    const after = await ex.fetchBalance();
    const d = (code: string): string => new Decimal(String(after[code]?.total ?? 0)).minus(String(before[code]?.total ?? 0)).toFixed();
    expect(d(base)).toBe((feeIn === 'base' ? new Decimal('0.03').minus(fee) : new Decimal('0.03')).toFixed());
    expect(d(quote)).toBe((feeIn === 'quote' ? cost.plus(fee) : cost).negated().toFixed());
    // The liquidity it took is gone from the book every subscriber sees.
    expect(sim.control.book(exchange, symbol).asks[0]).toEqual(['64010', '5']);
  });

  it('a resting GTC order locks funds and can be cancelled', async () => {
    const created = await ex.createOrder(symbol, 'limit', 'buy', 0.001, 50000);
    const open = await ex.fetchOrder(String(created.id), symbol);
    expect(open.status).toBe('open');
    // Coinbase's v2 wallet list has no holds; the v3 accounts do.
    const bal = await ex.fetchBalance(exchange === 'coinbase' ? { v3: true } : {});
    expect(Number(bal[quote]?.used)).toBeGreaterThanOrEqual(50);
    await ex.cancelOrder(String(created.id), symbol);
    const cancelled = await ex.fetchOrder(String(created.id), symbol);
    expect(cancelled.status).toBe('canceled');
  });

  it('a resting GTC buy fills as a maker at its limit when the market moves through it', async () => {
    sim.control.setBook(exchange, symbol, [['62000.00', '1']], [['63500.00', '1']]);
    const before = await ex.fetchBalance();
    const created = await ex.createOrder(symbol, 'limit', 'buy', 0.02, 63000);
    expect((await ex.fetchOrder(String(created.id), symbol)).status).toBe('open');
    sim.control.setBook(exchange, symbol, [['62000.00', '1']], [['62990.00', '0.015'], ['63000.00', '0.5'], ['63010.00', '1']]);
    const done = await ex.fetchOrder(String(created.id), symbol);
    expect(done.status).toBe('closed');
    expect(done.filled).toBe(0.02);
    const cost = new Decimal('63000').times('0.02');
    const fee = (feeIn === 'base' ? new Decimal('0.02') : cost).times(maker);
    const after = await ex.fetchBalance();
    const d = (code: string): string => new Decimal(String(after[code]?.total ?? 0)).minus(String(before[code]?.total ?? 0)).toFixed();
    expect(d(base)).toBe((feeIn === 'base' ? new Decimal('0.02').minus(fee) : new Decimal('0.02')).toFixed());
    expect(d(quote)).toBe((feeIn === 'quote' ? cost.plus(fee) : cost).negated().toFixed());
    expect(Number(after[quote]?.used ?? 0)).toBe(Number(before[quote]?.used ?? 0));
    expect(sim.control.book(exchange, symbol).asks.slice(0, 2)).toEqual([['63000', '0.495'], ['63010', '1']]);
  });

  it('reports the taker and maker fee the venue charges', async () => {
    const fee = exchange === 'kraken' ? await ex.fetchTradingFee(symbol) : (await ex.fetchTradingFees())[symbol];
    expect(fee?.taker).toBe(Number(rate));
    expect(fee?.maker).toBe(Number(maker));
  });

  it('rejects an order the account cannot pay for, with the venue error ccxt maps to InsufficientFunds', async () => {
    await expect(ex.createOrder(symbol, 'limit', 'buy', 100, 64010)).rejects.toThrow(/insufficient/i);
  });

  it('rejects orders on demand (fault) with the given reason', async () => {
    sim.control.injectFault(exchange, { type: 'reject-orders', count: 1, reason: 'simulated outage' });
    await expect(ex.createOrder(symbol, 'limit', 'buy', 0.001, 50000)).rejects.toThrow(/simulated outage/);
    sim.control.clearFaults();
    const ok = await ex.createOrder(symbol, 'limit', 'buy', 0.001, 50000);
    expect(ok.id).toBeTruthy();
  });

  it('answers a rate-limit fault with a 429 the way the venue does, then recovers', async () => {
    sim.control.injectFault(exchange, { type: 'http-status', status: 429, count: 1 });
    await expect(ex.fetchOrderBook(symbol)).rejects.toThrow(ccxtRateLimitError());
    const ob = await ex.fetchOrderBook(symbol);
    expect(ob.bids.length).toBeGreaterThan(0);
  });
});

function ccxtRateLimitError(): RegExp {
  return /rate limit|too many requests|EAPI:Rate limit exceeded|429/i;
}
