import pino from 'pino';
import { loadConfig, SECRET_ENV_KEYS } from '../config';
import { effectiveEnv } from '../config/dotenv';
import { startWebhookServer, TemporalAlertSink } from '../signals/webhook';
import { modeWorkflowInput } from '../signals/mode-start';
import { ClientOnDemand, temporalConnectSettings } from './temporal-client';
import { systemPorts } from './system-ports';
import { installProcessGuard } from './process-guard';
import { configWarnings } from '../config/warnings';

/**
 * The TradingView webhook receiver process: `tsx workers/receiver.ts`.
 * Starts even while Temporal is down (alerts then get 503 and a loud log line).
 */
async function main(): Promise<void> {
  const env = effectiveEnv();
  const config = loadConfig({ env });
  const logger = pino({ name: 'receiver', level: config.env.LOG_LEVEL, redact: [...SECRET_ENV_KEYS, 'passphrase', '*.passphrase'] });
  installProcessGuard(logger);
  for (const w of configWarnings(config).filter((x) => x.key.startsWith('webhook.'))) logger.warn({ source: w.source, key: w.key }, w.message);
  const passphrase = config.env.WEBHOOK_PASSPHRASE;
  if (!passphrase) {
    logger.fatal('WEBHOOK_PASSPHRASE is not set: refusing to start a receiver anyone could trigger');
    process.exitCode = 1;
    return;
  }
  const w = config.settings.webhook;
  const temporal = new ClientOnDemand(temporalConnectSettings(env));
  const running = await startWebhookServer({
    ...w,
    // WEBHOOK_PORT wins over settings.webhook.port, as in the demo.
    port: systemPorts(env, config).webhook,
    passphrase,
    abotUniverse: config.coins.abotUniverse,
    sink: new TemporalAlertSink(() => temporal.get(), modeWorkflowInput(config.settings)),
    logger,
  });
  logger.info({ url: running.url, allowList: w.allowList.length ? w.allowList : 'any source', trustProxy: w.trustProxy }, 'receiver listening');
  const stop = (signal: string) => {
    logger.info({ signal }, 'receiver stopping');
    void running.close().then(() => temporal.close());
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`receiver failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
