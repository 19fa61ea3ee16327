import { Decimal, ZERO } from './money/decimal';
import { percentOf } from './money/percent';

/** The two macro modes; GOLD is in force at start (the user's November 2025 signal). */
export type TradingMode = 'BTC' | 'GOLD';
export const TRADING_MODES: readonly TradingMode[] = ['BTC', 'GOLD'];

export function isTradingMode(x: unknown): x is TradingMode {
  return x === 'BTC' || x === 'GOLD';
}

export type BotName = 'qbot' | 'abot' | 'gbot';
export const BOT_NAMES: readonly BotName[] = ['qbot', 'abot', 'gbot'];

/** Percent of capital per bot, e.g. { qbot: 85, abot: 15, gbot: 0 }. */
export type AllocationPercent = Record<BotName, Decimal>;
export type AllocationTable = Record<TradingMode, AllocationPercent>;

/** Capital per bot in USD for a mode; the remainder of rounding stays with the Q-bot. */
export function splitCapital(capitalUsd: Decimal, percents: AllocationPercent): Record<BotName, Decimal> {
  const abot = percentOf(capitalUsd, percents.abot);
  const gbot = percentOf(capitalUsd, percents.gbot);
  return { qbot: capitalUsd.minus(abot).minus(gbot), abot, gbot };
}

/** The Q-bot's capital divided between cross-exchange and triangular arbitrage. */
export function splitQbotCapital(
  qbotCapital: Decimal,
  split: { cross: Decimal; triangular: Decimal },
): { cross: Decimal; triangular: Decimal } {
  const triangular = percentOf(qbotCapital, split.triangular);
  return { cross: qbotCapital.minus(triangular), triangular };
}

/** Bots that hold capital in a mode; a bot with 0 % is deactivated. */
export function activeBots(percents: AllocationPercent): BotName[] {
  return BOT_NAMES.filter((b) => percents[b].gt(ZERO));
}
