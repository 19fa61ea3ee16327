import { z } from 'zod';
import { percentageString, positiveDecimalString } from '../domain/money/schemas';

/**
 * `settings.marketContext`: the market scanner (hotpath/scanner) and how its context maps to the
 * Q-bot's threshold and depth multiple. Every key has a default (written out in settings.json
 * too), so an older settings file without the section keeps working with these values. The
 * daily range ratio that flags high volatility is `qbot.volatility.highRangeRatio` (one knob,
 * not two); the intraday one is here.
 */
const ms = z.number().int().positive();
const positiveInt = z.number().int().positive();
const ratio = positiveDecimalString;

export const marketContextSchema = z
  .strictObject({
    /** How often contexts are recomputed (events only append to buffers). */
    updateIntervalMs: ms.default(2000),
    /** Window for CVD, whales, volume profile and the Wyckoff heuristic. */
    windowMs: ms.default(900_000),
    /** Fewer trades than this in the window: baseline context ("warming up"). */
    minTradesInWindow: z.number().int().nonnegative().default(20),
    buffers: z
      .strictObject({
        /** Trades kept per market (ring buffer; the window is cut from it, so on a busy market the window is the last this-many trades). Bounds the update cost too. */
        trades: positiveInt.default(2000),
        /** Spread samples per market (one per update): the spread norm is their median. */
        spreadSamples: positiveInt.default(300),
        /** Intraday candles kept per market. */
        intradayCandles: positiveInt.default(120),
      })
      .prefault({}),
    intraday: z
      .strictObject({
        candleMs: ms.default(60_000),
        /** The recent range is the mean range of this many latest candles... */
        recentCandles: positiveInt.default(5),
        /** ...against the median range of the kept candles; at or above this: high volatility. */
        highRangeRatio: ratio.prefault('3'),
      })
      .prefault({}),
    daily: z
      .strictObject({
        /** rest: fetch daily candles once per UTC day per market (falls back to trades); trades: build them only from trades. */
        source: z.enum(['rest', 'trades']).default('rest'),
        /** Complete days averaged for the ATR-like range ratio. */
        averageDays: positiveInt.default(14),
        /** At most this many candle fetches start per update (spreads REST use over time). */
        fetchesPerUpdate: positiveInt.default(1),
        /** After a failed fetch, wait this long before trying that market again. */
        retryAfterMs: ms.default(600_000),
      })
      .prefault({}),
    /** A trade or book level larger than this x the median size is a whale. */
    whaleMultiple: ratio.prefault('10'),
    /** Top levels used for imbalance and whale walls. */
    bookLevels: positiveInt.default(5),
    volumeProfile: z
      .strictObject({ buckets: positiveInt.default(24), valueAreaPercent: percentageString.prefault('70') })
      .prefault({}),
    /** A smaller price move over the window is no direction, so never a CVD divergence. */
    cvdMinMovePercent: percentageString.prefault('0.1'),
    wyckoff: z
      .strictObject({
        trendFraction: ratio.prefault('0.5'),
        sidewaysFraction: ratio.prefault('0.25'),
        volumeBias: ratio.prefault('1.2'),
        minCandles: positiveInt.default(5),
      })
      .prefault({}),
    careful: z
      .strictObject({
        minSignals: positiveInt.default(2),
        spreadRatio: ratio.prefault('2'),
        whaleTrades: positiveInt.default(3),
        whaleWalls: positiveInt.default(2),
        imbalance: ratio.prefault('0.6'),
      })
      .prefault({}),
    aggressive: z
      .strictObject({
        maxRangeRatio: ratio.prefault('0.8'),
        maxIntradayRangeRatio: ratio.prefault('1.5'),
        maxSpreadRatio: ratio.prefault('1.2'),
      })
      .prefault({}),
    /**
     * How a context's strength maps onto qbot.netThresholdPercent {min..max} and
     * qbot.depthCheck {minMultiple..maxMultiple}, continuously (domain/market-context/strength.ts).
     */
    strength: z
      .strictObject({
        /** Caution units (warnings; high volatility weighs careful.minSignals per multiple of its mark) that reach the top of both ranges. */
        fullCautionSignals: positiveInt.default(4),
      })
      .prefault({}),
  })
  .prefault({});
export type MarketContextSettings = z.infer<typeof marketContextSchema>;
