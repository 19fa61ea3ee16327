import type { Env } from '../../config/env';
import type { Networks, Settings } from '../../config/schemas';
import type { ExchangeId } from '../../domain/market';
import type { Account } from '../../ports/account';
import type { Clock } from '../../ports/clock';
import type { Funding } from '../../ports/funding';
import type { BookHealth } from '../../ports/market-data';
import type { Staking } from '../../ports/staking';
import { CcxtAccount } from './account';
import { CcxtFunding } from './funding';
import type { StateStore } from '../persistence/state-sqlite';
import { WithdrawalKeyStore } from '../persistence/withdrawal-keys';
import { NetworkCodes } from './funding-map';
import { createCcxtInstance } from './instances';
import { createExchangeLogger, type Logger } from './log';
import { CcxtMarketData, marketDataConfig, type MarketDataConfig } from './market-data';
import { DEFAULT_BACKOFF, RateBudget, type RateBudgetConfig, type RateBudgetHealth } from './rate-budget';
import { EarnStaking, UnsupportedStaking, earnApiFor } from './staking';
import { CcxtTrading } from './trading';
import { installUnhandledRejectionGuard } from './unhandled';
import { quirksFor } from './venues';

export interface ExchangeAdaptersOptions {
  exchange: ExchangeId;
  env: Env;
  settings: Settings;
  clock: Clock;
  /** Deep-merged into ccxt's `urls` (the simulator's `urls[exchange]`). */
  urlsOverride?: Record<string, unknown>;
  /** Extra ccxt constructor options (the simulator's `ccxtOptions(exchange)`). */
  ccxtOptions?: Record<string, unknown>;
  networks?: Networks;
  logger?: Logger;
  /** Tuning (tests use short ages and backoffs); defaults come from the latency profile. */
  marketData?: Partial<MarketDataConfig>;
  rateBudget?: Partial<RateBudgetConfig>;
  orderMaxWaitMs?: number;
  /** Durable state (state.sqlite): live withdrawal idempotency keys are recorded there before each send. */
  state?: StateStore;
}

export interface VenueHealth {
  exchange: ExchangeId;
  ccxtId: string;
  rateLimit: RateBudgetHealth;
  books: BookHealth[];
}

export interface ExchangeAdapters {
  exchange: ExchangeId;
  marketData: CcxtMarketData;
  trading: CcxtTrading;
  account: Account;
  funding: Funding;
  staking: Staking;
  health(): VenueHealth;
  close(): Promise<void>;
}

/** Wires one venue: two ccxt instances (WebSocket data; REST trading/account/funding), one budget. */
export async function createExchangeAdapters(o: ExchangeAdaptersOptions): Promise<ExchangeAdapters> {
  const log = (o.logger ?? createExchangeLogger(o.env.LOG_LEVEL)).child({ exchange: o.exchange });
  installUnhandledRejectionGuard(log);
  const quirks = quirksFor(o.exchange, o.env);
  const profile = o.settings.latencyProfiles[o.env.LATENCY_MODE];
  const budget = new RateBudget({
    restRequestsPerMinute: profile.restRequestsPerMinute,
    wsSubscriptionsPerSecond: profile.wsSubscriptionsPerSecond,
    ...DEFAULT_BACKOFF,
    ...o.rateBudget,
  });
  const spec = { quirks, env: o.env, urlsOverride: o.urlsOverride, ccxtOptions: o.ccxtOptions };
  const dataEx = await createCcxtInstance({ ...spec, purpose: 'market-data' });
  const restEx = await createCcxtInstance({ ...spec, purpose: 'trading' });
  const marketData = new CcxtMarketData(dataEx, quirks, budget, o.clock, marketDataConfig(profile.staleAfterMs, o.marketData), log);
  const trading = new CcxtTrading(restEx, quirks, budget, o.clock, log, o.orderMaxWaitMs);
  const account = new CcxtAccount(o.exchange, restEx, budget, o.clock);
  const funding = new CcxtFunding(restEx, quirks, budget, o.clock, o.env, new NetworkCodes(o.networks), log, o.state ? new WithdrawalKeyStore(o.state, o.exchange) : undefined);
  const earn = earnApiFor(o.exchange);
  const staking = earn ? new EarnStaking(o.exchange, restEx, earn, budget, o.clock) : new UnsupportedStaking(o.exchange);
  log.info({ ccxtId: quirks.ccxtId, latencyMode: o.env.LATENCY_MODE, staleAfterMs: profile.staleAfterMs }, 'exchange adapters ready');
  return {
    exchange: o.exchange,
    marketData,
    trading,
    account,
    funding,
    staking,
    health: () => ({ exchange: o.exchange, ccxtId: quirks.ccxtId, rateLimit: budget.health(), books: marketData.health() }),
    async close() {
      await marketData.close();
      await restEx.close();
    },
  };
}
