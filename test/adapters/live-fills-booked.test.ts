import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import type { Confirmed } from '../../ports/trading';
import { startHarness, type Harness } from './helpers/exchange-harness';

const D = (s: string) => new Decimal(s);
const ASSETS = ['BTC', 'USDT', 'BNB'];

/**
 * Live mode: the Q-bot's orders go through real ccxt to the simulator (the exchange) and every
 * fill and fee is booked from the exchange's own answer. The proof: per asset, what the ledger
 * booked equals what the exchange's balances moved.
 */
describe('live fills and fees are booked from the exchange (real ccxt against the simulator)', () => {
  let h: Harness;
  let ledger: SqliteLedger;
  let trading: LedgerBookedTrading;
  const warnings: string[] = [];
  beforeAll(async () => {
    h = await startHarness('binance', { autoTick: false });
    ledger = SqliteLedger.open({ file: ':memory:' });
    const log = { info: () => undefined, warn: (_o: object, m: string) => warnings.push(m), error: (_o: object, m: string) => warnings.push(m) };
    trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
  }, 60_000);
  afterEach(() => h.sim.control.clearFaults());
  afterAll(async () => {
    ledger.close();
    await h.close();
  });

  const exchangeTotals = () => Object.fromEntries(ASSETS.map((a) => [a, D(h.sim.control.balances('binance')[a]?.total ?? '0')]));
  const ledgerTotals = () => Object.fromEntries(ASSETS.map((a) => [a, ledger.impliedBalances().find((b) => b.exchange === 'binance' && b.asset === a)?.amount ?? D('0')]));
  /** Runs `fn` and checks the ledger moved exactly as the exchange's balances did, asset by asset. */
  async function bookedLikeTheExchange<T>(fn: () => Promise<T>): Promise<T> {
    const ex0 = exchangeTotals();
    const l0 = ledgerTotals();
    const out = await fn();
    const ex1 = exchangeTotals();
    const l1 = ledgerTotals();
    for (const a of ASSETS) expect(`${a} ${formatDecimal(l1[a]!.minus(l0[a]!))}`).toBe(`${a} ${formatDecimal(ex1[a]!.minus(ex0[a]!))}`);
    return out;
  }
  const ask = () => D(h.sim.control.book('binance', 'BTC/USDT').asks[0]![0]);

  it('a fill whose fee is paid in BNB is booked with the BNB fee', async () => {
    h.sim.control.injectFault('binance', { type: 'bnb-fees', percentOff: 25 });
    const out = (await bookedLikeTheExchange(() => trading.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('0.01'), price: ask().times('1.001'), clientOrderId: 'live-bnb-1', correlationId: 'att-1' }))) as Confirmed;
    expect(out.status).toBe('confirmed');
    expect(out.fees.map((f) => f.currency)).toEqual(['BNB']);
    const fee = ledger.entries({ kind: 'fee', correlationId: 'att-1' });
    expect(fee.map((e) => `${e.asset} ${formatDecimal(e.delta!.negated())}`)).toEqual([`BNB ${formatDecimal(out.fees[0]!.amount)}`]);
  });

  it('a partial fill books what filled, with its fee', async () => {
    const a = ask();
    const book = h.sim.control.book('binance', 'BTC/USDT');
    h.sim.control.setBook('binance', 'BTC/USDT', book.bids, [[formatDecimal(a), '0.004'], [formatDecimal(a.times('1.02')), '5']]);
    const out = (await bookedLikeTheExchange(() => trading.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', type: 'ioc', amount: D('0.01'), price: a, clientOrderId: 'live-partial-1', correlationId: 'att-2' }))) as Confirmed;
    expect(out.status).toBe('confirmed');
    expect(['canceled', 'expired']).toContain(out.orderStatus);
    expect(formatDecimal(out.filled)).toBe('0.004');
    expect(ledger.entries({ kind: 'fill', correlationId: 'att-2' }).find((e) => e.asset === 'BTC')?.delta?.toFixed()).toBe('0.004');
  });

  it('an order that timed out but filled is found, booked and surfaced', async () => {
    // BNB pays the fee: only the exchange's own trades can tell (the order answer carries no fee).
    h.sim.control.injectFault('binance', { type: 'bnb-fees', percentOff: 25 });
    h.sim.control.injectFault('binance', { type: 'order-timeout', count: 1 });
    const out = await bookedLikeTheExchange(() => trading.placeOrder({ exchange: 'binance', symbol: 'BTC/USDT', side: 'sell', type: 'ioc', amount: D('0.01'), price: D(h.sim.control.book('binance', 'BTC/USDT').bids[0]![0]).times('0.999'), clientOrderId: 'live-timeout-1', correlationId: 'att-3' }));
    expect(out).toMatchObject({ status: 'confirmed', clientOrderId: 'live-timeout-1' });
    expect(ledger.entries({ kind: 'fill', correlationId: 'att-3' })).toHaveLength(2);
    expect(ledger.entries({ kind: 'fee', correlationId: 'att-3' }).map((e) => e.asset)).toEqual(['BNB']);
    const surfaced = ledger.entries({ kind: 'decision', correlationId: 'att-3' }).map((e) => (e.details as { event?: string }).event);
    expect(surfaced).toContain('order-filled-after-timeout');
    expect(warnings.join('\n')).toMatch(/timed out but filled/);
  });
});
