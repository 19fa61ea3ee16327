import { z } from 'zod';
import { percentageString, positiveDecimalString, nonNegativeDecimalString } from '../domain/money/schemas';
import { marketContextSchema } from './market-context-schema';

/**
 * Schemas for config/*.json and the environment. Every object is strict: an unknown key is
 * almost always a typo of a known one, and a typo silently falling back to a default is how a
 * bot ends up trading with the wrong threshold.
 */

export const MODES = ['BTC', 'GOLD'] as const;
export const modeSchema = z.enum(MODES);
export type Mode = z.infer<typeof modeSchema>;

export const EXCHANGE_IDS = ['binance', 'kraken', 'coinbase'] as const;
export const exchangeIdSchema = z.enum(EXCHANGE_IDS);
export type ExchangeId = z.infer<typeof exchangeIdSchema>;

export const LATENCY_MODES = ['laptop', 'server', 'colo'] as const;
export const latencyModeSchema = z.enum(LATENCY_MODES);
export type LatencyMode = z.infer<typeof latencyModeSchema>;

const ms = z.number().int().positive();
const count = z.number().int().nonnegative();

const allocation = z.strictObject({ qbot: percentageString, abot: percentageString, gbot: percentageString });

const latencyProfile = z.strictObject({
  maxBookAgeMs: ms,
  staleAfterMs: ms,
  cycleTimeMultiplier: positiveDecimalString,
  restRequestsPerMinute: z.number().int().positive(),
  wsSubscriptionsPerSecond: z.number().int().positive(),
});

const feeRates = z.strictObject({ makerPercent: percentageString, takerPercent: percentageString });

/**
 * Fee defaults per account, used when the exchange cannot tell us (fetchTradingFees). Base-tier
 * rates; `markets` overrides per unified symbol; `discount` (Binance: 25 % off when the fee is
 * paid in BNB); `zeroFeeAllowance` (Coinbase One: no fee up to a monthly volume; off unless the
 * account really has it, because assuming a zero fee that is not there underprices every trade).
 */
const accountFees = z.strictObject({
  makerPercent: percentageString,
  takerPercent: percentageString,
  markets: z.record(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'must be a unified symbol like "BTC/USDT"'), feeRates).optional(),
  discount: z.strictObject({ asset: z.string().regex(/^[A-Z0-9]{2,10}$/), percentOff: percentageString }).optional(),
  zeroFeeAllowance: z
    .strictObject({ enabled: z.boolean(), name: z.string().min(1), monthlyVolumeUsd: nonNegativeDecimalString })
    .optional(),
});

