import * as http from 'node:http';
import { listenOn } from '../adapters/net/listen';

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

export interface RunningHealth {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * GET /health of a worker process: 200 with the report while `check` says ok, 503 otherwise
 * (a process manager or load balancer restarts or avoids it). Binds 127.0.0.1 by default.
 */
export async function startHealthServer(o: { part: string; port: number; host?: string; envVar: string; check: () => HealthReport }): Promise<RunningHealth> {
  const server = http.createServer((req, res) => {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/health') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error":"not_found"}');
      const report = { part: o.part, ...o.check() };
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }));
    }
  });
  const host = o.host ?? '127.0.0.1';
  const { port } = await listenOn(server, { part: `${o.part} health`, port: o.port, host, envVar: o.envVar });
  return {
    port,
    url: `http://${host}:${port}/health`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A child forked by the demo supervisor exits when its parent goes away, even after `kill -9`. */
export function exitWithParent(onExit: () => Promise<void> | void): void {
  if (!process.send) return;
  process.once('disconnect', () => {
    void Promise.resolve(onExit()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
