import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { FeeBook } from '../../domain/fees';
import { loadConfig } from '../../config/loader';
import { settingsSchema } from '../../config/schemas';
import { fallbackFeesOf, feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { parseAccountFees } from '../../adapters/exchanges/account-fees';
import { DecisionFees, qbotDecisionContext } from '../../hotpath/decision-fees';
import { buyBest } from '../../activities/bot-trading';
import { systemClock } from '../../ports/clock';
import { botRig } from '../helpers/bot-venues';
import { Command } from 'commander';
import { parseFaultSpec } from '../../adapters/sim';
import { registerLedgerCommands } from '../../signals/cli/commands/ledger';

const d = (s: string) => new Decimal(s);
const f = formatDecimal;
const settings = loadConfig({ env: {} }).settings;
const NOW = Date.UTC(2026, 11, 1);

describe('account fee answers are validated at the edge', () => {
  test('numbers and decimal strings become exact Decimals; derivative symbols are left out', () => {
    const r = parseAccountFees({ 'BTC/USDT': { maker: 0.0002, taker: '0.0004', percentage: true }, 'BTC/USDT:USDT': { maker: 0.0002, taker: 0.0005 } });
    expect(r.ok && [...r.rates].map(([s, x]) => [s, f(x.maker), f(x.taker)])).toEqual([['BTC/USDT', '0.0002', '0.0004']]);
  });

  test.each([
    [{ 'BTC/USDT': { maker: -0.001, taker: 0.001 } }, /maker: rate -0\.001: must be a fraction in \[0, 1\)/],
    [{ 'BTC/USDT': { maker: 'n/a', taker: 0.001 } }, /maker: rate "n\/a"/],
    [{ 'BTC/USDT': { maker: 0.001 } }, /taker/],
    [{ 'BTC/USDT': { maker: 0.001, taker: 1.5 } }, /taker: rate 1\.5: must be a fraction/],
    [{ 'BTC/USDT': { maker: 0.001, taker: Number.NaN } }, /BTC\/USDT\.taker/],
    [{}, /no market in the answer/],
    [null, /expected record|expected object/i],
  ])('refused whole: %j', (raw, reason) => {
    const r = parseAccountFees(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  test('one bad market refuses the whole answer and the fee book keeps what it had', () => {
    const book = new FeeBook(feeSchedulesFromSettings(settings.fees));
    book.replaceExchangeRates('kraken', new Map([['BTC/USD', { maker: d('0.0016'), taker: d('0.0026') }]]), NOW);
    expect(() => book.replaceExchangeRates('kraken', new Map([['BTC/USD', { maker: d('0.001'), taker: d('0.002') }], ['ETH/USD', { maker: d('-0.001'), taker: d('0.002') }]]), NOW + 1)).toThrow(/implausible/);
    expect(f(book.scheduleRates('kraken', 'BTC/USD').rates.taker)).toBe('0.0026');
    expect(book.accountRatesAppliedAt('kraken')).toBe(NOW);
  });
});

describe('Binance.US has its own fallback schedule', () => {
  test('settings ship fees.binanceus distinct from Binance.com, and the venue variant picks it', () => {
    expect(fallbackFeesOf(settings.fees, 'binance', 'binanceus')).toBe(settings.fees.binanceus);
    expect(settings.fees.binanceus!.takerPercent.eq(settings.fees.binance.takerPercent)).toBe(false);
    const us = new FeeBook(feeSchedulesFromSettings(settings.fees, 'binanceus'));
    const com = new FeeBook(feeSchedulesFromSettings(settings.fees, 'binance'));
    expect(f(us.effectiveTakerFee('binance', 'BTC/USDT', undefined, NOW).rate)).toBe('0.006');
    expect(f(com.effectiveTakerFee('binance', 'BTC/USDT', undefined, NOW).rate)).toBe('0.001');
    expect(us.discountAsset('binance')).toBe('BNB');
  });

  test('without fees.binanceus the Binance.US variant refuses to start rather than price with Binance.com', () => {
    const { binanceus: _omit, ...rest } = settings.fees;
    expect(() => feeSchedulesFromSettings(rest, 'binanceus')).toThrow(/fees\.binanceus is missing/);
  });

  test('config: accountRefreshMs ships daily and is refused below a minute', () => {
    expect(settings.fees.accountRefreshMs).toBe(86_400_000);
    const raw = JSON.parse(JSON.stringify({ ...settings, fees: { ...settings.fees, accountRefreshMs: 1000 } })) as unknown;
    const r = settingsSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('fees.accountRefreshMs');
  });
});

describe('decision fees: one snapshot for the exact path and the prefilter', () => {
  const qbot = (bnb: string | undefined, capitalUsd = '1000') => ({
    capital: () => ({ cross: d(capitalUsd), triangular: d('0') }),
    balanceEntries: () => (bnb ? [{ exchange: 'binance', asset: 'BNB', amount: d(bnb) }] : []),
    usd: (a: string) => (a === 'BNB' ? d('600') : undefined),
  });

  test('the BNB discount applies only when the BNB held covers the discounted fee of twice the capital', () => {
    const book = new FeeBook(feeSchedulesFromSettings(settings.fees));
    let q = qbot('0.01'); // $6 of BNB; 2 x $1000 x 0.075 % = $1.50
    const fees = new DecisionFees(book, () => NOW, () => qbotDecisionContext(q, (ex) => book.discountAsset(ex)));
    expect(f(fees.fee('binance', 'BTC/USDT', 'buy'))).toBe('0.00075');
    q = qbot('0.002'); // $1.20 < $1.50: full rate, once the snapshot is rebuilt
    expect(f(fees.fee('binance', 'BTC/USDT', 'buy'))).toBe('0.00075');
    fees.invalidate();
    expect(f(fees.fee('binance', 'BTC/USDT', 'buy'))).toBe('0.001');
    q = qbot(undefined);
    fees.invalidate();
    expect(f(fees.fee('binance', 'BTC/USDT', 'buy'))).toBe('0.001');
    // No capital known: no largest trade, so no discount is assumed.
    q = qbot('10', '0');
    fees.invalidate();
    expect(f(fees.fee('binance', 'BTC/USDT', 'buy'))).toBe('0.001');
  });

  test('a new account schedule rebuilds the snapshot and runs the prefilter refresh before anyone reads it', () => {
    const book = new FeeBook(feeSchedulesFromSettings(settings.fees));
    const fees = new DecisionFees(book, () => NOW, () => qbotDecisionContext(undefined, () => undefined));
    const prefilter: string[] = [];
    fees.onRebuild(() => prefilter.push(f(fees.fee('kraken', 'BTC/USD', 'buy'))));
    expect(f(fees.fee('kraken', 'BTC/USD', 'buy'))).toBe('0.004');
    book.replaceExchangeRates('kraken', new Map([['BTC/USD', { maker: d('0.0014'), taker: d('0.0024') }]]), NOW);
    expect(prefilter).toEqual(['0.0024']);
    expect(f(fees.fee('kraken', 'BTC/USD', 'buy'))).toBe('0.0024');
    // The same answer again changes nothing and rebuilds nothing.
    book.replaceExchangeRates('kraken', new Map([['BTC/USD', { maker: d('0.0014'), taker: d('0.0024') }]]), NOW + 1);
    expect(prefilter).toHaveLength(1);
  });

  test('Coinbase One (when configured) is blended over the largest trade, never assumed whole', () => {
    const fees0 = { ...settings.fees, coinbase: { ...settings.fees.coinbase, zeroFeeAllowance: { enabled: true, name: 'Coinbase One', monthlyVolumeUsd: d('1000') } } };
    const book = new FeeBook(feeSchedulesFromSettings(fees0));
    const fees = new DecisionFees(book, () => NOW, () => qbotDecisionContext(qbot(undefined, '1000'), () => undefined));
    // $1000 left over a $2000 largest trade: half the notional free -> 0.30 %, an upper bound for any smaller trade.
    expect(f(fees.fee('coinbase', 'BTC/USD', 'buy'))).toBe('0.003');
  });
});

describe("the bots' cost estimates price with the venue's fee in force", () => {
  test('buyBest picks the venue that is cheaper after the account fee, not after the listed one', async () => {
    const rig = botRig({ balances: { binance: { USDT: '1000' }, kraken: { USD: '1000' }, coinbase: {} }, staking: {} });
    try {
      const deps = { venues: rig.venues, ledger: rig.ledger, clock: systemClock, quoteCurrencies: ['USD', 'USDT', 'USDC'] };
      // Listed: Binance 0.1 % beats Kraken 0.4 % (+0.05 % dearer book).
      const listed = await buyBest(deps, { key: 'fee-listed', asset: 'ETH', budgetUsd: d('100') });
      expect(listed).toMatchObject({ status: 'confirmed', exchange: 'binance' });
      // The account's schedules say otherwise: Binance 0.6 %, Kraken 0.1 %.
      const book = new FeeBook(feeSchedulesFromSettings(settings.fees));
      book.replaceExchangeRates('binance', new Map([['ETH/USDT', { maker: d('0.004'), taker: d('0.006') }]]), NOW);
      book.replaceExchangeRates('kraken', new Map([['ETH/USD', { maker: d('0.0005'), taker: d('0.001') }]]), NOW);
      for (const v of rig.venues) v.takerFee = (symbol) => book.effectiveTakerFee(v.exchange, symbol, undefined, NOW).rate;
      const account = await buyBest(deps, { key: 'fee-account', asset: 'ETH', budgetUsd: d('100') });
      expect(account).toMatchObject({ status: 'confirmed', exchange: 'kraken' });
    } finally {
      rig.close();
    }
  });
});

describe('qbot fees quote follows the Binance variant', () => {
  test('BINANCE_VARIANT=binanceus quotes Binance.US\'s fallback tier, not Binance.com\'s', async () => {
    const quote = async () => {
      const program = new Command('qbot').exitOverride();
      registerLedgerCommands(program);
      const out: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
      try {
        await program.parseAsync(['node', 'qbot', 'fees', 'quote', 'binance', 'BTC/USDT', '1000', '--file', ':memory:', '--json']);
      } finally {
        spy.mockRestore();
      }
      return (JSON.parse(out.join('\n')) as { rate: string }).rate;
    };
    const before = process.env.BINANCE_VARIANT;
    try {
      process.env.BINANCE_VARIANT = 'binanceus';
      expect(await quote()).toBe('0.006');
      process.env.BINANCE_VARIANT = 'binance';
      expect(await quote()).toBe('0.001');
    } finally {
      if (before === undefined) delete process.env.BINANCE_VARIANT;
      else process.env.BINANCE_VARIANT = before;
    }
  });
});

describe('simulator account fee options (fault spec)', () => {
  test('fee-tier=MAKER/TAKER and garbage-fees parse; a bad tier is refused with the grammar', () => {
    expect(parseFaultSpec('kraken:fee-tier=0.02/0.04,coinbase:garbage-fees')).toEqual([
      { exchange: 'kraken', fault: { type: 'fee-tier', makerPercent: '0.02', takerPercent: '0.04' } },
      { exchange: 'coinbase', fault: { type: 'garbage-fees' } },
    ]);
    expect(() => parseFaultSpec('kraken:fee-tier=0.04')).toThrow(/fee-tier needs MAKER\/TAKER in percent/);
    expect(() => parseFaultSpec('kraken:fee-tier=-1/0.04')).toThrow(/fee-tier needs MAKER\/TAKER/);
  });
});
