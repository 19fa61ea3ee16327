import { Decimal } from '../../domain/money/decimal';
import { reviewBalances, type ReviewInput } from '../../domain/money-manager';

const d = (s: string) => new Decimal(s);
const ALL = ['binance', 'kraken', 'coinbase'] as const;
const PRICES = { USD: d('1'), USDT: d('1'), USDC: d('1'), BTC: d('60000') };
// What the venues list (their markets): Binance.com has no USD at all.
const LISTED = { binance: ['BTC', 'USDT', 'USDC', 'BNB'], kraken: ['BTC', 'USD', 'USDT', 'USDC'], coinbase: ['BTC', 'USD', 'USDC', 'USDT'] };

function review(over: Partial<ReviewInput>) {
  return reviewBalances({
    holdings: {
      binance: { USDT: d('1000'), USDC: d('1000'), BTC: d('0.01') },
      kraken: { USD: d('1000'), USDT: d('1000'), USDC: d('1000'), BTC: d('0.01') },
      coinbase: { USD: d('1000'), USDT: d('1000'), USDC: d('1000'), BTC: d('0.01') },
    },
    prices: PRICES,
    inventoryAssets: ['USD', 'USDT', 'USDC', 'BTC'],
    enabledExchanges: ALL,
    driftLimitPercent: d('15'),
    listed: LISTED,
    ...over,
  });
}

describe('money manager targets: only where a venue lists the asset, configurable weights, stablecoin transfers', () => {
  it('gives no USD target to Binance.com, which lists no USD: USD split over Kraken and Coinbase shows no drift', () => {
    const r = review({});
    const usd = r.drifts.find((x) => x.asset === 'USD')!;
    expect(usd.exchanges.map((e) => e.exchange)).toEqual(['coinbase', 'kraken']);
    expect(usd.driftPercent.toFixed()).toBe('0');
    expect(r.rebalances).toEqual([]);
  });

  it('without the venue lists (old behaviour) the same balances look 100 % drifted: the defect this guards against', () => {
    const r = review({ listed: undefined });
    expect(r.drifts.find((x) => x.asset === 'USD')!.driftPercent.toFixed()).toBe('100');
  });

  it('uses configured weights, restricted to the venues that list the asset', () => {
    // 2:1 Kraken:Coinbase for USD (a Binance weight is ignored: it cannot hold USD).
    const r = review({ weights: { USD: { kraken: d('2'), coinbase: d('1'), binance: d('5') } } });
    const usd = r.drifts.find((x) => x.asset === 'USD')!;
    expect(usd.exchanges.map((e) => [e.exchange, e.targetAmount.toFixed()])).toEqual([['coinbase', '666.6666666666666666666666666666666666667'], ['kraken', '1333.333333333333333333333333333333333333']]);
    expect(usd.exceedsLimit).toBe(true);
  });

  it('transfers stablecoins only unless configured otherwise: a drifted BTC is reported, not moved', () => {
    const holdings = {
      binance: { USDT: d('1000'), USDC: d('1000'), BTC: d('0.05') },
      kraken: { USD: d('1000'), USDT: d('1000'), USDC: d('1000'), BTC: d('0.01') },
      coinbase: { USD: d('1000'), USDT: d('1000'), USDC: d('1000'), BTC: d('0.01') },
    };
    const only = review({ holdings, transferAssets: ['USDT', 'USDC'] });
    expect(only.drifts.find((x) => x.asset === 'BTC')!.exceedsLimit).toBe(true);
    expect(only.rebalances).toEqual([]);
    expect(only.skipped).toContainEqual({ asset: 'BTC', reason: 'drift 114.29 % over the limit, but BTC is not in moneyManager.transferAssets: not moved' });
    const withBtc = review({ holdings, transferAssets: ['USDT', 'USDC', 'BTC'] });
    expect(withBtc.rebalances.map((p) => [p.asset, p.from, p.to])).toEqual([['BTC', 'binance', 'coinbase']]);
  });

  it('judges nothing for an asset only one venue lists, and says so', () => {
    const r = review({ listed: { ...LISTED, coinbase: ['BTC', 'USDC', 'USDT'] } });
    expect(r.drifts.find((x) => x.asset === 'USD')).toBeUndefined();
    expect(r.skipped).toContainEqual({ asset: 'USD', reason: 'listed on kraken only: nothing to balance' });
  });
});
