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
import { connectClient, connectWorker, temporalConnectSettings } from './temporal-client';
import type { BotWiring } from './bots';
import type { wireMoney } from './money';

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

async function main(): Promise<void> {
  const env = effectiveEnv();
  const config = loadConfig({ env });
  const logger = pino({ name: 'orchestrator', level: config.env.LOG_LEVEL, redact: [...SECRET_ENV_KEYS] });
  const settings = temporalConnectSettings(env);
  const connection = await connectWorker(settings);
  const ledger = SqliteLedger.open({ dataDir: config.env.QBOT_DATA_DIR });
  const worker = await createOrchestratorWorker({ connection, namespace: settings.namespace, ledger, logger });
  const client = await connectClient(settings);
  await ensureModeWorkflow(client, config);
  logger.info({ address: settings.connectionOptions.address, namespace: settings.namespace, taskQueue: ORCHESTRATOR_TASK_QUEUE, ledger: ledger.file }, 'orchestrator worker running');
  // Worker.run() installs its own SIGINT/SIGTERM handling and drains within shutdownGraceTime.
  await worker.run();
  await client.connection.close();
  await connection.close();
  ledger.close();
  logger.info('orchestrator worker stopped');
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error('orchestrator failed:', err);
    process.exitCode = 1;
  });
}
