import * as path from 'node:path';
import pino from 'pino';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { configWarnings, formatProblem, loadConfig, SECRET_ENV_KEYS, type AppConfig } from '../config';
import { PROJECT_ROOT } from '../config/dotenv';
import { SqliteLedger } from '../adapters/persistence/ledger-sqlite';
import { startSimulator, type RunningSimulator } from '../adapters/sim';
import { startWebhookServer, TemporalAlertSink, type RunningWebhook } from '../signals/webhook';
import { modeWorkflowInput } from '../signals/mode-start';
import { temporalBinaries } from '../scripts/temporal-binaries';
import { startDashboard, type RunningDashboard } from '../dashboard/server';
import { inProcessHotpath } from '../dashboard/hotpath-source';
import { wireSweepAction } from '../dashboard/actions';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import { createOrchestratorWorker, ensureModeWorkflow } from './orchestrator';
import { activateInitialMode, systemVenues, wireBots } from './bots';
import { ensureMoneyWorkflow, wireMoney } from './money';
import { ensureReconcileWorkflow } from './reconcile';
import { createReconcileActivities } from '../activities/reconcile';
import { systemClock } from '../ports/clock';
import { startHotpath, type HotpathProcess } from './hotpath';
import { StateStore } from '../adapters/persistence/state-sqlite';
import { CapitalStore } from '../adapters/persistence/capital-sqlite';
import { consumerOfActivity, guardVenues, orchestratorGuard } from './capital';
import { connectClient, connectWorker, temporalConnectSettings } from './temporal-client';
import { StartupError, type Progress } from './progress';
import { systemPorts, type SystemPorts } from './system-ports';

/**
 * The whole system in one process: embedded Temporal dev server, orchestrator worker, the hot path
 * (paper by default) over the simulator (demo) or the real exchanges (start), the webhook receiver
 * and the dashboard. Shared by `npm run demo`, `npm start` and the e2e tests.
 */
export interface SystemOptions {
  /** The environment to run with (effectiveEnv(...) of the caller); never mutated. */
  env: NodeJS.ProcessEnv;
  /** true: the local simulator (offline demo); false: public data from the real exchanges. */
  simulator: boolean;
  progress: Progress;
  seed?: number;
  /** Skip the embedded dev server and use TEMPORAL_ADDRESS as is (a real cluster). */
  externalTemporal?: boolean;
  /** Symbols watched per venue (the demo keeps it small on a laptop). */
  maxSymbolsPerVenue?: number;
}

