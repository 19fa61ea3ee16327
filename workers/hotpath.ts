import * as http from 'node:http';
import type { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../config';
import { effectiveEnv } from '../config/dotenv';
import { Decimal, ZERO } from '../domain/money/decimal';
import type { ExchangeId, Market } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';
import { FeeBook } from '../domain/fees';
import { baselineThresholdSource } from '../domain/arbitrage';
import { createExchangeAdapters, type ExchangeAdapters } from '../adapters/exchanges/factory';
import { LedgerBookedTrading } from '../adapters/exchanges/booked-trading';
import { PaperTrading } from '../adapters/paper/paper-trading';
import { PaperBalances } from '../adapters/paper/paper-balances';
import { SqliteLedger } from '../adapters/persistence/ledger-sqlite';
import { StateStore } from '../adapters/persistence/state-sqlite';
import { OrdersInFlight } from '../adapters/persistence/orders-in-flight';
import { CapitalStore } from '../adapters/persistence/capital-sqlite';
import { CapitalGuard } from '../adapters/capital/guard';
import { guardSettings, qbotBudgets, qbotConsumerOf, qbotContinuesAttempt } from './qbot-capital';
import { bookOpeningOrReport } from '../adapters/persistence/ledger-entries';
import { feeSchedulesFromSettings, hydrateFeeBookFromLedger, LedgerAllowanceSync } from '../adapters/persistence/fee-book-setup';
import { AccountFeeSource, accountFeeVenues, type VenueFeeStatus } from '../adapters/exchanges/account-fees';
import { DecisionFees, qbotDecisionContext } from '../hotpath/decision-fees';
import { simulatorCcxtOptions, startSimulator, type RunningSimulator } from '../adapters/sim';
import { publicDataSource } from './public-data';
import type { Account } from '../ports/account';
import { systemClock, type Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { Trading } from '../ports/trading';
import { HotpathControl } from '../hotpath/control';
import { createLogger } from '../hotpath/logger';
import { QbotMetrics } from '../hotpath/metrics';
import { Qbot } from '../hotpath/qbot';
import { qbotConfigFrom } from '../hotpath/qbot-config';
import { watchList } from '../hotpath/watch-list';
import { MarketScanner, ScannerMetrics, scannerConfigFromSettings, scannerThresholdSource } from '../hotpath/scanner';
// The Temporal link (and @temporalio/worker, ~46 MB of RSS) is loaded only by a hot path that runs it.
import type { HotpathLink } from './hotpath-link';
import type * as LinkModule from './hotpath-link';
import type * as DefsModule from '../signals/defs';
import { gateOnAllocation } from './allocation-gate';
import { listenOn } from '../adapters/net/listen';
import { createHardenedServer, guardRequests } from '../adapters/http/request-guard';
import { OpportunityTap } from '../dashboard/opportunities';
import type { HotpathStatusWire } from '../hotpath/status-schema';
import { answerStatus, buildHotpathStatus } from './hotpath-status';
import { LegRecovery } from '../hotpath/leg-recovery';
import { installProcessGuard } from './process-guard';

export interface HotpathOptions {
  config?: AppConfig;
  /** A running simulator to point ccxt at (offline demo, tests); else the real exchanges. */
  sim?: RunningSimulator;
  /**
   * A simulator another process runs (SIM_URL, the supervised demo): the exchange of record. The
   * hot path then trades through the real ccxt private calls against it (the live code path).
   */
  simUrl?: string;
  ledger?: Ledger;
  /**
   * Durable pause, kill switch and paper balances. Default: `<QBOT_DATA_DIR>/state.sqlite`, or an
   * in-memory store when the caller brings its own `ledger` (tests): state lives beside the ledger.
   */
  state?: StateStore;
  /** Capital reservations shared with every process that trades (default beside the state, like it). */
  capital?: CapitalStore;
  /** Run the Temporal worker on HOTPATH_TASK_QUEUE (default true). */
  temporal?: boolean;
  /** An existing connection (tests); else one from TEMPORAL_ADDRESS and friends. */
  temporalConnection?: NativeConnection;
  /** An existing client for reading the mode (tests); else one dialled from TEMPORAL_ADDRESS. */
  temporalClient?: Client;
  /** How often the mode workflow is read again (default 2 s). */
  modeWatchMs?: number;
  /** Prometheus /metrics on this port (0 = random; undefined = off). */
  metricsPort?: number;
  /** Paper inventory per exchange; default: a small demo inventory (see README). */
  paperBalances?: Partial<Record<ExchangeId, Record<string, Decimal>>>;
  maxSymbolsPerVenue?: number;
  /** Use the configured baseline threshold instead of the market scanner's context (tests, bench). */
  baselineThreshold?: boolean;
  /** A replay's clock instead of the system's (a paper run paced over a recording: workers/paper-replay.ts). */
  clock?: Clock;
  /** ccxt options per venue for market data from another server (a raw replay); trading stays paper. */
  ccxtOptions?: (exchange: ExchangeId) => Record<string, unknown>;
  /** Only these markets (a recording holds only its own: the others would never get a book). */
  symbols?: readonly string[];
  /** Paper fills after this latency, waited with this sleep (default: at once, on timers). */
  paperFills?: { latencyMs: number; sleep?: (ms: number) => Promise<void> };
}

export interface HotpathProcess {
  qbot: Qbot;
  control: HotpathControl;
  metrics: QbotMetrics;
  venues: ExchangeAdapters[];
  /** The market scanner (context per market), for read-only views such as the dashboard. */
  scanner: MarketScanner;
  metricsPort?: number;
  /**
   * Paper mode only: the paper accounts (their balances are the system's paper inventory) and the
   * books they fill against, so the orchestrator's bots trade the same paper money in-process.
   */
  /** Capital reservations: the Q-bot's orders reserve here; the orchestrator's guard opens the same store. */
  capital: CapitalStore;
  paper?: { trading: Map<ExchangeId, PaperTrading>; wallets: Map<ExchangeId, PaperBalances>; markets: Market[]; book: (exchange: ExchangeId, symbol: string) => OrderBook | undefined; state: StateStore };
  /** The read-only status a dashboard shows (also GET /status beside /metrics): money as decimal strings. */
  status(): HotpathStatusWire;
  /** Per venue: the fee schedule in force (account or config fallback) and its age. */
  fees(): VenueFeeStatus[];
  /** The account fee source (tests ask it to read again). */
  accountFees: AccountFeeSource;
  close(): Promise<void>;
}

/** How often the fee book reads the allowance other processes booked (only when a venue has one). */
const ALLOWANCE_SYNC_EVERY_MS = 15_000;

/** How often a cut trade's recovery is tried again while it is open (the first try waits this long for books). */
const LEG_RECOVERY_EVERY_MS = 2_000;

const DEMO_INVENTORY: Record<string, string> = { USD: '1000', USDT: '1000', USDC: '1000', BTC: '0.01', ETH: '0.3', SOL: '5' };

/** Wires the hot path: ccxt market data, paper (default) or live trading, ledger, control, metrics. */
/**
 * The Temporal link and its task queue, loaded on first use (the SDK with rxjs and webpack is
 * ~46 MB of RSS a hot path without Temporal never needs). `require`, not `import()`: under
 * `node --require tsx/cjs` (how the supervisor starts its children) a dynamic import goes to Node's
 * ESM loader, which tsx/cjs does not hook, and a .ts module is not found.
 */
export function loadTemporalLink(): Promise<{ HotpathLink: typeof HotpathLink; HOTPATH_TASK_QUEUE: string }> {
  /* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see above */
  const { HotpathLink: Link } = require('./hotpath-link') as typeof LinkModule;
  const { HOTPATH_TASK_QUEUE } = require('../signals/defs') as typeof DefsModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return Promise.resolve({ HotpathLink: Link, HOTPATH_TASK_QUEUE });
}

export async function startHotpath(o: HotpathOptions = {}): Promise<HotpathProcess> {
  const cfg = o.config ?? loadConfig({ env: effectiveEnv() });
  const config = qbotConfigFrom(cfg);
  const log = createLogger(cfg.env.LOG_LEVEL);
  const clock = o.clock ?? systemClock;
  const metrics = new QbotMetrics();
  // Venues that are the local simulator (SIM_URL or --sim): every entry is marked simulated.
  const ledger = o.ledger ?? SqliteLedger.open({ dataDir: cfg.env.QBOT_DATA_DIR, simulated: o.simUrl !== undefined || o.sim !== undefined });
  // Binance.US is priced with its own fallback tiers; the account's own schedule replaces them below.
  const feeBook = new FeeBook(feeSchedulesFromSettings(cfg.settings.fees, cfg.env.BINANCE_VARIANT));
  hydrateFeeBookFromLedger(feeBook, ledger, clock.now());
  const state = o.state ?? StateStore.open(o.ledger ? { file: ':memory:' } : { dataDir: cfg.env.QBOT_DATA_DIR });
  const control = new HotpathControl(clock, state);
  const capital = o.capital ?? CapitalStore.open(o.ledger ? { file: ':memory:' } : { dataDir: cfg.env.QBOT_DATA_DIR });
  if (control.isPaused() || control.killTrip()) log.warn({ control: control.snapshot() }, 'hot path starts paused: the pause or the kill switch survived the restart (an operator resumes)');
  const venues: ExchangeAdapters[] = [];
  const markets: Market[] = [];
  for (const exchange of cfg.settings.exchanges.enabled) {
    const v = await createExchangeAdapters({
      exchange, env: cfg.env, settings: cfg.settings, clock, networks: cfg.networks, state, // live withdrawal keys are durable
      ...(o.sim ? { urlsOverride: o.sim.urls[exchange], ccxtOptions: o.sim.ccxtOptions(exchange) } : {}),
      ...(o.simUrl ? simulatorAt(o.simUrl, exchange) : {}),
      ...(o.ccxtOptions ? { ccxtOptions: o.ccxtOptions(exchange) } : {}),
    });
    venues.push(v);
    markets.push(...(await v.marketData.markets()).filter((m) => !o.symbols || o.symbols.includes(m.symbol)));
  }
  // Against a simulator process the orders go to it for real, like the orchestrator's (no paper inventory).
  const live = cfg.env.TRADING_MODE === 'live' || o.simUrl !== undefined;
  // The account's own fee schedule per venue (daily, and again when a fill's fee disagrees).
  const accountFees = new AccountFeeSource({
    book: feeBook, venues: accountFeeVenues(venues), clock, log, refreshMs: cfg.settings.fees.accountRefreshMs,
    // The market the dashboard quotes per venue: its BTC/USD book, else BTC/USDT.
    sampleSymbol: (ex) => ['BTC/USD', 'BTC/USDT'].find((s) => markets.some((m) => m.exchange === ex && m.symbol === s)),
  });
  // Paper venues read the Q-bot's cache, which exists only once the venues do.
  const ref: { qbot?: Qbot } = {};
  // Every Q-bot order reserves its spend first: never the A-bot's or G-bot's coins, never over its budget.
  const guard = new CapitalGuard({
    store: capital, clock, ...guardSettings(cfg), log,
    budgets: qbotBudgets(() => ref.qbot!.capital()), usdPrice: (a) => ref.qbot?.usd(a),
  });
  const qbotConsumer = qbotConsumerOf();
  const trading = new Map<ExchangeId, Trading>();
  const accounts = new Map<ExchangeId, Account>();
  const paperTrading = new Map<ExchangeId, PaperTrading>();
  const paperWallets = new Map<ExchangeId, PaperBalances>();
  for (const v of venues) {
    if (live) {
      // Every live fill and fee is booked from the exchange's answer, like paper fills are.
      const booked = new LedgerBookedTrading({ trading: v.trading, ledger, clock, log, usdPrice: (asset) => ref.qbot?.usd(asset), inFlight: new OrdersInFlight(state, v.exchange), feeBook });
      // Orders sent before a crash whose answer never came: looked up and booked before the Q-bot trades again.
      const unanswered = await booked.recoverUnanswered();
      for (const [outcome, ids] of Object.entries(unanswered)) if (ids.length) metrics.unansweredAtStart.inc({ exchange: v.exchange, outcome }, ids.length);
      trading.set(v.exchange, guard.trading(accountFees.watching(booked), v.account, qbotConsumer, qbotContinuesAttempt));
      accounts.set(v.exchange, guard.spendable(v.account, 'qbot-cross'));
    } else {
      const inventory = o.paperBalances?.[v.exchange] ?? Object.fromEntries(Object.entries(DEMO_INVENTORY).map(([a, x]) => [a, new Decimal(x)]));
      // Paper fills walk the same cached books the scanners saw (plus the paper latency).
      // Durable: a restart keeps the paper inventory (the demo inventory is only the first start's).
      const wallet = new PaperBalances(inventory, { store: state, exchange: v.exchange });
      // A first start books the inventory as opening balances, so `qbot reconcile` can agree.
      if (wallet.fresh) bookOpeningOrReport(ledger, { at: clock.now(), exchange: v.exchange, balances: inventory }, (obj, msg) => log.error(obj, msg));
      const paper = new PaperTrading({ exchange: v.exchange, markets, books: (s) => ref.qbot?.cache.get(v.exchange, s)?.book, ledger, feeBook, clock, wallet, maxBookAgeMs: config.staleAfterMs, store: state, ...o.paperFills });
      trading.set(v.exchange, guard.trading(paper, paper, qbotConsumer, qbotContinuesAttempt));
      accounts.set(v.exchange, guard.spendable(paper, 'qbot-cross'));
      paperTrading.set(v.exchange, paper);
      paperWallets.set(v.exchange, wallet);
    }
  }
  // The market scanner sets the threshold, depth multiple and volatility flag per base (0.4-1 %).
  const scannerConfig = scannerConfigFromSettings(cfg.settings);
  const byExchange = new Map(venues.map((v) => [v.exchange, v]));
  const scanner = new MarketScanner({
    config: scannerConfig, clock, metrics: new ScannerMetrics(metrics.registry),
    fetchDailyCandles: async (ex, symbol, limit) => (await byExchange.get(ex)!.marketData.fetchDailyCandles(symbol, limit)).map((c) => ({ ...c })),
    onChange: (record) => log.info({ context: record }, 'market context changed'),
  });
  const crossMarkets = markets.filter((m) => config.arbitrageAssets.includes(m.base) && config.quoteCurrencies.includes(m.quote));
  const thresholds = o.baselineThreshold ? baselineThresholdSource(config.threshold, config.depth) : scannerThresholdSource(scanner, crossMarkets, scannerConfig.bounds);
  // Every decision prices with the schedule in force (account or fallback), BNB discount and allowance included.
  const decisionFees = new DecisionFees(feeBook, () => clock.now(), () => qbotDecisionContext(ref.qbot, (ex) => feeBook.discountAsset(ex)));
  const q = new Qbot({
    config, markets, fee: decisionFees.fee, thresholds,
    // Tied to Temporal, the Q-bot trades only once the mode's allocation is known (no guessed split).
    clock, log, metrics, trading, ledger, accounts, control: o.temporal === false ? control : gateOnAllocation(control),
  });
  ref.qbot = q;
  // A trade a crash cut between its legs (found in the ledger): finished or unwound by the
  // single-leg policy against the live books, its coins locked and its exposure shown until then.
  const inFlightStores = live ? venues.map((v) => new OrdersInFlight(state, v.exchange)) : [];
  const recovery = new LegRecovery({
    ledger, trading, markets, fee: decisionFees.fee, singleLeg: config.singleLeg, usd: (a) => q.usd(a), now: () => clock.now(), log, locked: q.locked,
    book: (ex, symbol) => {
      const e = q.cache.get(ex, symbol);
      return e?.state === 'live' ? e.book : undefined;
    },
    unansweredAttempts: () => new Set(inFlightStores.flatMap((f) => f.unanswered().map((u) => u.request.correlationId ?? u.clientOrderId))),
    halted: () => (control.isPaused() ? 'paused' : control.killTrip() || q.gates.kill.tripped ? 'the kill switch is tripped' : null),
    // The kill switch counts a recovery as a failure only when it leaves exposure or loses money.
    onResolved: (r) => q.gates.recordRecovery({ pnlUsd: r.realisedPnlUsd, leftOpen: false, countedOpen: r.countedOpen }),
    onLeftOpen: () => q.gates.recordRecovery({ pnlUsd: ZERO, leftOpen: true }),
  });
  recovery.find();
  q.adoptShortLegsWith(recovery);
  // The float prefilters re-read the same snapshot the exact path reads, at every rebuild.
  decisionFees.onRebuild(() => (q.tri.refreshFees(), q.cross.refreshFees()));
  // What the dashboard shows of the evaluations: observed from the start when /status is served,
  // else from the first status() call (the benchmark's hot path pays nothing for it).
  const tap = new OpportunityTap();
  let tapped = false;
  // The Temporal link starts later; the status names its own queue once it exists.
  const linked: { link?: HotpathLink } = {};
  const status = (): HotpathStatusWire => {
    if (!tapped) {
      tap.attach(q);
      tapped = true;
    }
    return buildHotpathStatus({ qbot: q, control, venues, scanner, tap, controlQueue: () => linked.link?.controlQueue() ?? null, gatedOnAllocation: o.temporal !== false, fees: () => accountFees.status(), exposure: () => recovery.exposure() }, clock.now());
  };
  if (o.metricsPort !== undefined) status();
  await q.refreshBalances();
  await accountFees.start();
  // The bots' own fills (another process) spend Coinbase One too: the book follows the shared ledger.
  const allowanceSync = new LedgerAllowanceSync(feeBook, ledger);
  const allowanceTimer = setInterval(() => allowanceSync.sync(clock.now()), ALLOWANCE_SYNC_EVERY_MS);
  allowanceTimer.unref();
  decisionFees.invalidate();
  for (const v of venues) {
    const symbols = watchList(markets.filter((m) => m.exchange === v.exchange), config, o.maxSymbolsPerVenue ?? 300);
    await v.marketData.watchBooks(symbols, (book) => {
      try {
        q.onBook(book);
        scanner.onBook(book);
      } catch (err) {
        log.error({ err, exchange: book.exchange, symbol: book.symbol }, 'book handling failed');
      }
    });
  }
  for (const v of venues) {
    const symbols = crossMarkets.filter((m) => m.exchange === v.exchange).map((m) => m.symbol);
    if (symbols.length) await v.marketData.watchTrades(symbols, (t) => scanner.onTrade(t));
  }
  scanner.start();
  recovery.start(LEG_RECOVERY_EVERY_MS);
  const timers = [
    setInterval(() => { for (const v of venues) for (const h of v.marketData.health()) q.cache.setState(h.exchange, h.symbol, h.state); }, 250),
    setInterval(() => void q.refreshBalances().then(() => decisionFees.invalidate()).catch((err: unknown) => log.warn({ err }, 'balance refresh failed')), 30_000),
    setInterval(() => (q.tri.refreshFees(), q.cross.refreshFees()), 60_000),
    // The guard's balance view is renewed before it ages out, so an order never waits for a read.
    ...(cfg.settings.capital.balanceMaxAgeMs > 0 ? [setInterval(() => {
      for (const v of venues) void guard.refresh(paperTrading.get(v.exchange) ?? v.account).catch((err: unknown) => log.warn({ err, exchange: v.exchange }, 'capital balance refresh failed'));
    }, Math.max(1_000, cfg.settings.capital.balanceMaxAgeMs * 0.8))] : []),
  ];
  const server = o.metricsPort === undefined ? undefined : await serveMetrics(metrics, o.metricsPort, { status, token: cfg.env.DASHBOARD_TOKEN });
  // Dials with back-off, reads the mode before the first trade, watches it, reconnects forever.
  const temporal = o.temporal === false ? undefined : await loadTemporalLink();
  const link = temporal === undefined ? undefined : new temporal.HotpathLink({
    control, namespace: cfg.env.TEMPORAL_NAMESPACE, log, taskQueue: temporal.HOTPATH_TASK_QUEUE,
    ...(o.temporalConnection ? { connection: o.temporalConnection } : {}), ...(o.temporalClient ? { client: o.temporalClient } : {}),
    ...(o.modeWatchMs ? { watchEveryMs: o.modeWatchMs } : {}),
  });
  linked.link = link;
  link?.start();
  log.info({ venues: venues.map((v) => v.exchange), markets: markets.length, tradingMode: cfg.env.TRADING_MODE, latencyMode: config.latencyMode }, 'hot path running');
  return {
    qbot: q, control, metrics, venues, scanner, capital, status, fees: () => accountFees.status(), accountFees, ...(server ? { metricsPort: (server.address() as { port: number }).port } : {}),
    ...(live ? {} : { paper: { trading: paperTrading, wallets: paperWallets, markets, book: (exchange: ExchangeId, symbol: string) => q.cache.get(exchange, symbol)?.book, state } }),
    async close() {
      for (const t of timers) clearInterval(t);
      recovery.stop();
      clearInterval(allowanceTimer);
      await accountFees.stop();
      scanner.stop();
      await link?.stop();
      await q.drain().catch(() => undefined);
      await Promise.all(venues.map((v) => v.close()));
      if (!o.capital) capital.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/**
 * Prometheus /metrics on 127.0.0.1:port; a taken port fails naming QBOT_METRICS_PORT. With `status`,
 * also the read-only GET /status the dashboard worker reads (token-protected when DASHBOARD_TOKEN is set).
 */
export async function serveMetrics(metrics: QbotMetrics, port: number, o: { status?: () => HotpathStatusWire; token?: string | undefined } = {}): Promise<http.Server> {
  // Guarded like every HTTP entry point: a bad request or a failing collector answers for itself only.
  const server = createHardenedServer(guardRequests('metrics', async (req, res, url) => {
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    const { status } = o;
    if (url.pathname === '/status' && status) return answerStatus(req, res, { token: o.token, status });
    if (url.pathname !== '/metrics') return void res.writeHead(404).end();
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
  }));
  await listenOn(server, { part: 'metrics', port, host: '127.0.0.1', envVar: 'QBOT_METRICS_PORT' });
  return server;
}

/** ccxt pointed at a simulator process (SIM_URL): its urls, demo keys and options. */
function simulatorAt(url: string, exchange: ExchangeId): { urlsOverride: Record<string, unknown>; ccxtOptions: Record<string, unknown> } {
  const { urls, ccxtOptions } = simulatorCcxtOptions(url, exchange);
  return { urlsOverride: urls, ccxtOptions };
}


async function main(): Promise<void> {
  // A stray rejection from a feed or a library is logged; the hot path keeps trading (workers/process-guard.ts).
  installProcessGuard(createLogger());
  const sim = process.argv.includes('--sim') ? await startSimulator({}) : undefined;
  const metricsPort = Number(process.env.QBOT_METRICS_PORT ?? '9464');
  const simUrl = process.env.SIM_URL || undefined;
  // Paper over a local simulator's public data (SIM_PUBLIC_URL, `npm start` offline); refused with live trading.
  const publicData = simUrl ? undefined : publicDataSource(process.env);
  const p = await startHotpath({ ...(sim ? { sim } : {}), ...(simUrl ? { simUrl } : {}), ...(publicData ? { ccxtOptions: (ex: ExchangeId) => publicData(ex).ccxtOptions } : {}), metricsPort });
  const stop = async () => {
    await p.close();
    await sim?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`hotpath: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
