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
  /**
   * Per-asset weights (moneyManager.targetWeights); an asset without them is split equally.
   * Either way only over the venues that list the asset.
   */
  weights?: Partial<Record<string, ExchangeWeights>>;
  driftLimitPercent: Decimal;
  /**
   * The assets each venue lists (from its markets). A venue that does not list an asset gets no
   * target for it: Binance.com has no USD, and a target there would be a permanent "drift" that
   * no conversion or transfer can fix. A venue missing from this map is taken to list everything.
   */
  listed?: Partial<Record<ExchangeId, readonly string[]>>;
  /** Assets the manager may move between venues (moneyManager.transferAssets); undefined = all. */
  transferAssets?: readonly string[];
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

/**
 * Configured weights kept only for the venues that list the asset; equal weights over those
 * venues when none are configured (or none of the configured venues lists it).
 */
function weightsOver(configured: ExchangeWeights | undefined, venues: readonly ExchangeId[]): ExchangeWeights {
  if (!configured) return equalWeights(venues);
  const kept: ExchangeWeights = {};
  for (const v of venues) {
    const w = configured[v];
    if (w !== undefined) kept[v] = w;
  }
  return Object.values(kept).some((w) => w.gt(0)) ? kept : equalWeights(venues);
}

/** One pass of the money manager: value everything, measure drift per asset, plan the moves. */
export function reviewBalances(input: ReviewInput): MoneyReview {
  const valuation = valuePortfolio(input.holdings, input.prices);
  const drifts: AssetDrift[] = [];
  const rebalances: RebalancePlan[] = [];
  const skipped: ReviewSkip[] = [];
  const lists = (exchange: ExchangeId, asset: string) => input.listed?.[exchange]?.includes(asset) ?? true;

  for (const asset of input.inventoryAssets) {
    const price = input.prices[asset];
    if (price === undefined) {
      skipped.push({ asset, reason: 'no USD price' });
      continue;
    }
    const venues = input.enabledExchanges.filter((e) => lists(e, asset));
    if (venues.length < 2) {
      skipped.push({ asset, reason: venues.length === 0 ? 'listed on no enabled exchange' : `listed on ${venues[0]} only: nothing to balance` });
      continue;
    }
    const amounts: Partial<Record<ExchangeId, Decimal>> = {};
    for (const [exchange, assets] of Object.entries(input.holdings) as Array<[ExchangeId, Record<string, Decimal>]>) {
      const a = assets[asset];
      // A balance on a venue that does not list the asset cannot be traded or moved by us.
      if (a !== undefined && venues.includes(exchange)) amounts[exchange] = a;
    }
    const drift = assetDrift(asset, amounts, weightsOver(input.weights?.[asset], venues), input.driftLimitPercent);
    if (drift.total.isZero()) {
      skipped.push({ asset, reason: 'none held anywhere' });
      continue;
    }
    drifts.push(drift);
    const plan = planRebalance(drift, price);
    if (!plan) continue;
    if (input.transferAssets && !input.transferAssets.includes(asset)) {
      skipped.push({ asset, reason: `drift ${drift.driftPercent.toFixed(2)} % over the limit, but ${asset} is not in moneyManager.transferAssets: not moved` });
      continue;
    }
    rebalances.push(plan);
  }
  return { valuation, drifts, rebalances, skipped };
}
