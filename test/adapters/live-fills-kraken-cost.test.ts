import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { startHarness, type Harness } from './helpers/exchange-harness';

const D = (s: string) => new Decimal(s);

/**
 * Found by test/e2e/ledger-equals-exchange.test.ts: a Kraken order that filled over several levels
 * was booked with ccxt's `cost`, which ccxt derives as average x filled from Kraken's average
 * price (rounded to a few decimals), so the ledger's USDT was off the exchange's by 0.00003. The
 * exchange's own per-trade figures add up to what it moved.
 */
describe('a Kraken fill over several levels is booked with the exchange\'s own cost (real ccxt against the simulator)', () => {
  let h: Harness;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    h = await startHarness('kraken', { autoTick: false });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h?.close();
  });

  it('books the quote the exchange moved, to the last unit', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
    // Three levels with prices whose average has more digits than Kraken reports.
    h.sim.control.setBook('kraken', 'BTC/USDT', [['64044', '0.03206737'], ['64037.3', '0.05464851'], ['64033.7', '1']], [['64100', '1']]);
    const usdt = () => D(h.sim.control.balances('kraken').USDT?.total ?? '0');
    const btc = () => D(h.sim.control.balances('kraken').BTC?.total ?? '0');
    const [u0, b0] = [usdt(), btc()];
    const out = await trading.placeOrder({ exchange: 'kraken', symbol: 'BTC/USDT', side: 'sell', type: 'ioc', amount: D('0.08673'), price: D('64033.7'), clientOrderId: 'kraken-cost-1', correlationId: 'kc-1' });
    expect(out).toMatchObject({ status: 'confirmed' });
    const booked = (asset: string) => formatDecimal(ledger.impliedBalances().find((b) => b.exchange === 'kraken' && b.asset === asset)?.amount ?? D('0'));
    expect({ USDT: booked('USDT'), BTC: booked('BTC') }).toEqual({ USDT: formatDecimal(usdt().minus(u0)), BTC: formatDecimal(btc().minus(b0)) });
  });

  // Found by the split demo's reconcile (#13): a stablecoin fill (5-decimal prices x 8-decimal
  // amounts) moved the account by 13 decimals while Kraken reports balances to 10, so the ledger
  // and the balance read through ccxt never met. Kraken settles each trade's cost to the pair's
  // cost_decimals and reports that figure per trade: the account and the ledger move by it.
  it('books the cost Kraken settled per trade, so the ledger equals the balance read through ccxt', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
    h.sim.control.setBook('kraken', 'USDC/USD', [['0.99997', '1234.56789123'], ['0.99993', '2345.67891234'], ['0.99989', '100000']], [['1.00011', '100000']]);
    const read = async () => {
      const b = await h.ad.account.balances();
      if (!('assets' in b)) throw new Error(b.reason);
      return { USD: b.assets.USD?.total ?? D('0'), USDC: b.assets.USDC?.total ?? D('0') };
    };
    const before = await read();
    const start = { USD: ledger.impliedBalances().find((b) => b.exchange === 'kraken' && b.asset === 'USD')?.amount ?? D('0'), USDC: ledger.impliedBalances().find((b) => b.exchange === 'kraken' && b.asset === 'USDC')?.amount ?? D('0') };
    const out = await trading.placeOrder({ exchange: 'kraken', symbol: 'USDC/USD', side: 'sell', type: 'ioc', amount: D('5000.12345678'), price: D('0.99989'), clientOrderId: 'kraken-cost-2', correlationId: 'kc-2' });
    expect(out).toMatchObject({ status: 'confirmed' });
    const after = await read();
    const moved = (asset: 'USD' | 'USDC') => formatDecimal((ledger.impliedBalances().find((b) => b.exchange === 'kraken' && b.asset === asset)?.amount ?? D('0')).minus(start[asset]));
    expect({ USD: moved('USD'), USDC: moved('USDC') }).toEqual({ USD: formatDecimal(after.USD.minus(before.USD)), USDC: formatDecimal(after.USDC.minus(before.USDC)) });
  });
});
