import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { startHarness, type Harness } from './helpers/exchange-harness';

const D = (s: string) => new Decimal(s);

/**
 * Binance keeps balances and quote quantities to 8 decimals: a cross-rate fill (ETH/BTC: 5-decimal
 * prices x 4-decimal amounts) cannot move the account by 9. The ledger books the order's own
 * cummulativeQuoteQty (what the account moved by), not price x amount recomputed from its fills,
 * so it equals the balance read through ccxt (#13: the split demo's reconcile).
 */
describe('a Binance cross-rate fill is booked with the quote Binance settled (real ccxt against the simulator)', () => {
  let h: Harness;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    h = await startHarness('binance', { autoTick: false });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h?.close();
  });

  it('the ledger equals the balance read through ccxt, to the last unit', async () => {
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log });
    h.sim.control.setBook('binance', 'ETH/BTC', [['0.05213', '1']], [['0.05217', '0.1237'], ['0.05219', '0.2413'], ['0.05223', '5']]);
    const read = async () => {
      const b = await h.ad.account.balances();
      if (!('assets' in b)) throw new Error(b.reason);
      return { BTC: b.assets.BTC?.total ?? D('0'), ETH: b.assets.ETH?.total ?? D('0') };
    };
    const before = await read();
    const out = await trading.placeOrder({ exchange: 'binance', symbol: 'ETH/BTC', side: 'buy', type: 'ioc', amount: D('0.5111'), price: D('0.05223'), clientOrderId: 'binance-cost-1', correlationId: 'bc-1' });
    expect(out).toMatchObject({ status: 'confirmed' });
    const after = await read();
    const booked = (asset: 'BTC' | 'ETH') => formatDecimal(ledger.impliedBalances().find((b) => b.exchange === 'binance' && b.asset === asset)?.amount ?? D('0'));
    expect({ BTC: booked('BTC'), ETH: booked('ETH') }).toEqual({ BTC: formatDecimal(after.BTC.minus(before.BTC)), ETH: formatDecimal(after.ETH.minus(before.ETH)) });
  });
});