export const settingsSchema = z
  .strictObject({
    modes: z.strictObject({
      initialMode: modeSchema,
      allocationPercent: z.strictObject({ BTC: allocation, GOLD: allocation }),
    }),
    qbot: z.strictObject({
      splitPercent: z.strictObject({ cross: percentageString, triangular: percentageString }),
      cycleTimeMs: z.strictObject({ cross: ms, triangular: ms }),
      netThresholdPercent: z.strictObject({ baseline: percentageString, min: percentageString, max: percentageString }),
      depthCheck: z.strictObject({
        levels: z.number().int().min(1).max(50),
        minMultiple: positiveDecimalString,
        maxMultiple: positiveDecimalString,
        defaultMultiple: positiveDecimalString,
      }),
      volatility: z.strictObject({
        slowdownFactor: z.number().int().min(1).max(10),
        highRangeRatio: positiveDecimalString,
      }),
      stablecoinPegBandPercent: percentageString,
      /** A depeg trip holds until the stable has been back in band this long (no flicker on in-band minutes). */
      depegGuard: z.strictObject({ recoverAfterMs: ms }).default({ recoverAfterMs: 1_800_000 }),
      rebalanceCostPerTradePercent: percentageString,
      singleLeg: z.strictObject({
        policy: z.enum(['unwind', 'hedge', 'hold']),
        maxUnwindLossPercent: percentageString,
      }),
      killSwitch: z.strictObject({
        maxDailyLossUsd: positiveDecimalString,
        maxConsecutiveFailures: z.number().int().min(1),
      }),
      minTradeUsd: positiveDecimalString,
    }),
    latencyProfiles: z.strictObject({ laptop: latencyProfile, server: latencyProfile, colo: latencyProfile }),
    moneyManager: z.strictObject({
      driftLimitPercent: percentageString,
      balanceCheckIntervalMs: ms,
      bnbReserve: z.strictObject({
        minimumUsd: nonNegativeDecimalString,
        daysOfFeeSpend: z.number().int().min(1),
        /** The most one BNB top-up may spend, in USD (it comes out of the Q-bot's stablecoins on Binance). */
        topUpMaxUsd: nonNegativeDecimalString.prefault('50'),
      }),
      /** Assets the money manager may move between exchanges (the rule moves stablecoins); others are reported, not moved. */
      transferAssets: z.array(z.string().regex(/^[A-Z0-9]{2,10}$/, 'must be an upper-case asset code like "USDT"')).default(['USDT', 'USDC']),
      /** Per-asset target weights across exchanges (relative, e.g. USD: kraken 2, coinbase 1); unset = equal over the venues that list it. */
      targetWeights: z.record(z.string().regex(/^[A-Z0-9]{2,10}$/, 'must be an upper-case asset code like "USD"'), z.partialRecord(exchangeIdSchema, nonNegativeDecimalString)).default({}),
    }),
    transfers: z.strictObject({
      minimumUsd: positiveDecimalString,
      costTargetUsd: positiveDecimalString,
      costBudgetPercentOfAmount: percentageString,
      /** Rule 25: transfer costs over the last 365 days may not pass this share of capital without an operator. */
      yearlyCostBudgetPercentOfCapital: percentageString.prefault('0.5'),
      erc20MinimumUsd: positiveDecimalString,
      avalancheMaxFeeUsd: positiveDecimalString,
      approvalAboveUsd: positiveDecimalString,
      approvalTimeoutMs: ms,
      depositTimeoutMs: ms,
    }),
    abot: z.strictObject({
      slots: z.number().int().min(1).max(20),
      seatWarmers: z.strictObject({
        buyWhenEmptyMoreThan: count,
        sellWhenEmptyFewerThan: count,
        sellOrder: z.literal('FIFO'),
      }),
      keepSignalPositionsOnGold: z.boolean(),
      /** Fresh-quote attempts after a buy's IOC filled nothing (NO_FILL); other refusals are never retried. */
      noFillRetries: z.number().int().min(0).max(5).default(2),
    }),
    gbot: z.strictObject({ sellPercentOnFlip: percentageString, keepPercentOnFlip: percentageString }),
    sweep: z.strictObject({
      profitPercent: percentageString,
      maxPerCalendarMonth: z.number().int().min(1),
      allowedModes: z.array(modeSchema).min(1),
    }),
    webhook: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      maxAlertAgeMs: ms,
      bodyLimitBytes: z.number().int().min(256).max(1_048_576),
      allowList: z.array(z.ipv4()),
      rateLimitPerMinute: z.number().int().min(1),
      /** Requests that fail before the passphrase is proven, per source and minute (a budget apart from real alerts). */
      unauthenticatedRateLimitPerMinute: z.number().int().min(1).default(60),
      /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
      trustProxy: z.boolean().default(false),
    }),
    dashboard: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      /** Names the dashboard answers to besides its bound address and localhost ("name" or "name:port"); others get 421. */
      allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port')).default([]),
    }),
    fees: z.strictObject({
      binance: accountFees, kraken: accountFees, coinbase: accountFees,
      /** Binance.US's own fallback tiers (used for the `binance` venue when BINANCE_VARIANT=binanceus). */
      binanceus: accountFees.optional(),
      /** How often each venue's own fee schedule (fetchTradingFees) is read again; a fill whose fee differs reads it at once. */
      accountRefreshMs: z.number().int().min(60_000).optional(),
    }),
    marketContext: marketContextSchema,
    exchanges: z.strictObject({
      enabled: z.array(exchangeIdSchema).min(1),
      /** Removed: read nowhere, it misled. The variant goes with the account's keys (BINANCE_VARIANT). */
      binanceVariant: z.never({ error: 'no longer a setting (it was read nowhere): the Binance variant goes with the account\'s keys, set BINANCE_VARIANT=binance or binanceus in the environment' }).optional(),
    }),
    /** The account as a whole: what limits are judged against (a loss limit above it is nonsense). */
    account: z.strictObject({ sizeUsd: positiveDecimalString }).optional(),
    /** Reservations before orders and withdrawals (domain/capital, adapters/capital/guard.ts). */
    capital: z.strictObject({
      /** A reservation whose process died before the outcome frees itself after this long. */
      reservationTtlMs: ms,
      /** Balances are read at most this often for the check (guarded moves since the read are applied on top); 0 = every check. */
      balanceMaxAgeMs: z.number().int().min(0),
      /** A buy reserves at its worst limit price, a budget is split at mid: this much over a budget is tolerated. */
      budgetSlackPercent: percentageString,
    }).prefault({ reservationTtlMs: 120_000, balanceMaxAgeMs: 5_000, budgetSlackPercent: '2' }),
    /** The periodic reconciliation of the ledger with each venue (workflows/reconcile.ts). */
    reconcile: z.strictObject({
      /** Time between two comparisons. */
      intervalMs: z.number().int().min(1_000),
    }).prefault({ intervalMs: 900_000 }),
  })
  .superRefine((s, ctx) => {
    // Cross-field rules: each must name the key a user has to fix.
    for (const mode of MODES) {
      const a = s.modes.allocationPercent[mode];
      const sum = a.qbot.plus(a.abot).plus(a.gbot);
      if (!sum.eq(100)) {
        ctx.addIssue({ code: 'custom', path: ['modes', 'allocationPercent', mode], message: `allocations must add up to 100, they add up to ${sum.toFixed()}` });
      }
    }
    const split = s.qbot.splitPercent;
    if (!split.cross.plus(split.triangular).eq(100)) {
      ctx.addIssue({ code: 'custom', path: ['qbot', 'splitPercent'], message: 'cross + triangular must add up to 100' });
    }
    const t = s.qbot.netThresholdPercent;
    if (!(t.min.lte(t.baseline) && t.baseline.lte(t.max))) {
      ctx.addIssue({ code: 'custom', path: ['qbot', 'netThresholdPercent'], message: 'must satisfy min <= baseline <= max' });
    }
    const d = s.qbot.depthCheck;
    if (!(d.minMultiple.lte(d.defaultMultiple) && d.defaultMultiple.lte(d.maxMultiple))) {
      ctx.addIssue({ code: 'custom', path: ['qbot', 'depthCheck'], message: 'must satisfy minMultiple <= defaultMultiple <= maxMultiple' });
    }
    const g = s.gbot;
    if (!g.sellPercentOnFlip.plus(g.keepPercentOnFlip).eq(100)) {
      ctx.addIssue({ code: 'custom', path: ['gbot'], message: 'sellPercentOnFlip + keepPercentOnFlip must add up to 100' });
    }
    const loss = s.qbot.killSwitch.maxDailyLossUsd;
    if (s.account && loss.gt(s.account.sizeUsd)) {
      ctx.addIssue({
        code: 'custom', path: ['qbot', 'killSwitch', 'maxDailyLossUsd'],
        message: `${loss.toFixed()} USD is more than the whole account (account.sizeUsd ${s.account.sizeUsd.toFixed()} USD): the kill switch could never trip`,
      });
    }
    const w = s.abot.seatWarmers;
    if (w.buyWhenEmptyMoreThan > s.abot.slots || w.sellWhenEmptyFewerThan > w.buyWhenEmptyMoreThan) {
      ctx.addIssue({ code: 'custom', path: ['abot', 'seatWarmers'], message: 'need sellWhenEmptyFewerThan <= buyWhenEmptyMoreThan <= slots' });
    }
  });
