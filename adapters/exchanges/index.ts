export { createExchangeAdapters, type ExchangeAdapters, type ExchangeAdaptersOptions, type VenueHealth } from './factory';
export { CcxtMarketData, type MarketDataConfig } from './market-data';
export { CcxtTrading } from './trading';
export { installUnhandledRejectionGuard } from './unhandled';
export { RateBudget } from './rate-budget';
