import * as fs from 'node:fs';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { loadConfig, SECRET_ENV_KEYS } from '../config';
import { effectiveEnv } from '../config/dotenv';
import { defaultLedgerFile, SqliteLedger } from '../adapters/persistence/ledger-sqlite';
import type { Ledger } from '../ports/ledger';
import { startDashboard, type RunningDashboard } from '../dashboard/server';
import { httpHotpaths } from '../dashboard/hotpath-source';
import { wireSweepAction } from '../dashboard/actions';
import { connectClient, connectWithBackoff, temporalConnectSettings } from './temporal-client';
import { exitWithParent, startHealthServer, type RunningHealth } from './health';
import { installProcessGuard } from './process-guard';
import { systemPorts } from './system-ports';

export interface DashboardWorkerOptions {
  /** The environment (default: effectiveEnv(), i.e. .env under the real environment). */
  env?: NodeJS.ProcessEnv;
  /** How often the page gets a fresh state (default 1 s). */
  intervalMs?: number;
}

export interface RunningDashboardWorker {
  /** The page (http://host:port/). */
  url: string;
  /** GET /health of this process. */
  healthUrl: string;
  /** The status URLs of the hot paths it reads. */
  hotpathStatusUrls: string[];
  dashboard: RunningDashboard;
  close(): Promise<void>;
}

/**
 * The ledger file read-only, once it exists (the orchestrator or the hot path creates it): until
 * then an empty in-memory ledger, so the page shows "nothing yet" instead of failing.
 */
function ledgerWhenReady(dataDir: string, log: pino.Logger): { current: () => Ledger; close: () => void } {
  const file = defaultLedgerFile(dataDir);
  const empty = SqliteLedger.open({ file: ':memory:' });
  let real: SqliteLedger | undefined;
  let triedAt = 0;
  return {
    current: () => {
      if (real) return real;
      const now = Date.now();
      if (now - triedAt >= 2_000 && fs.existsSync(file)) {
        triedAt = now;
        try {
          real = SqliteLedger.open({ file, readOnly: true });
          log.info({ ledger: file }, 'dashboard reads the ledger');
        } catch (err) {
          log.warn({ ledger: file, error: (err as Error).message }, 'ledger not readable yet');
        }
      }
      return real ?? empty;
    },
    close: () => {
      real?.close();
      empty.close();
    },
  };
}

/**
 * `qbot worker dashboard` (or `tsx workers/dashboard.ts`): the dashboard as its own process,
 * configured only by the environment and config/. It reads the mode, bots and rebalances from
 * Temporal queries, the ledger read-only from QBOT_DATA_DIR, and each hot path's GET /status
 * (HOTPATH_STATUS_URLS, default the local hot path's); pause/resume/approve/sweep go through
 * Temporal. /health on DASHBOARD_HEALTH_PORT answers from the start (503 until the page is up).
 */
export async function startDashboardWorker(o: DashboardWorkerOptions = {}): Promise<RunningDashboardWorker> {
  const env = o.env ?? effectiveEnv();
  const config = loadConfig({ env });
  const log = pino({ name: 'dashboard', level: config.env.LOG_LEVEL, redact: [...SECRET_ENV_KEYS, 'token', '*.token'] });
  const ports = systemPorts(env, config);
  const settings = temporalConnectSettings(env);
  const hotpathStatusUrls = config.env.HOTPATH_STATUS_URLS ?? [`http://127.0.0.1:${ports.metrics}/status`];
  const held: { dashboard?: RunningDashboard; client?: Client; stopped: boolean } = { stopped: false };
  const health: RunningHealth = await startHealthServer({
    part: 'dashboard', port: ports.dashboardHealth, envVar: 'DASHBOARD_HEALTH_PORT',
    check: () => {
      const s = held.dashboard?.latest();
      return {
        ok: held.dashboard !== undefined,
        temporal: held.client ? 'connected' : 'connecting',
        hotpaths: s ? s.hotpaths.map((h) => ({ source: h.source, state: h.state })) : 'not read yet',
      };
    },
  });
  const ledger = ledgerWhenReady(config.env.QBOT_DATA_DIR, log);
  try {
    // The page's panels are Temporal queries: dial (with back-off) before serving them; /health says why it waits.
    const client = await connectWithBackoff(() => connectClient(settings), log, 'dashboard', { stopped: () => held.stopped });
    held.client = client;
    wireSweepAction({ settings: config.settings });
    const dashboard = await startDashboard({
      host: config.settings.dashboard.host, port: ports.dashboard, token: config.env.DASHBOARD_TOKEN, client,
      hotpath: httpHotpaths({ urls: hotpathStatusUrls, token: config.env.DASHBOARD_TOKEN, client: async () => client }),
      ledger: ledger.current, temporalUiUrl: config.env.TEMPORAL_UI_URL, namespace: settings.namespace,
      tradingMode: config.env.TRADING_MODE, marketData: env.SIM_URL ? 'simulator' : 'exchange',
      sweepProfitPercent: config.settings.sweep.profitPercent.toFixed(), allowedHosts: config.settings.dashboard.allowedHosts,
      ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}),
    });
    held.dashboard = dashboard;
    log.info({ url: dashboard.url, health: health.url, hotpaths: hotpathStatusUrls, temporal: settings.connectionOptions.address, temporalUi: config.env.TEMPORAL_UI_URL ?? 'no links' }, 'dashboard worker running');
    let closing: Promise<void> | undefined;
    return {
      url: dashboard.url, healthUrl: health.url, hotpathStatusUrls, dashboard,
      close: () => (closing ??= (async () => {
        await dashboard.close();
        await client.connection.close();
        await health.close();
        ledger.close();
      })()),
    };
  } catch (err) {
    held.stopped = true;
    await health.close();
    ledger.close();
    throw err;
  }
}

async function main(): Promise<void> {
  installProcessGuard(pino({ name: 'dashboard' }));
  const running = await startDashboardWorker();
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  exitWithParent(() => running.close());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`dashboard failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
