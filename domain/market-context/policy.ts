import type { Decimal } from '../money/decimal';

/**
 * How signals become a level and a level becomes numbers. The config section `marketContext`
 * parses into this shape (config/schemas.ts); domain/ only sees the parsed Decimals.
 */
export interface ContextPolicy {
  /** Below this many trades in the window the scanner reports the baseline ("warming up"). */
  minTrades: number;
  /** Daily true range / its average at or above this flags high volatility (qbot.volatility.highRangeRatio). */
  highRangeRatio: Decimal;
  /** Recent intraday candle range / its norm at or above this flags high volatility too. */
  intradayHighRangeRatio: Decimal;
  careful: {
    /** This many warning signals (besides high volatility, which alone is enough) make it careful. */
    minSignals: number;
    spreadRatio: Decimal;
    /** Whale trades on one side in the window. */
    whaleTrades: number;
    /** Whale levels (walls) on one side of the book. */
    whaleWalls: number;
    /** |top-level imbalance| at or above this. */
    imbalance: Decimal;
  };
  aggressive: {
    /** The daily range ratio must be known and at or below this (a quiet day). */
    maxRangeRatio: Decimal;
    /** The intraday range ratio, when known, must be at or below this (no stirring right now). */
    maxIntradayRangeRatio: Decimal;
    maxSpreadRatio: Decimal;
  };
  strength: {
    /**
     * Caution units (warnings, plus high volatility counted as careful.minSignals warnings times
     * how far past its mark the range is) at which the threshold and depth multiple reach the top
     * of their configured ranges; fewer units climb there in proportion.
     */
    fullCautionSignals: number;
  };
}

/**
 * The Q-bot's hard limits (structurally the `qbot` part of the settings): the scanner may move
 * the threshold and depth multiple only inside them, whatever the context's strength says.
 */
export interface ContextBounds {
  qbot: {
    netThresholdPercent: { baseline: Decimal; min: Decimal; max: Decimal };
    depthCheck: { minMultiple: Decimal; maxMultiple: Decimal; defaultMultiple: Decimal };
  };
}