export interface RunningSystem {
  config: AppConfig;
  ports: SystemPorts;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  /** The embedded dev server's process id (undefined with an external cluster). */
  temporalPid: number | undefined;
  dataDir: string;
  sim?: RunningSimulator;
  hotpath: HotpathProcess;
  webhook: RunningWebhook;
  dashboard: RunningDashboard;
  client: Client;
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export async function startSystem(o: SystemOptions): Promise<RunningSystem> {
  const { progress } = o;
  const stack: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  const stopAll = async () => {
    for (const part of stack.reverse()) {
      try {
        await part.stop();
      } catch (err) {
        progress.info(`  ! stopping ${part.name}: ${(err as Error).message}`);
      }
    }
    stack.length = 0;
  };
  try {
    const { config, ports } = await progress.step('configuration', async () => {
      const config = loadConfig({ env: o.env });
      return { config, ports: systemPorts(o.env, config) };
    }, ({ config }) => `${config.env.TRADING_MODE} trading, ${config.settings.exchanges.enabled.join(', ')}`);
    const dataDir = path.resolve(PROJECT_ROOT, config.env.QBOT_DATA_DIR);
    const logger = pino({ name: 'qbot', level: config.env.LOG_LEVEL === 'info' ? 'warn' : config.env.LOG_LEVEL, redact: [...SECRET_ENV_KEYS, 'passphrase', '*.passphrase'] });
    // Risky but valid settings (a public bind, a reckless loss limit): said once, at start.
    for (const w of configWarnings(config)) {
      logger.warn({ source: w.source, key: w.key }, w.message);
      progress.info(`  ! warning:${formatProblem(w).replace(/^ +/, ' ')}`);
    }

    let temporalAddress = config.env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    let temporalPid: number | undefined;
    if (!o.externalTemporal) {
      await progress.step('provisioning the Temporal CLI', async () => temporalBinaries({ install: true }).cli, (cli) => cli);
      const server: TemporalDevServer = await progress.step('Temporal dev server', () =>
        startTemporalDevServer({ address: config.env.TEMPORAL_ADDRESS, uiPort: ports.temporalUi, dataDir, output: 'capture' }), (s) => `${s.address}, state in ${s.dbFile}`);
      stack.push({ name: 'Temporal dev server', stop: () => server.stop() });
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
      temporalPid = server.pid;
    }
    // Everything in this process (and the hot path's own worker) dials the server we just started.
    const connectEnv = { ...o.env, TEMPORAL_ADDRESS: temporalAddress };
    process.env.TEMPORAL_ADDRESS = temporalAddress;
    const settings = temporalConnectSettings(connectEnv);

    // Over the local simulator every entry is marked simulated, as the supervised demo's processes mark theirs.
    const ledger = SqliteLedger.open({ dataDir, simulated: o.simulator });
    // The pause, the kill switch and the paper inventory live beside the ledger and survive a restart.
    const state = StateStore.open({ dataDir });
    stack.push({ name: 'ledger', stop: () => ledger.close() });
    // Capital reservations: the Q-bot, the bots, conversions, transfers and the sweep reserve in one store.
    const capital = CapitalStore.open({ dataDir });
    stack.push({ name: 'capital reservations', stop: () => capital.close() });


    let sim: RunningSimulator | undefined;
    if (o.simulator) {
      sim = await progress.step('exchange simulator', () => startSimulator({ port: ports.sim, seed: o.seed ?? 1 }), (s) => `http://127.0.0.1:${s.port} (binance, kraken, coinbase)`);
      const s = sim;
      stack.push({ name: 'simulator', stop: () => s.close() });
    }

    const hotpath = await progress.step(`hot path (${config.env.TRADING_MODE} trading, ${o.simulator ? 'simulated' : 'live public'} market data)`, () =>
      startHotpath({ config, ledger, state, capital, ...(sim ? { sim } : {}), metricsPort: ports.metrics, ...(o.maxSymbolsPerVenue ? { maxSymbolsPerVenue: o.maxSymbolsPerVenue } : {}) }),
    (h) => `${h.venues.length} venues, metrics on :${h.metricsPort ?? 'off'}`);
    stack.push({ name: 'hot path', stop: () => hotpath.close() });

    await progress.step('feeds connecting', () => waitForFeeds(hotpath, 30_000), (n) => n);

    const { worker, client } = await progress.step('orchestrator worker', async () => {
      const connection = await connectWorker(settings);
      const client = await connectClient(settings);
      stack.push({ name: 'Temporal client', stop: () => client.connection.close() });
      // The bots trade this process's venues: in paper mode, the hot path's paper inventory.
      const raw = await systemVenues({ config, hotpath, clock: systemClock });
      // Orders, withdrawals and stakes of the bots, conversions, transfers and sweep reserve their spend first.
      const guard = orchestratorGuard({ config, store: capital, venues: raw, ledger, client, clock: systemClock });
      const venues = guardVenues(guard, raw, consumerOfActivity());
      const bots = wireBots({ config, venues, ledger, clock: systemClock, client });
      const money = wireMoney({ config, venues, marketData: new Map(hotpath.venues.map((v) => [v.exchange, v.marketData])), ledger, clock: systemClock });
      // The periodic reconciliation compares the ledger with the venues the bots act on (never corrects).
      const reconcile = createReconcileActivities({ ledger, venues: raw.map((v) => ({ exchange: v.exchange, account: v.account, funding: v.funding })), logger: logger.child({ part: 'reconcile' }) });
      const worker: Worker = await createOrchestratorWorker({ connection, namespace: settings.namespace, ledger, logger: logger.child({ part: 'orchestrator' }), bots, money, reconcile });
      const run = worker.run();
      stack.push({ name: 'orchestrator worker', stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
        await connection.close();
      } });
      await ensureModeWorkflow(client, config);
      await activateInitialMode(client, bots);
      await ensureMoneyWorkflow(client, config);
      await ensureReconcileWorkflow(client, config);
      return { worker, client };
    }, () => `polling task queue orchestrator; mode, bots and money manager running`);
    void worker;

    const webhook = await progress.step('webhook receiver', async () => {
      const passphrase = config.env.WEBHOOK_PASSPHRASE;
      if (!passphrase) throw new StartupError('webhook receiver', 'WEBHOOK_PASSPHRASE is not set (see .env.example)');
      return startWebhookServer({
        ...config.settings.webhook, port: ports.webhook, passphrase, abotUniverse: config.coins.abotUniverse,
        sink: new TemporalAlertSink(client, modeWorkflowInput(config.settings)), logger: logger.child({ part: 'receiver' }),
      });
    }, (w) => w.url);
    stack.push({ name: 'webhook receiver', stop: () => webhook.close() });

    // The Monthly sweep button starts the sweep like `qbot sweep` does (same settings, same rules).
    wireSweepAction({ settings: config.settings });
    const dashboard = await progress.step('dashboard', () => startDashboard({
      host: config.settings.dashboard.host, port: ports.dashboard, token: config.env.DASHBOARD_TOKEN, client, hotpath: inProcessHotpath(hotpath), ledger,
      temporalUiUrl, namespace: settings.namespace, tradingMode: config.env.TRADING_MODE, marketData: o.simulator ? 'simulator' : 'live',
      sweepProfitPercent: config.settings.sweep.profitPercent.toFixed(), allowedHosts: config.settings.dashboard.allowedHosts,
    }), (d) => d.url);
    stack.push({ name: 'dashboard', stop: () => dashboard.close() });

    const urls: Record<string, string> = {
      dashboard: dashboard.url,
      'Temporal UI': temporalUiUrl ?? '(external cluster)',
      'Temporal gRPC': temporalAddress,
      webhook: webhook.url,
      ...(hotpath.metricsPort ? { metrics: `http://127.0.0.1:${hotpath.metricsPort}/metrics` } : {}),
      ...(sim ? { simulator: `http://127.0.0.1:${sim.port}` } : {}),
    };
    let stopping: Promise<void> | undefined;
    return {
      config, ports, temporalAddress, temporalUiUrl, temporalPid, dataDir, hotpath, webhook, dashboard, client, urls, ...(sim ? { sim } : {}),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Resolves once every venue has at least one live book (or says how many are still missing). */
async function waitForFeeds(h: HotpathProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = h.venues.flatMap((v) => v.marketData.health());
    const live = health.filter((x) => x.state === 'live');
    const venuesLive = new Set(live.map((x) => x.exchange));
    if (venuesLive.size === h.venues.length) return `${live.length}/${health.length} books live on ${[...venuesLive].join(', ')}`;
    if (Date.now() > deadline) {
      const missing = h.venues.map((v) => v.exchange).filter((e) => !venuesLive.has(e));
      // One venue down should not stop the rest: the dashboard shows it as down and it keeps redialling.
      if (venuesLive.size > 0) return `${live.length}/${health.length} books live; still connecting: ${missing.join(', ')}`;
      throw new StartupError('feeds connecting', `no live book after ${timeoutMs / 1000} s from ${missing.join(', ')} (network? exchange down?)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
