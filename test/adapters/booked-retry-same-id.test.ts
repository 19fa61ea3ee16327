/**
 * Found by the chaos suite (test/chaos, fault http-429): an order refused with a retryable
 * rejection (429) and retried with the same client order id (the idempotent way) filled at the
 * exchange, but its fill was never booked: the retry's batch met the first try's attempt line
 * (same key, same content) and the ledger skipped the whole batch as a replay. Ledger and exchange
 * then differ by the fill.
 */
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { startHarness, type Harness } from './helpers/exchange-harness';
import { waitUntil } from '../helpers/wait';

const D = (s: string) => new Decimal(s);

describe('an order retried with the same client order id after a retryable rejection', () => {
  let h: Harness;
  let ledger: SqliteLedger;
  beforeAll(async () => {
    h = await startHarness('binance', { autoTick: false });
    ledger = SqliteLedger.open({ file: ':memory:' });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h.close();
  });

  it('books the fill of the retry exactly once, like the exchange moved', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
    expect(await h.ad.trading.market('BTC/USDT')).toBeDefined();
    const btc0 = D(h.sim.control.balances('binance').BTC?.total ?? '0');
    const req = { exchange: 'binance' as const, symbol: 'BTC/USDT', side: 'buy' as const, type: 'ioc' as const, amount: D('0.002'), price: D(h.sim.control.book('binance', 'BTC/USDT').asks[0]![0]).times('1.01'), clientOrderId: 'retry-same-id-1', correlationId: 'retry-1' };
    h.sim.control.injectFault('binance', { type: 'http-status', status: 429, count: 1 });
    const first = await trading.placeOrder(req);
    expect(first).toMatchObject({ status: 'rejected', retryable: true });
    // The retry waits out the back-off (the adapter refuses while it lasts).
    const second = await waitUntil('the retry to be accepted', async () => {
      const out = await trading.placeOrder(req);
      return out.status === 'confirmed' ? out : undefined;
    }, 10_000, 200);
    const moved = D(h.sim.control.balances('binance').BTC?.total ?? '0').minus(btc0);
    // The ledger holds only this order: its implied BTC is what the order moved (fill less a BTC fee).
    const booked = ledger.impliedBalances().find((x) => x.exchange === 'binance' && x.asset === 'BTC')?.amount ?? D('0');
    expect(formatDecimal(booked)).toBe(formatDecimal(moved));
    const base = ledger.entries({ kind: 'fill', correlationId: 'retry-1' }).filter((e) => e.asset === 'BTC');
    expect(base.map((e) => formatDecimal(e.delta!))).toEqual([formatDecimal(second.filled)]);
  });
});
