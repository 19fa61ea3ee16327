import * as path from 'node:path';
import pino, { type Logger } from 'pino';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadConfig, SECRET_ENV_KEYS, type AppConfig } from '../config';
import { effectiveEnv } from '../config/dotenv';
import { createModeActivities } from '../activities/mode';
import { SqliteLedger } from '../adapters/persistence/ledger-sqlite';
import { systemClock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import { ORCHESTRATOR_TASK_QUEUE } from '../signals/defs';
import { DEFAULT_PLACEMENT, modeWorkflowInput } from '../signals/mode-start';
import type { modeWorkflow } from '../workflows/mode';
import { connectClient, connectWithBackoff, connectWorker, temporalConnectSettings } from './temporal-client';
import { activateInitialMode, wireBots, type BotWiring } from './bots';
import { ensureMoneyWorkflow, wireMoney } from './money';
import { orchestratorVenues, venueSource } from './orchestrator-venues';
import { ensureReconcileWorkflow } from './reconcile';
import { createReconcileActivities, type ReconcileActivities } from '../activities/reconcile';
import { StateStore } from '../adapters/persistence/state-sqlite';
import { CapitalStore } from '../adapters/persistence/capital-sqlite';
import { consumerOfActivity, guardVenues, orchestratorGuard } from './capital';
import { startHealthServer, exitWithParent } from './health';
import { systemPorts } from './system-ports';
import { installProcessGuard } from './process-guard';
import { installSdkLogger } from './sdk-log';

export interface OrchestratorDeps {
  connection: NativeConnection;
  namespace: string;
  ledger: Ledger;
  logger: Logger;
  taskQueue?: string;
  /**
   * The A-bot / G-bot / sweep activities over this process's venues (workers/bots.ts). Without
   * them, mode flips are only recorded for the bots and their workflows are not driven.
   */
  bots?: BotWiring;
  /** The money manager's and conversions' activities (workers/money.ts). */
  money?: ReturnType<typeof wireMoney>;
  /** The periodic reconciliation's activity (ledger against each venue's balances). */
  reconcile?: ReconcileActivities;
}

/** The orchestrator worker: every workflow, and the activities wired over real ports here only. */
export async function createOrchestratorWorker(deps: OrchestratorDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? ORCHESTRATOR_TASK_QUEUE,
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    activities: {
      ...createModeActivities({
        ledger: deps.ledger, clock: systemClock, logger: deps.logger.child({ area: 'mode' }),
        ...(deps.bots ? { onBotTransition: deps.bots.onBotTransition } : {}),
      }),
      ...(deps.bots?.activities ?? {}),
      ...(deps.money ?? {}),
      ...(deps.reconcile ?? {}),
    },
    // In-flight activities get this long to finish on shutdown (the default 0 cancels them at once).
    shutdownGraceTime: '30 seconds',
  });
}

/** Starts the `mode` workflow from config unless it already runs (a running one is left alone). */
export async function ensureModeWorkflow(client: Client, config: AppConfig): Promise<void> {
  await client.workflow.start<typeof modeWorkflow>('modeWorkflow', {
    workflowId: DEFAULT_PLACEMENT.modeWorkflowId,
    taskQueue: DEFAULT_PLACEMENT.taskQueue,
    args: [modeWorkflowInput(config.settings)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * `qbot worker orchestrator` (or `tsx workers/orchestrator.ts`): every workflow and every activity
 * (mode, A-bot and its inbox, G-bot, sweep, money manager, conversions, rebalances) over exchange
 * ports built from config (see orchestrator-venues.ts), with GET /health on ORCHESTRATOR_HEALTH_PORT.
 * Configured only by the environment and config/; several may run at once (the workflows are
 * started with USE_EXISTING and fixed ids, activities are idempotent by key).
 */
export async function runOrchestrator(env: NodeJS.ProcessEnv = effectiveEnv()): Promise<void> {
  const config = loadConfig({ env });
  const logger = pino({ name: 'orchestrator', level: config.env.LOG_LEVEL, redact: [...SECRET_ENV_KEYS] });
  const ports = systemPorts(env, config);
  const settings = temporalConnectSettings(env);
  const held: { worker?: Worker } = {};
  const health = await startHealthServer({
    part: 'orchestrator', port: ports.orchestratorHealth, envVar: 'ORCHESTRATOR_HEALTH_PORT',
    check: () => ({ ok: held.worker?.getState() === 'RUNNING', worker: held.worker?.getState() ?? 'starting', taskQueue: ORCHESTRATOR_TASK_QUEUE }),
  });
  const connection = await connectWithBackoff(() => connectWorker(settings), logger, 'orchestrator');
  const client = await connectClient(settings);
  // Against the simulator (SIM_URL) every entry is marked simulated.
  const ledger = SqliteLedger.open({ dataDir: config.env.QBOT_DATA_DIR, simulated: venueSource(env, config) === 'simulator' });
  // Durable live withdrawal keys (and other state that must survive a restart) beside the ledger.
  const state = StateStore.open({ dataDir: config.env.QBOT_DATA_DIR });
  const venues = await orchestratorVenues({ config, env, clock: systemClock, ledger, state, log: logger });
  // The same capital.sqlite as the hot path in this data directory: every order and withdrawal reserves first.
  const capital = CapitalStore.open({ dataDir: config.env.QBOT_DATA_DIR });
  const guarded = guardVenues(orchestratorGuard({ config, store: capital, venues: venues.venues, ledger, client, clock: systemClock }), venues.venues, consumerOfActivity());
  const bots = wireBots({ config, venues: guarded, ledger, clock: systemClock, client, fees: venues.fees });
  const money = wireMoney({ config, venues: guarded, marketData: venues.marketData, ledger, clock: systemClock });
  const reconcile = createReconcileActivities({ ledger, venues: venues.venues.map((v) => ({ exchange: v.exchange, account: v.account, funding: v.funding })), logger: logger.child({ area: 'reconcile' }) });
  const worker = await createOrchestratorWorker({ connection, namespace: settings.namespace, ledger, logger, bots, money, reconcile });
  held.worker = worker;
  const running = worker.run();
  await ensureModeWorkflow(client, config);
  await activateInitialMode(client, bots);
  await ensureMoneyWorkflow(client, config);
  await ensureReconcileWorkflow(client, config);
  logger.info({ address: settings.connectionOptions.address, namespace: settings.namespace, taskQueue: ORCHESTRATOR_TASK_QUEUE, venues: venues.source, health: health.url, ledger: ledger.file }, 'orchestrator worker running');
  exitWithParent(() => worker.shutdown());
  // Worker.run() installs its own SIGINT/SIGTERM handling and drains within shutdownGraceTime.
  await running;
  await venues.close();
  await client.connection.close();
  await connection.close();
  await health.close();
  capital.close();
  state.close();
  ledger.close();
  logger.info('orchestrator worker stopped');
}

if (require.main === module) {
  // Only the stand-alone process: a stray rejection (a failing connection) is logged, not fatal.
  installProcessGuard(pino({ name: 'orchestrator' }));
  const env = effectiveEnv();
  installSdkLogger(env.LOG_LEVEL ?? 'info');
  runOrchestrator(env).catch((err: unknown) => {
    console.error(`orchestrator failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
