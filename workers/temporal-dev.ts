import { envSchema } from '../config/env';
import { effectiveEnv } from '../config/dotenv';
import { startTemporalDevServer } from './temporal-dev-server';

/**
 * `npm run temporal`: the embedded Temporal dev server in the foreground, SQLite under
 * QBOT_DATA_DIR, UI on 8233, gRPC on TEMPORAL_ADDRESS. Ctrl-C stops it cleanly.
 */
async function main(): Promise<void> {
  const vars = effectiveEnv();
  const env = envSchema.safeParse(vars);
  if (!env.success) {
    // Only the two keys this command uses matter here; the rest is `qbot config check`'s job.
    const relevant = env.error.issues.filter((i) => ['TEMPORAL_ADDRESS', 'QBOT_DATA_DIR'].includes(String(i.path[0])));
    if (relevant.length > 0) throw new Error(relevant.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '));
  }
  // The UI port is not part of the shared env schema: only this command and the demo use it.
  const uiPort = vars.TEMPORAL_UI_PORT === undefined || vars.TEMPORAL_UI_PORT === '' ? 8233 : Number(vars.TEMPORAL_UI_PORT);
  if (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535) throw new Error(`TEMPORAL_UI_PORT must be a port number, got "${vars.TEMPORAL_UI_PORT}"`);
  // Signals are handled from the first moment: a Ctrl-C during start-up still stops the server
  // (once it is up) and exits 0, instead of killing this process and orphaning the child.
  let stopping = false;
  const up: { server?: Awaited<ReturnType<typeof startTemporalDevServer>> } = {};
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`temporal: ${signal}, stopping`);
    if (up.server) void up.server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const server = await startTemporalDevServer({
    uiPort,
    address: env.success ? env.data.TEMPORAL_ADDRESS : (vars.TEMPORAL_ADDRESS ?? '127.0.0.1:7233'),
    dataDir: env.success ? env.data.QBOT_DATA_DIR : (vars.QBOT_DATA_DIR ?? '.data'),
    output: 'inherit',
    onSpawn: underSupervisor,
  });
  up.server = server;
  if (stopping) {
    await server.stop();
    process.exit(0);
  }
  console.log(`temporal: dev server on ${server.address} (UI ${server.uiUrl ?? 'off'}), state in ${server.dbFile}`);
  console.log('temporal: Ctrl-C to stop');

  const code = await server.exited;
  if (!stopping) {
    console.error(`temporal: the dev server exited unexpectedly (code ${code ?? 'null'})`);
    process.exit(1);
  }
}

/**
 * Forked by the demo supervisor, this process is the Temporal server's shim: the server (a Go
 * binary, no IPC) must not outlive it. Its pid goes to the supervisor, and whenever this process
 * exits (a stop, the supervisor's death noticed by parent-watch.ts, a crash) the server is killed.
 */
function underSupervisor(pid: number): void {
  if (!process.send) return;
  process.send({ qbotChildPids: [pid] });
  process.once('exit', () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  });
}

main().catch((err: unknown) => {
  console.error(`temporal: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
