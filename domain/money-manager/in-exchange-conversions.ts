import { Decimal, ZERO } from '../money/decimal';
import type { ExchangeId } from '../market';
import type { AssetDrift } from './drift';
import type { UsdPrices } from './valuation';

export interface ConversionSuggestion {
  exchange: ExchangeId;
  from: string;
  to: string;
  /** Units of `from` to convert. */
  amount: Decimal;
  amountUsd: Decimal;
}

/**
 * Conversions inside one exchange that shrink drift without moving money between exchanges: where
 * an exchange holds too much of one interchangeable asset (USDT) and too little of another (USDC),
 * converting the overlap costs a spread instead of a network fee and a wait. Largest surplus meets
 * largest deficit, per exchange, until nothing worth `minUsd` is left. Each conversion changes the
 * asset totals a little (the fee and spread), so this is a first step: the next review measures
 * again and transfers whatever drift remains.
 */
export function inExchangeConversions(
  drifts: readonly AssetDrift[],
  prices: UsdPrices,
  interchangeable: readonly string[],
  minUsd: Decimal,
): ConversionSuggestion[] {
  const byExchange = new Map<ExchangeId, Array<{ asset: string; excessUsd: Decimal }>>();
  for (const d of drifts) {
    if (!interchangeable.includes(d.asset)) continue;
    const price = prices[d.asset];
    if (!price) continue;
    for (const row of d.exchanges) {
      const list = byExchange.get(row.exchange) ?? [];
      list.push({ asset: d.asset, excessUsd: row.excess.times(price) });
      byExchange.set(row.exchange, list);
    }
  }
  const out: ConversionSuggestion[] = [];
  for (const exchange of [...byExchange.keys()].sort()) {
    const rows = byExchange.get(exchange)!;
    for (;;) {
      const surplus = rows.filter((r) => r.excessUsd.gt(ZERO)).sort((a, b) => b.excessUsd.comparedTo(a.excessUsd))[0];
      const deficit = rows.filter((r) => r.excessUsd.lt(ZERO)).sort((a, b) => a.excessUsd.comparedTo(b.excessUsd))[0];
      if (!surplus || !deficit) break;
      const usd = Decimal.min(surplus.excessUsd, deficit.excessUsd.neg());
      if (usd.lt(minUsd)) break;
      out.push({ exchange, from: surplus.asset, to: deficit.asset, amount: usd.div(prices[surplus.asset]!), amountUsd: usd });
      surplus.excessUsd = surplus.excessUsd.minus(usd);
      deficit.excessUsd = deficit.excessUsd.plus(usd);
    }
  }
  return out;
}
