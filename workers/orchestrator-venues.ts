import type { AppConfig } from '../config';
import { Decimal } from '../domain/money/decimal';
import type { ExchangeId, Market } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';
import { FeeBook } from '../domain/fees';
import { createExchangeAdapters, type ExchangeAdapters } from '../adapters/exchanges/factory';
import { simulatorCcxtOptions } from '../adapters/sim';
import { PaperTrading } from '../adapters/paper/paper-trading';
import { PaperBalances } from '../adapters/paper/paper-balances';
import { PaperStaking } from '../adapters/paper/paper-staking';
import { PaperFunding } from '../adapters/paper/paper-funding';
import { PaperTransferNetwork } from '../adapters/paper/paper-transfers';
import { feeSchedulesFromSettings } from '../adapters/persistence/fee-book-setup';
import { bookOpeningOrReport } from '../adapters/persistence/ledger-entries';
import { AccountFeeSource, accountFeeVenues } from '../adapters/exchanges/account-fees';
import { createExchangeLogger } from '../adapters/exchanges/log';
import type { BotVenue } from '../activities/bot-trading';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { StateStore } from '../adapters/persistence/state-sqlite';
import type { MarketData } from '../ports/market-data';
import { GOLD_NETWORK, PAPER_NETWORKS } from './paper-networks';
import { retryWithBackoff, type BackoffOptions } from './retry-backoff';
import { publicDataSource } from './public-data';

/** Where the orchestrator's venues come from, decided by the environment alone. */
export type VenueSource = 'simulator' | 'live' | 'paper';

export function venueSource(env: NodeJS.ProcessEnv, config: AppConfig): VenueSource {
  if (env.SIM_URL) return 'simulator';
  return config.env.TRADING_MODE === 'live' ? 'live' : 'paper';
}

/** First-start paper inventory per venue (the hot path's too: whichever process starts first books it). */
const PAPER_INVENTORY: Record<string, string> = { USD: '1000', USDT: '1000', USDC: '1000', BTC: '0.01', ETH: '0.3', SOL: '5' };

export interface OrchestratorVenues {
  source: VenueSource;
  venues: BotVenue[];
  marketData: Map<ExchangeId, MarketData>;
  /** The fee book the bots price with and the account fee source behind it (their live fills spend and check it too). */
  fees: { book: FeeBook; source: AccountFeeSource };
  close(): Promise<void>;
}

/**
 * The exchange ports of a stand-alone orchestrator, built from config and the environment, never
 * from another process's objects: SIM_URL → real ccxt private calls against that simulator (the
 * live code path); TRADING_MODE=live → the real exchanges with the configured keys; otherwise paper
 * accounts over the venues' public books. Books are watched only for the markets the bots and the
 * money manager value and trade (A-bot universe, gold, arbitrage assets, fee asset × quotes).
 */
