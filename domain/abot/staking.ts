import type { Decimal } from '../money/decimal';
import type { ExchangeId } from '../market';

/** A stakable product as the rules see it (ports' StakingProduct has the same fields). */
export interface YieldOption {
  exchange: ExchangeId;
  asset: string;
  productId: string;
  apy: Decimal;
  unbondingMs: number;
  minAmount: Decimal;
}

/**
 * The highest-yield product, optionally for one asset and/or exchange and at least `amount`.
 * Ties: the shorter unbonding wins (money back sooner for the same yield), then the product id,
 * so the choice never depends on the order products were listed in.
 */
export function highestYield(options: readonly YieldOption[], filter: { asset?: string; exchange?: ExchangeId; amount?: Decimal } = {}): YieldOption | null {
  const ok = options.filter(
    (o) => (filter.asset === undefined || o.asset === filter.asset) && (filter.exchange === undefined || o.exchange === filter.exchange) && (filter.amount === undefined || filter.amount.gte(o.minAmount)),
  );
  const sorted = [...ok].sort((a, b) => b.apy.comparedTo(a.apy) || a.unbondingMs - b.unbondingMs || a.productId.localeCompare(b.productId));
  return sorted[0] ?? null;
}

/**
 * The seat warmer to buy: the highest-yield stakable coin of the universe that some configured
 * venue trades (`tradable`: a staking product for a coin nobody lists can never be bought),
 * preferring one no slot holds yet (a second slot of the same coin concentrates risk for no extra
 * yield).
 */
export function chooseSeatWarmer(options: readonly YieldOption[], universe: readonly string[], held: readonly string[], tradable: readonly string[]): YieldOption | null {
  const inUniverse = options.filter((o) => universe.includes(o.asset) && tradable.includes(o.asset));
  return highestYield(inUniverse.filter((o) => !held.includes(o.asset))) ?? highestYield(inUniverse);
}