export type Settings = z.infer<typeof settingsSchema>;

const assetCode = z.string().regex(/^[A-Z0-9]{2,10}$/, 'must be an upper-case asset code like "BTC"');

export const coinsSchema = z.strictObject({
  arbitrageAssets: z.array(assetCode).min(1),
  quoteCurrencies: z.array(assetCode).min(1),
  stablecoins: z.record(assetCode, assetCode),
  goldAsset: assetCode,
  feeDiscountAsset: z.partialRecord(exchangeIdSchema, assetCode),
  abotUniverse: z.array(assetCode).min(1),
  stakable: z.record(assetCode, z.array(exchangeIdSchema).min(1)),
  /**
   * Paper staking products (APY, unbonding) per asset and exchange: what the paper Staking adapter
   * offers. Only (asset, exchange) pairs listed in `stakable` may appear.
   */
  paperStaking: z
    .record(assetCode, z.partialRecord(exchangeIdSchema, z.strictObject({ apyPercent: percentageString, unbondingHours: z.number().int().min(0).max(24 * 90) })))
    .optional(),
}).superRefine((c, ctx) => {
  for (const [asset, venues] of Object.entries(c.paperStaking ?? {})) {
    for (const exchange of Object.keys(venues)) {
      if (!(c.stakable[asset] ?? []).includes(exchange as ExchangeId)) {
        ctx.addIssue({ code: 'custom', path: ['paperStaking', asset, exchange], message: `${asset} is not stakable on ${exchange} (see "stakable")` });
      }
    }
  }
});
export type Coins = z.infer<typeof coinsSchema>;

export const networkRuleSchema = z.enum(['preferred', 'fee-confirmed-under-limit', 'large-transfers-only']);

export const networksSchema = z
  .strictObject({
    networks: z.record(
      z.string().regex(/^[A-Z0-9]{2,10}$/),
      z.strictObject({
        name: z.string().min(1),
        ccxtCode: z.string().min(1),
        preferenceRank: z.number().int().min(1),
        typicalMinutes: z.number().positive(),
        rule: networkRuleSchema,
      }),
    ),
    preferredRoutes: z.array(
      z.strictObject({
        from: exchangeIdSchema,
        to: exchangeIdSchema,
        asset: assetCode,
        networks: z.array(z.string()).min(1),
      }),
    ),
  })
  .superRefine((n, ctx) => {
    n.preferredRoutes.forEach((r, i) =>
      r.networks.forEach((net, j) => {
        if (!(net in n.networks)) {
          ctx.addIssue({ code: 'custom', path: ['preferredRoutes', i, 'networks', j], message: `unknown network "${net}"` });
        }
      }),
    );
  });
export type Networks = z.infer<typeof networksSchema>;
