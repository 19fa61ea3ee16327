import * as net from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../config';
import { startWebhookServer, type AlertSink } from '../../signals/webhook';
import { startDashboard } from '../../dashboard/server';
import { startSimulator } from '../../adapters/sim';
import { QbotMetrics } from '../../hotpath/metrics';
import { serveMetrics } from '../../workers/hotpath';
import { listenOn } from '../../adapters/net/listen';

const config = loadConfig({ env: {} });
const blockers: net.Server[] = [];

/** A port somebody else already holds. */
async function takenPort(): Promise<number> {
  const blocker = net.createServer();
  blockers.push(blocker);
  const addr = await listenOn(blocker, { part: 'blocker', port: 0, host: '127.0.0.1' });
  return addr.port;
}

afterAll(async () => {
  await Promise.all(blockers.map((b) => new Promise<void>((r) => b.close(() => r()))));
});

const noSink = {} as AlertSink; // never reached: the server does not start

test('the receiver names itself and WEBHOOK_PORT when its port is taken', async () => {
  const port = await takenPort();
  await expect(startWebhookServer({
    ...config.settings.webhook, host: '127.0.0.1', port, passphrase: 'correct-horse-battery', abotUniverse: config.coins.abotUniverse,
    sink: noSink, logger: pino({ level: 'silent' }),
  })).rejects.toThrow(`receiver: port ${port} is in use (set WEBHOOK_PORT)`);
});

test('the dashboard names itself and DASHBOARD_PORT when its port is taken', async () => {
  const port = await takenPort();
  // Nothing but the listen is reached when the port is taken: the other parts are never touched.
  await expect(startDashboard({
    host: '127.0.0.1', port, token: undefined, client: {} as never, hotpath: {} as never, ledger: {} as never,
    temporalUiUrl: undefined, namespace: 'default', tradingMode: 'paper', marketData: 'simulator',
  })).rejects.toThrow(`dashboard: port ${port} is in use (set DASHBOARD_PORT)`);
});

test('the metrics endpoint names itself and QBOT_METRICS_PORT instead of a bare EADDRINUSE', async () => {
  const port = await takenPort();
  await expect(serveMetrics(new QbotMetrics(), port)).rejects.toThrow(`metrics: port ${port} is in use (set QBOT_METRICS_PORT)`);
});

test('the simulator names itself and SIM_PORT when its port is taken', async () => {
  const port = await takenPort();
  await expect(startSimulator({ port, autoTick: false })).rejects.toThrow(`simulator: port ${port} is in use (set SIM_PORT)`);
});

test('a free port is bound and reported', async () => {
  const server = net.createServer();
  const addr = await listenOn(server, { part: 'x', port: 0, host: '127.0.0.1' });
  expect(addr.port).toBeGreaterThan(0);
  await new Promise<void>((r) => server.close(() => r()));
});
