import { type Decimal, ZERO } from '../money/decimal';
import type { ExchangeId } from '../market';

/** Amounts held per exchange per asset (free + used: capital is capital even when in an order). */
export type HoldingsByExchange = Partial<Record<ExchangeId, Record<string, Decimal>>>;

/** USD price per asset ("USDT" -> 1.0002). */
export type UsdPrices = Record<string, Decimal>;

export interface ExchangeValue {
  exchange: ExchangeId;
  usd: Decimal;
  /** Fraction of the priced capital held here (0..1). */
  share: Decimal;
}

export interface AssetPlacement {
  exchange: ExchangeId;
  amount: Decimal;
  usd: Decimal;
  /** Fraction of this asset's total held here (0..1); 0 when the asset total is 0. */
  share: Decimal;
}

export interface AssetDistribution {
  asset: string;
  amount: Decimal;
  usd: Decimal;
  priceUsd: Decimal;
  placements: AssetPlacement[];
}

export interface PortfolioValuation {
  totalUsd: Decimal;
  byExchange: ExchangeValue[];
  byAsset: AssetDistribution[];
  /**
   * Assets held but without a USD price: left out of every total and named here, because
   * valuing them at 0 would make the capital look smaller and trigger a wrong rebalance.
   */
  unpriced: Array<{ exchange: ExchangeId; asset: string; amount: Decimal }>;
}

/** Values every holding in USD; exchanges and assets come out in a stable (sorted) order. */
export function valuePortfolio(holdings: HoldingsByExchange, prices: UsdPrices): PortfolioValuation {
  const exchanges = (Object.keys(holdings) as ExchangeId[]).sort();
  const assets = new Set<string>();
  const unpriced: PortfolioValuation['unpriced'] = [];
  const exchangeUsd = new Map<ExchangeId, Decimal>();

  for (const exchange of exchanges) {
    let usd = ZERO;
    for (const [asset, amount] of Object.entries(holdings[exchange] ?? {})) {
      if (amount.isNegative()) throw new Error(`negative holding ${amount.toFixed()} ${asset} on ${exchange}`);
      const price = prices[asset];
      if (price === undefined) {
        if (!amount.isZero()) unpriced.push({ exchange, asset, amount });
        continue;
      }
      assets.add(asset);
      usd = usd.plus(amount.times(price));
    }
    exchangeUsd.set(exchange, usd);
  }

  let totalUsd = ZERO;
  for (const usd of exchangeUsd.values()) totalUsd = totalUsd.plus(usd);
  const shareOf = (part: Decimal, whole: Decimal) => (whole.isZero() ? ZERO : part.div(whole));

  const byExchange = exchanges.map((exchange) => {
    const usd = exchangeUsd.get(exchange) ?? ZERO;
    return { exchange, usd, share: shareOf(usd, totalUsd) };
  });

  const byAsset = [...assets].sort().map((asset) => {
    const priceUsd = prices[asset] as Decimal;
    const amounts = exchanges.map((exchange) => ({ exchange, amount: holdings[exchange]?.[asset] ?? ZERO }));
    const amount = amounts.reduce((sum, a) => sum.plus(a.amount), ZERO);
    return {
      asset,
      amount,
      usd: amount.times(priceUsd),
      priceUsd,
      placements: amounts.map((a) => ({ ...a, usd: a.amount.times(priceUsd), share: shareOf(a.amount, amount) })),
    };
  });

  return { totalUsd, byExchange, byAsset, unpriced };
}
