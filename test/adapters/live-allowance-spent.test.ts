import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { FeeBook } from '../../domain/fees';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger } from '../../adapters/persistence/fee-book-setup';
import { startHarness, type Harness } from './helpers/exchange-harness';

const D = (s: string) => new Decimal(s);

/**
 * #13: Coinbase One's fee-free volume is spent by live fills too. Before, only paper fills counted
 * it: a live Coinbase fill left the allowance untouched, so every later decision priced Coinbase
 * fee-free however much had been traded.
 */
describe('a live Coinbase fill spends the Coinbase One allowance (real ccxt against the simulator)', () => {
  let h: Harness;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    h = await startHarness('coinbase', { autoTick: false });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h?.close();
  });

  it('counts the fill\'s USD notional against the month\'s allowance, in the fee book and in the ledger (a restart replays it)', async () => {
    const fees = { ...h.settings.fees, coinbase: { ...h.settings.fees.coinbase, zeroFeeAllowance: { enabled: true, name: 'Coinbase One', monthlyVolumeUsd: D('10000') } } };
    const feeBook = new FeeBook(feeSchedulesFromSettings(fees));
    const now = Date.now();
    expect(formatDecimal(feeBook.allowanceUsage('coinbase', now)!.usedUsd)).toBe('0');
    // Coinbase One: the exchange charges nothing on this volume.
    h.sim.control.setFeeTier('coinbase', { makerPercent: '0', takerPercent: '0' });
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const trading = new LedgerBookedTrading({ trading: h.ad.trading, ledger, clock: { now: () => Date.now() }, log, feeBook, usdPrice: (a) => (a === 'USD' ? D('1') : undefined) });
    const ask = D(h.sim.control.book('coinbase', 'BTC/USD').asks[0]![0]);
    const out = await trading.placeOrder({ exchange: 'coinbase', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: D('0.01'), price: ask.times('1.01'), clientOrderId: 'cb-one-1', correlationId: 'cb-1' });
    if (out.status !== 'confirmed') throw new Error(`order refused: ${out.reason}`);
    const notional = formatDecimal(out.cost);
    expect(formatDecimal(feeBook.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe(notional);
    // The same fill booked again (a replay) spends nothing more.
    const again = await trading.placeOrder({ exchange: 'coinbase', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: D('0.01'), price: ask.times('1.01'), clientOrderId: 'cb-one-1', correlationId: 'cb-1' });
    expect(again.status).toBe('confirmed');
    expect(formatDecimal(feeBook.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe(notional);
    // A restarted hot path rebuilds its book from the ledger: the allowance stays spent.
    const restarted = new FeeBook(feeSchedulesFromSettings(fees));
    hydrateFeeBookFromLedger(restarted, ledger, Date.now());
    expect(formatDecimal(restarted.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe(notional);
  });
});
