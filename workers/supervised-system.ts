import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../config';
import { PROJECT_ROOT } from '../config/dotenv';
import { describeListenFailure } from '../adapters/net/listen';
import { probePort } from './temporal-dev-server';
import { systemPorts, PORT_ENV, type SystemPorts } from './system-ports';
import { Supervisor, type PartSpec } from './supervisor';
import { explainStartupError, StartupError, type Progress } from './progress';
import { bookSimulatorOpenings } from './opening-balances';
import { systemClock } from '../ports/clock';

/**
 * The system as separate processes under one supervisor (`npm run demo`, `npm start`): the
 * Temporal dev server (through its Node shim, workers/temporal-dev.ts), the simulator (`qbot sim`
 * with its accounts in a file, demo only), the orchestrator, the hot path, the receiver and the
 * dashboard. They share state only through the exchange (the simulator), the ledger in
 * QBOT_DATA_DIR and Temporal.
 */
export interface SupervisedOptions {
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** true: the simulator is the exchange (offline demo); false: the real exchanges (npm start). */
  simulator: boolean;
  /** Use TEMPORAL_ADDRESS as it is, without starting a dev server. */
  externalTemporal?: boolean;
  seed?: number;
  /** Output of the parts (default stdout). */
  write?: (line: string) => void;
  onGiveUp?: (part: string, reason: string) => void;
  /** Hands out the supervisor before any part starts (a signal during start-up stops what started). */
  onSupervisor?: (s: Supervisor) => void;
}

