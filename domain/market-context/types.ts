import type { Decimal } from '../money/decimal';

/**
 * The minimal shapes the indicators need. They mirror ports/market-data.ts (Trade, Candle)
 * structurally so the port types pass straight in, without domain/ importing ports/.
 */
export interface TradePrint {
  price: Decimal;
  amount: Decimal;
  /** Taker side: 'buy' means the buyer crossed the spread (buyer-initiated). */
  side: 'buy' | 'sell';
  /** ms since the epoch, as the trade carries it: indicators never read a clock. */
  timestamp: number;
}

export interface OhlcCandle {
  /** Start of the candle's period, ms since the epoch (UTC). */
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export type ContextLevel = 'aggressive' | 'normal' | 'careful';
export const CONTEXT_LEVELS: readonly ContextLevel[] = ['aggressive', 'normal', 'careful'];

/** What the Q-bot's gates read for one market. */
export interface MarketContext {
  level: ContextLevel;
  /** Net-profit threshold in percent ("0.8" means 0.8 %), already clamped to the configured range. */
  thresholdPercent: Decimal;
  /** Required top-levels depth as a multiple of the trade size, already clamped. */
  depthMultiple: Decimal;
  /** When true the Q-bot multiplies its cycle time by qbot.volatility.slowdownFactor. */
  highVolatility: boolean;
  /** Why, in words a user can read next to a decision: "daily range 2.3x average". */
  reasons: string[];
  /** ms since the epoch when this context was computed (the scanner's clock). */
  computedAt: number;
}
