import { Decimal } from '../../domain/money/decimal';
import { assetDrift, capitalTargets, equalWeights, planRebalance, reviewBalances, targetShare, valuePortfolio } from '../../domain/money-manager';

const d = (s: string) => new Decimal(s);
const LIMIT = d('15');
const ALL = ['binance', 'kraken', 'coinbase'] as const;

describe('drift across exchanges (limit 15 %, strictly greater triggers)', () => {
  it.each([
    ['114.99', '85.01', '14.99', false],
    ['115', '85', '15', false],
    ['115.01', '84.99', '15.01', true],
  ])('binance %s / kraken %s -> drift %s %%, rebalance %s', (b, k, drift, exceeds) => {
    const r = assetDrift('USDT', { binance: d(b), kraken: d(k) }, equalWeights(['binance', 'kraken']), LIMIT);
    expect(r.driftPercent.toFixed()).toBe(drift);
    expect(r.exceedsLimit).toBe(exceeds);
    const plan = planRebalance(r, d('1'));
    if (exceeds) {
      expect(plan).toMatchObject({ asset: 'USDT', from: 'binance', to: 'kraken' });
      expect(plan!.amount.toFixed()).toBe('15.01');
    } else {
      expect(plan).toBeUndefined();
    }
  });

  it('is exact with three equal weights (no 1/3 rounding at the boundary)', () => {
    const at = assetDrift('USDC', { binance: d('115'), kraken: d('100'), coinbase: d('85') }, equalWeights(ALL), LIMIT);
    expect(at.driftPercent.toFixed()).toBe('15');
    expect(at.exceedsLimit).toBe(false);
    const over = assetDrift('USDC', { binance: d('115.03'), kraken: d('100'), coinbase: d('84.97') }, equalWeights(ALL), LIMIT);
    expect(over.driftPercent.toFixed()).toBe('15.03');
    expect(over.exceedsLimit).toBe(true);
  });

  it('plans the smaller of largest surplus and largest deficit, valued in USD', () => {
    // total 3 BTC, target 1 each: binance +0.5, kraken +0.1, coinbase -0.6 -> move 0.5 binance->coinbase
    const r = assetDrift('BTC', { binance: d('1.5'), kraken: d('1.1'), coinbase: d('0.4') }, equalWeights(ALL), LIMIT);
    expect(r.driftPercent.toFixed()).toBe('60');
    const plan = planRebalance(r, d('60000'))!;
    expect(plan).toMatchObject({ from: 'binance', to: 'coinbase' });
    expect(plan.amount.toFixed()).toBe('0.5');
    expect(plan.amountUsd.toFixed()).toBe('30000');
  });

  it('honours uneven weights and treats holdings where no target exists as fully misplaced', () => {
    const w = { kraken: d('1'), coinbase: d('3') }; // USD lives on Kraken and Coinbase only
    const r = assetDrift('USD', { kraken: d('100'), coinbase: d('300'), binance: d('5') }, w, LIMIT);
    const binance = r.exchanges.find((x) => x.exchange === 'binance')!;
    expect(binance.targetAmount.toFixed()).toBe('0');
    expect(binance.deviationPercent.toFixed()).toBe('100');
    expect(r.exceedsLimit).toBe(true);
    expect(planRebalance(r, d('1'))).toMatchObject({ from: 'binance' });
    expect(targetShare(w, 'coinbase').toFixed()).toBe('0.75');
  });

  it('reports no drift for an asset nobody holds', () => {
    const r = assetDrift('SOL', {}, equalWeights(ALL), LIMIT);
    expect(r.driftPercent.toFixed()).toBe('0');
    expect(r.exceedsLimit).toBe(false);
  });

  it('refuses negative amounts and all-zero weights', () => {
    expect(() => assetDrift('BTC', { binance: d('-1') }, equalWeights(ALL), LIMIT)).toThrow(/negative/);
    expect(() => assetDrift('BTC', {}, { binance: d('0') }, LIMIT)).toThrow(/add up to 0/);
  });
});

describe('valuation and targets', () => {
  it('values holdings in USD per exchange and per asset and names unpriced assets', () => {
    const v = valuePortfolio(
      {
        binance: { USDT: d('3000'), BTC: d('0.01'), XYZ: d('7') },
        kraken: { USD: d('1000'), BTC: d('0.02') },
      },
      { USDT: d('1'), USD: d('1'), BTC: d('50000') },
    );
    expect(v.totalUsd.toFixed()).toBe('5500');
    expect(v.byExchange.map((e) => [e.exchange, e.usd.toFixed(), e.share.toFixed()])).toEqual([
      ['binance', '3500', expect.stringMatching(/^0\.63636363/)],
      ['kraken', '2000', expect.stringMatching(/^0\.36363636/)],
    ]);
    const btc = v.byAsset.find((a) => a.asset === 'BTC')!;
    expect(btc.usd.toFixed()).toBe('1500');
    expect(btc.placements.map((p) => [p.exchange, p.share.toFixed()])).toEqual([
      ['binance', expect.stringMatching(/^0\.33333/)],
      ['kraken', expect.stringMatching(/^0\.66666/)],
    ]);
    expect(v.unpriced).toEqual([{ exchange: 'binance', asset: 'XYZ', amount: d('7') }]);
  });

  it('derives the Q-bot inventory per exchange from the mode allocation (GOLD: 15 % Q-bot)', () => {
    const t = capitalTargets(d('9000'), { qbot: d('15'), abot: d('0'), gbot: d('85') }, equalWeights(ALL));
    expect(t.byBot.qbot.toFixed()).toBe('1350');
    expect(t.byBot.gbot.toFixed()).toBe('7650');
    expect(t.qbotByExchange.kraken!.toFixed()).toBe('450');
  });

  it('reviews every inventory asset: plans what drifted, skips with a reason what it cannot judge', () => {
    const review = reviewBalances({
      holdings: {
        binance: { USDT: d('1200'), BTC: d('0.01') },
        kraken: { USDT: d('400'), BTC: d('0.01') },
        coinbase: { USDT: d('400'), BTC: d('0.01') },
      },
      prices: { USDT: d('1'), BTC: d('60000') },
      inventoryAssets: ['BTC', 'USDT', 'ETH', 'SOL'],
      enabledExchanges: ALL,
      driftLimitPercent: LIMIT,
      weights: {},
    });
    expect(review.drifts.map((x) => [x.asset, x.driftPercent.toFixed()])).toEqual([
      ['BTC', '0'],
      ['USDT', '80'],
    ]);
    expect(review.rebalances).toHaveLength(1);
    expect(review.rebalances[0]).toMatchObject({ asset: 'USDT', from: 'binance' });
    // surplus 1200-666.67 on binance, deficit 266.67 on each of the others: move the smaller
    expect(review.rebalances[0]!.amount.toFixed()).toBe(d('2000').div(3).minus(d('400')).toFixed());
    expect(review.skipped).toEqual([
      { asset: 'ETH', reason: 'no USD price' },
      { asset: 'SOL', reason: 'no USD price' },
    ]);
  });
});