export interface SupervisedSystem {
  supervisor: Supervisor;
  dataDir: string;
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/** The name of the dashboard worker's entry (`qbot worker dashboard`); the part is skipped while it is absent. */
export const DASHBOARD_ENTRY = 'workers/dashboard.ts';

export const PART_NAMES = ['Temporal dev server', 'simulator', 'orchestrator', 'hot path', 'receiver', 'dashboard'] as const;

export async function startSupervisedSystem(o: SupervisedOptions): Promise<SupervisedSystem> {
  const { progress } = o;
  const { config, ports } = await progress.step('configuration', async () => {
    const config = loadConfig({ env: o.env });
    return { config, ports: systemPorts(o.env, config) };
  }, ({ config }) => `${config.env.TRADING_MODE} trading, ${config.settings.exchanges.enabled.join(', ')}`);
  const dataDir = path.resolve(PROJECT_ROOT, config.env.QBOT_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const hasDashboard = fs.existsSync(path.join(PROJECT_ROOT, DASHBOARD_ENTRY));

  // Every port is checked (or chosen, for 0) before anything starts: a taken port is named at once.
  const bound = await progress.step('ports', () => claimPorts(config, ports, o, hasDashboard), (b) => Object.entries(b.named).map(([k, v]) => `${k} ${v}`).join(', '));
  const temporalAddress = bound.temporalAddress;
  const uiUrl = o.externalTemporal ? o.env.TEMPORAL_UI_URL : `http://127.0.0.1:${bound.ports.temporalUi}`;
  const simUrl = `http://127.0.0.1:${bound.ports.sim}`;
  const env: NodeJS.ProcessEnv = {
    ...o.env,
    QBOT_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    ...(uiUrl ? { TEMPORAL_UI_URL: uiUrl } : {}),
    ...Object.fromEntries(Object.entries(PORT_ENV).map(([k, name]) => [name, String(bound.ports[k as keyof SystemPorts])])),
  };
  const exchangeEnv = o.simulator ? { SIM_URL: simUrl } : {};
  const host = '127.0.0.1';
  const parts: PartSpec[] = [];
  if (!o.externalTemporal) {
    parts.push({
      name: 'Temporal dev server', entry: 'workers/temporal-dev.ts', env, readyTimeoutMs: 90_000, stopGraceMs: 15_000, after: [],
      ready: async () => ((await temporalServing(temporalAddress)) ? `${temporalAddress}, UI ${uiUrl ?? ''}, state in ${path.join(dataDir, 'temporal.sqlite')}` : undefined),
    });
  }
  if (o.simulator) {
    // The simulator is the exchange of record: what its accounts hold when the ledger first meets
    // them is booked as opening balances before any worker can trade (once per ledger), so that
    // `qbot reconcile` over the demo's ledger agrees with it.
    let openings: Promise<string> | undefined;
    const bookOpenings = () => bookSimulatorOpenings({ config, dataDir, simUrl, clock: systemClock, report: (_obj, msg) => progress.info(`  – ${msg}`) })
      .then((r) => `opening balances ${r.map((x) => `${x.exchange} ${x.status}`).join(', ')}`)
      .catch((err: unknown) => {
        openings = undefined;
        progress.info(`  – simulator: opening balances not booked yet (${err instanceof Error ? err.message : String(err)}); trying again`);
        throw err;
      });
    parts.push({
      name: 'simulator', entry: 'signals/cli/run.ts', env, after: [],
      args: ['sim', '--port', String(bound.ports.sim), '--seed', String(o.seed ?? 1), '--state', path.join(dataDir, 'simulator-accounts.json')],
      ready: async () => {
        if (!(await httpOk(`${simUrl}/binance/api/v3/ping`))) return undefined;
        openings ??= bookOpenings();
        return `${simUrl} (binance, kraken, coinbase); ${await openings}`;
      },
    });
  }
  // The workers need Temporal and the exchange up; they do not need each other (each dials with back-off).
  const base = parts.map((p) => p.name);
  const health = `http://${host}:${bound.ports.orchestratorHealth}/health`;
  parts.push({
    name: 'orchestrator', entry: 'workers/orchestrator.ts', env: { ...env, ...exchangeEnv }, after: base, readyTimeoutMs: 240_000, stopGraceMs: 35_000,
    ready: async () => ((await httpOk(health)) ? health : undefined),
  });
  const metrics = `http://${host}:${bound.ports.metrics}/metrics`;
  parts.push({
    name: 'hot path', entry: 'workers/hotpath.ts', env: { ...env, ...exchangeEnv }, after: base, readyTimeoutMs: 180_000, stopGraceMs: 20_000,
    ready: async () => ((await httpOk(metrics)) ? metrics : undefined),
  });
  const webhook = `http://${config.settings.webhook.host}:${bound.ports.webhook}`;
  parts.push({
    name: 'receiver', entry: 'workers/receiver.ts', env, after: base,
    ready: async () => ((await httpOk(`${webhook}/healthz`)) ? `${webhook}/webhooks/tradingview` : undefined),
  });
  const dashboardUrl = `http://${config.settings.dashboard.host}:${bound.ports.dashboard}/`;
  // The dashboard as its own process (`qbot worker dashboard`) joins once workers/dashboard.ts exists.
  if (hasDashboard) {
    parts.push({
      name: 'dashboard', entry: DASHBOARD_ENTRY, env: { ...env, ...exchangeEnv }, after: base,
      ready: async () => ((await httpOk(`${dashboardUrl}api/state`)) ? dashboardUrl : undefined),
    });
  } else {
    progress.info(`  – dashboard: not started (${DASHBOARD_ENTRY}, \`qbot worker dashboard\`, is not in this tree yet)`);
  }

  const supervisor = new Supervisor({ parts, progress, ...(o.write ? { write: o.write } : {}), ...(o.onGiveUp ? { onGiveUp: o.onGiveUp } : {}) });
  o.onSupervisor?.(supervisor);
  await supervisor.start();
  const urls: Record<string, string> = {
    ...(hasDashboard ? { dashboard: dashboardUrl } : {}),
    'Temporal UI': uiUrl ?? '(external cluster)',
    'Temporal gRPC': temporalAddress,
    webhook: `${webhook}/webhooks/tradingview`,
    metrics,
    'orchestrator health': health,
    ...(o.simulator ? { simulator: simUrl } : {}),
  };
  return { supervisor, dataDir, urls, stop: () => supervisor.stop() };
}

interface BoundPorts { ports: SystemPorts; temporalAddress: string; named: Record<string, number> }

/** Concrete ports for every part: 0 becomes a free port; a taken one fails naming the part and its variable. */
async function claimPorts(config: AppConfig, ports: SystemPorts, o: SupervisedOptions, hasDashboard: boolean): Promise<BoundPorts> {
  const out: SystemPorts = { ...ports };
  const wanted: Array<{ key: keyof SystemPorts; part: string; host: string; skip?: boolean }> = [
    { key: 'temporalUi', part: 'Temporal UI', host: '127.0.0.1', skip: o.externalTemporal === true },
    { key: 'sim', part: 'simulator', host: '127.0.0.1', skip: !o.simulator },
    { key: 'orchestratorHealth', part: 'orchestrator health', host: '127.0.0.1' },
    { key: 'metrics', part: 'metrics', host: '127.0.0.1' },
    { key: 'webhook', part: 'receiver', host: config.settings.webhook.host },
    { key: 'dashboard', part: 'dashboard', host: config.settings.dashboard.host, skip: !hasDashboard },
  ];
  const named: Record<string, number> = {};
  const taken = new Set<number>();
  let temporalAddress = config.env.TEMPORAL_ADDRESS;
  if (!o.externalTemporal) {
    const m = /^([^\s:]+):(\d{1,5})$/.exec(temporalAddress);
    if (!m) throw new StartupError('ports', `TEMPORAL_ADDRESS must be host:port, got "${temporalAddress}"`);
    const port = await claim(m[1] as string, Number(m[2]), 'Temporal gRPC', 'TEMPORAL_ADDRESS', taken);
    temporalAddress = `${m[1] as string}:${port}`;
    named.temporal = port;
  }
  for (const w of wanted) {
    if (w.skip) continue;
    out[w.key] = await claim(w.host, ports[w.key], w.part, PORT_ENV[w.key], taken);
    named[w.key] = out[w.key];
  }
  return { ports: out, temporalAddress, named };
}

async function claim(host: string, port: number, part: string, envVar: string, taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const r = await probePort(host, port);
    if (!r.free) throw describeListenFailure({ part, port, envVar }, Object.assign(new Error(r.code), { code: r.code }));
    // Two parts on "0" must not be handed the same free port.
    if (port !== 0 || !taken.has(r.port)) {
      taken.add(r.port);
      return r.port;
    }
  }
  throw new StartupError('ports', `no free port for ${part}`);
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await res.arrayBuffer();
  return res.status === 200;
}

async function temporalServing(address: string): Promise<boolean> {
  const conn = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await conn.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } finally {
    await conn.close();
  }
}

