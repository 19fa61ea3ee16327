import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { startHarness, type Harness } from './helpers/exchange-harness';

const D = (s: string) => new Decimal(s);

/**
 * Found by the split demo's reconcile (#13): ccxt leaves a Coinbase order's `cost` empty and
 * derives it as average x filled from `average_filled_price`, which Coinbase rounds; the order's
 * own `filled_value` is what the exchange moved. The bots' and the money manager's live orders and
 * the hot path's all read their fills through this adapter.
 */
describe('a Coinbase fill over several levels is booked with the exchange\'s own cost (real ccxt against the simulator)', () => {
  let h: Harness;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    h = await startHarness('coinbase', { autoTick: false });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h?.close();
  });

  it('books the quote the exchange moved, to the last unit', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
    // Three levels whose average has more digits than Coinbase's average price carries.
    h.sim.control.setBook('coinbase', 'BTC/USD', [['64100', '1']], [['64033.71', '0.03206737'], ['64037.33', '0.05464851'], ['64044.07', '1']]);
    const usd = () => D(h.sim.control.balances('coinbase').USD?.total ?? '0');
    const btc = () => D(h.sim.control.balances('coinbase').BTC?.total ?? '0');
    const [u0, b0] = [usd(), btc()];
    const out = await trading.placeOrder({ exchange: 'coinbase', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: D('0.09173'), price: D('64044.07'), clientOrderId: 'c0ffee00-0000-4000-8000-000000000001', correlationId: 'cb-1' });
    expect(out).toMatchObject({ status: 'confirmed' });
    const booked = (asset: string) => formatDecimal(ledger.impliedBalances().find((b) => b.exchange === 'coinbase' && b.asset === asset)?.amount ?? D('0'));
    expect({ USD: booked('USD'), BTC: booked('BTC') }).toEqual({ USD: formatDecimal(usd().minus(u0)), BTC: formatDecimal(btc().minus(b0)) });
  });
});
