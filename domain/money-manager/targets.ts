import { Decimal, ZERO } from '../money/decimal';
import type { ExchangeId } from '../market';
import { splitCapital, type AllocationPercent, type BotName } from '../allocation';

/**
 * Target weights of one asset across exchanges. Weights are relative (1, 1, 1 means a third
 * each), kept un-normalised so that drift is computed without dividing by 3 and rounding: a
 * 15 % limit must be exactly 15 %, not 14.999...9 %.
 */
export type ExchangeWeights = Partial<Record<ExchangeId, Decimal>>;

/**
 * The default for the Q-bot's inventory: an equal split across the enabled exchanges. Arbitrage
 * buys on one venue and sells on another, so every venue needs the same kind of ammunition; an
 * uneven split would only be right with a measured per-venue opportunity rate, which we do not
 * have yet. Give explicit weights per asset to override (e.g. USD only where a USD book exists).
 */
export function equalWeights(exchanges: readonly ExchangeId[]): ExchangeWeights {
  if (exchanges.length === 0) throw new Error('equal weights need at least one exchange');
  const weights: ExchangeWeights = {};
  for (const e of exchanges) weights[e] = new Decimal(1);
  return weights;
}

export function totalWeight(weights: ExchangeWeights): Decimal {
  let total = ZERO;
  for (const w of Object.values(weights)) {
    if (w.isNegative()) throw new Error(`negative exchange weight ${w.toFixed()}`);
    total = total.plus(w);
  }
  return total;
}

/** Target fraction (0..1) of an asset's total for one exchange. */
export function targetShare(weights: ExchangeWeights, exchange: ExchangeId): Decimal {
  const total = totalWeight(weights);
  if (total.isZero()) throw new Error('exchange weights add up to 0');
  return (weights[exchange] ?? ZERO).div(total);
}

export interface CapitalTargets {
  /** USD per bot from the mode's allocation. */
  byBot: Record<BotName, Decimal>;
  /**
   * USD of the Q-bot's inventory each exchange should hold. Only the Q-bot's capital is spread
   * across venues: the A-bot and G-bot hold their coins where they bought them (the best venue
   * at the time) and staking or cold storage pins them there, so they are not rebalanced.
   */
  qbotByExchange: Partial<Record<ExchangeId, Decimal>>;
}

/** What the current mode's allocation implies for the capital on each exchange. */
export function capitalTargets(totalUsd: Decimal, allocation: AllocationPercent, weights: ExchangeWeights): CapitalTargets {
  const byBot = splitCapital(totalUsd, allocation);
  const total = totalWeight(weights);
  if (total.isZero()) throw new Error('exchange weights add up to 0');
  const qbotByExchange: CapitalTargets['qbotByExchange'] = {};
  for (const [exchange, w] of Object.entries(weights) as Array<[ExchangeId, Decimal]>) {
    qbotByExchange[exchange] = byBot.qbot.times(w).div(total);
  }
  return { byBot, qbotByExchange };
}