/**
 * Runs a supervised system in the foreground until Ctrl-C / SIGTERM: stops every part in reverse
 * order and exits 0. Signals are handled from the first moment (a Ctrl-C during start-up stops what
 * started). A part that cannot start, or that keeps dying, ends it with exit code 1.
 */
export function runSupervisedUntilSignal(name: string, start: (hooks: Pick<SupervisedOptions, 'onGiveUp' | 'onSupervisor'>) => Promise<SupervisedSystem>): void {
  const held: { system?: SupervisedSystem; supervisor?: Supervisor; stopping?: boolean } = {};
  const stop = (signal: string) => {
    if (held.stopping) return;
    held.stopping = true;
    console.log(`\n${signal}: stopping ${name} (in reverse order)…`);
    void (held.supervisor?.stop() ?? Promise.resolve()).then(() => {
      console.log(`stopped cleanly${held.system ? `; the next start continues from ${held.system.dataDir}` : ''}.`);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  // Under `npm run`, the process that started us dying (npm killed, or a shell in between that got
  // npm's SIGTERM and did not pass it on) leaves us reparented: stop like a SIGTERM would.
  const parent = process.ppid;
  if (process.env.npm_lifecycle_event) setInterval(() => process.ppid !== parent && stop('the npm process that started it exited'), 1_000).unref();
  start({
    onSupervisor: (s) => (held.supervisor = s),
    onGiveUp: (_part, reason) => {
      console.error(`\n${name} stopped: ${reason}`);
      process.exit(1);
    },
  }).then(
    async (system) => {
      held.system = system;
      if (held.stopping) {
        await system.stop();
        process.exit(0);
      }
      const width = Math.max(...Object.keys(system.urls).map((k) => k.length));
      console.log(`\n${name} is running (data in ${system.dataDir}):`);
      for (const [k, v] of Object.entries(system.urls)) console.log(`  ${k.padEnd(width)}  ${v}`);
      console.log('  Ctrl-C stops everything.\n');
    },
    (err: unknown) => {
      if (held.stopping) return;
      // The part first: "hot path: exited (code 1) before it was ready: …", "ports: receiver: port 8787 is in use …".
      console.error(`\n${name} could not start: ${err instanceof StartupError ? `${err.part}: ${err.reason}` : explainStartupError(err)}`);
      process.exit(1);
    },
  );
}
