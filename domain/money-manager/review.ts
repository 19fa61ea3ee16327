import type { Decimal } from '../money/decimal';
import type { ExchangeId } from '../market';
import { assetDrift, planRebalance, type AssetDrift, type RebalancePlan } from './drift';
import { equalWeights, type ExchangeWeights } from './targets';
import { valuePortfolio, type HoldingsByExchange, type PortfolioValuation, type UsdPrices } from './valuation';

export interface ReviewInput {
  holdings: HoldingsByExchange;
  prices: UsdPrices;
  /** The Q-bot's inventory: the assets kept spread across venues (arbitrage assets and quotes). */
  inventoryAssets: readonly string[];
  enabledExchanges: readonly ExchangeId[];
  /** Per-asset weights; an asset not listed is split equally over the enabled exchanges. */
  weights?: Partial<Record<string, ExchangeWeights>>;
  driftLimitPercent: Decimal;
}

export interface ReviewSkip {
  asset: string;
  reason: string;
}

export interface MoneyReview {
  valuation: PortfolioValuation;
  drifts: AssetDrift[];
  rebalances: RebalancePlan[];
  /** Inventory assets that could not be judged, with why (never silently passed over). */
  skipped: ReviewSkip[];
}

/** One pass of the money manager: value everything, measure drift per asset, plan the moves. */
export function reviewBalances(input: ReviewInput): MoneyReview {
  const valuation = valuePortfolio(input.holdings, input.prices);
  const drifts: AssetDrift[] = [];
  const rebalances: RebalancePlan[] = [];
  const skipped: ReviewSkip[] = [];
  const defaults = equalWeights(input.enabledExchanges);

  for (const asset of input.inventoryAssets) {
    const price = input.prices[asset];
    if (price === undefined) {
      skipped.push({ asset, reason: 'no USD price' });
      continue;
    }
    const amounts: Partial<Record<ExchangeId, Decimal>> = {};
    for (const [exchange, assets] of Object.entries(input.holdings) as Array<[ExchangeId, Record<string, Decimal>]>) {
      const a = assets[asset];
      if (a !== undefined) amounts[exchange] = a;
    }
    const drift = assetDrift(asset, amounts, input.weights?.[asset] ?? defaults, input.driftLimitPercent);
    if (drift.total.isZero()) {
      skipped.push({ asset, reason: 'none held anywhere' });
      continue;
    }
    drifts.push(drift);
    const plan = planRebalance(drift, price);
    if (plan) rebalances.push(plan);
  }
  return { valuation, drifts, rebalances, skipped };
}
