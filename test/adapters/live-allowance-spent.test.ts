import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { FeeBook } from '../../domain/fees';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { LedgerBookedTrading } from '../../adapters/exchanges/booked-trading';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger, LedgerAllowanceSync } from '../../adapters/persistence/fee-book-setup';
import { AccountFeeSource, accountFeeVenues } from '../../adapters/exchanges/account-fees';
import { placeBotOrder, type BotTradingDeps, type BotVenue } from '../../activities/bot-trading';
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

/**
 * #13: the bots' own Coinbase fills (A-bot, G-bot, sweep: `placeBotOrder` on a live venue) spend the
 * same allowance, and the hot path, another process on the same ledger, sees it; a bot fill whose
 * fee disagrees with the schedule reads the account's schedule again, as the hot path's fills do.
 */
describe('the bots\' own live Coinbase fills share the allowance and check the tier (real ccxt against the simulator)', () => {
  let h: Harness;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  beforeAll(async () => {
    h = await startHarness('coinbase', { autoTick: false });
  }, 60_000);
  afterAll(async () => {
    ledger.close();
    await h?.close();
  });
  afterEach(() => h.sim.control.clearFaults());
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const withAllowance = () => ({ ...h.settings.fees, coinbase: { ...h.settings.fees.coinbase, zeroFeeAllowance: { enabled: true, name: 'Coinbase One', monthlyVolumeUsd: D('10000') } } });
  const botVenue = (): BotVenue => ({ exchange: 'coinbase', trading: h.ad.trading, account: h.ad.account, markets: [], books: () => undefined, paper: false, booksFills: false });
  const buy = (deps: BotTradingDeps, cid: string) => {
    const ask = D(h.sim.control.book('coinbase', 'BTC/USD').asks[0]![0]);
    return placeBotOrder(deps, deps.venues[0]!, { exchange: 'coinbase', symbol: 'BTC/USD', side: 'buy', type: 'ioc', amount: D('0.01'), price: ask.times('1.01'), clientOrderId: cid, correlationId: cid });
  };

  it('a bot fill spends the allowance in the orchestrator\'s fee book and the ledger; the hot path\'s book, synced from the ledger, sees it', async () => {
    h.sim.control.setFeeTier('coinbase', { makerPercent: '0', takerPercent: '0' });
    const orchestratorBook = new FeeBook(feeSchedulesFromSettings(withAllowance()));
    const hotpathBook = new FeeBook(feeSchedulesFromSettings(withAllowance()));
    const hotpathSync = new LedgerAllowanceSync(hotpathBook, ledger);
    const deps: BotTradingDeps = { venues: [botVenue()], ledger, clock: { now: () => Date.now() }, quoteCurrencies: ['USD'], logger: silent, fees: { book: orchestratorBook, sync: new LedgerAllowanceSync(orchestratorBook, ledger) } };
    const { outcome } = await buy(deps, 'bot-cb-one-1');
    if (outcome.status !== 'confirmed') throw new Error(`order refused: ${outcome.reason}`);
    const notional = formatDecimal(outcome.cost);
    expect(formatDecimal(orchestratorBook.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe(notional);
    const feeLine = ledger.entries({ kind: 'fee', correlationId: 'bot-cb-one-1' })[0];
    expect(feeLine?.details?.allowanceUsedUsd).toBe(notional);
    // The hot path has not read the ledger since: it still thinks the whole allowance is left.
    expect(formatDecimal(hotpathBook.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe('0');
    hotpathSync.sync(Date.now());
    expect(formatDecimal(hotpathBook.allowanceUsage('coinbase', Date.now())!.usedUsd)).toBe(notional);
    // A second sync counts nothing twice; the bot's book, synced too, stays at one fill.
    hotpathSync.sync(Date.now());
    deps.fees!.sync!.sync(Date.now());
    expect([formatDecimal(hotpathBook.allowanceUsage('coinbase', Date.now())!.usedUsd), formatDecimal(orchestratorBook.allowanceUsage('coinbase', Date.now())!.usedUsd)]).toEqual([notional, notional]);
  });

  it('a bot fill whose fee disagrees with the schedule reads the account\'s schedule again', async () => {
    h.sim.control.setFeeTier('coinbase', { makerPercent: '0.40', takerPercent: '0.60' });
    const book = new FeeBook(feeSchedulesFromSettings(h.settings.fees));
    const source = new AccountFeeSource({ book, venues: accountFeeVenues([h.ad]), clock: { now: () => Date.now() }, log: silent, minRefreshGapMs: 0 });
    expect((await source.refreshAll('start'))[0]).toMatchObject({ status: 'applied' });
    expect(formatDecimal(book.scheduleRates('coinbase', 'BTC/USD').rates.taker)).toBe('0.006');
    // The account moved to a cheaper tier; only the bot trades.
    h.sim.control.setFeeTier('coinbase', { makerPercent: '0.15', takerPercent: '0.25' });
    const deps: BotTradingDeps = { venues: [botVenue()], ledger, clock: { now: () => Date.now() }, quoteCurrencies: ['USD'], logger: silent, fees: { book, source } };
    const { outcome } = await buy(deps, 'bot-cb-tier-1');
    expect(outcome.status).toBe('confirmed');
    await source.settled();
    expect(formatDecimal(book.scheduleRates('coinbase', 'BTC/USD').rates.taker)).toBe('0.0025');
  });
});