export async function orchestratorVenues(o: {
  config: AppConfig; env: NodeJS.ProcessEnv; clock: Clock; ledger: Ledger; state?: StateStore;
  /** Where the market-load retries are said (default: the exchange logger at the configured level). */
  log?: { warn(obj: object, msg: string): void };
  backoff?: BackoffOptions;
}): Promise<OrchestratorVenues> {
  const { config, clock, ledger } = o;
  const log = o.log ?? createExchangeLogger(config.env.LOG_LEVEL);
  const { coins, settings } = config;
  const source = venueSource(o.env, config);
  // Paper over a local simulator's public data (SIM_PUBLIC_URL, `npm start` offline); refused with live trading.
  const publicData = source === 'simulator' ? undefined : publicDataSource({ ...o.env, TRADING_MODE: config.env.TRADING_MODE });
  const adapters: ExchangeAdapters[] = [];
  const books = new Map<string, OrderBook>();
  const venues: BotVenue[] = [];
  // With a state store the paper venues are the ones the hot path trades (same state.sqlite): one inventory.
  const transfers = new PaperTransferNetwork(clock, undefined, o.state);
  // The venue actually traded: Binance.US has its own fallback tiers; the account's own schedule replaces them.
  const feeBook = new FeeBook(feeSchedulesFromSettings(settings.fees, config.env.BINANCE_VARIANT));
  const cold = config.env.COLD_WALLET_ADDRESS;
  const bases = new Set<string>([...coins.abotUniverse, coins.goldAsset, ...coins.arbitrageAssets, ...Object.values(coins.feeDiscountAsset ?? {}), ...Object.keys(coins.stablecoins)]);
  const quotes = new Set<string>(coins.quoteCurrencies);
  try {
    for (const exchange of settings.exchanges.enabled) {
      const sim = source === 'simulator' ? simulatorCcxtOptions(o.env.SIM_URL as string, exchange) : undefined;
      const v = await createExchangeAdapters({
        exchange, env: config.env, settings, clock, networks: config.networks, ...(o.state ? { state: o.state } : {}),
        ...(sim ? { urlsOverride: sim.urls, ccxtOptions: sim.ccxtOptions } : publicData?.(exchange)),
      });
      adapters.push(v);
      // A venue that does not answer yet (the simulator still starting, an exchange outage) is waited
      // for with back-off and named in the log, instead of ending the orchestrator.
      const listed = await retryWithBackoff(() => v.marketData.markets(), log, `${exchange}: market load failed; trying again`, { ...o.backoff, fields: { exchange } });
      const markets: Market[] = listed.filter((m) => bases.has(m.base) && quotes.has(m.quote));
      const bookOf = (symbol: string) => books.get(`${exchange}|${symbol}`);
      // The bots' cost estimates price with the fee book's rate in force (no notional: no allowance, no discount).
      const takerFee = (symbol: string) => feeBook.effectiveTakerFee(exchange, symbol, undefined, clock.now()).rate;
      await v.marketData.watchBooks(markets.map((m) => m.symbol), (b) => books.set(`${b.exchange}|${b.symbol}`, b));
      if (source !== 'paper') {
        venues.push({ exchange, trading: v.trading, account: v.account, staking: v.staking, funding: v.funding, markets, books: bookOf, paper: false, booksFills: false, takerFee });
        continue;
      }
      const inventory = Object.fromEntries(Object.entries(PAPER_INVENTORY).map(([a, x]) => [a, new Decimal(x)]));
      const wallet = new PaperBalances(inventory, o.state ? { store: o.state, exchange } : undefined);
      if (o.state && wallet.fresh) bookOpeningOrReport(ledger, { at: clock.now(), exchange, balances: inventory }, (obj, msg) => log.warn(obj, msg));
      const trading = new PaperTrading({ exchange, markets, books: bookOf, ledger, feeBook, clock, wallet, ...(o.state ? { store: o.state } : {}) });
      transfers.register(exchange, wallet);
      venues.push({
        exchange, trading, account: trading, markets, books: bookOf, paper: true, booksFills: true, takerFee,
        staking: new PaperStaking({ exchange, wallet, table: coins.paperStaking ?? {}, clock, ...(o.state ? { store: o.state } : {}) }),
        funding: new PaperFunding({ exchange, wallet, networks: PAPER_NETWORKS, allowedAddresses: cold ? [cold] : [], transfers, ...(o.state ? { store: o.state } : {}) }),
      });
    }
  } catch (err) {
    await Promise.all(adapters.map((a) => a.close().catch(() => undefined)));
    throw err;
  }
  // The account's own fee schedule per venue (daily, refused answers leave the config's tier in force).
  const accountFees = new AccountFeeSource({ book: feeBook, venues: accountFeeVenues(adapters), clock, log: createExchangeLogger(config.env.LOG_LEVEL), refreshMs: settings.fees.accountRefreshMs });
  await accountFees.start();
  return {
    source,
    venues,
    marketData: new Map(adapters.map((a) => [a.exchange, a.marketData])),
    fees: { book: feeBook, source: accountFees },
    close: async () => {
      await accountFees.stop();
      await Promise.all(adapters.map((a) => a.close()));
    },
  };
}


export { GOLD_NETWORK };
