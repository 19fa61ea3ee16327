import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { listenOn } from '../adapters/net/listen';
import type { Client } from '@temporalio/client';
import type { Ledger } from '../ports/ledger';
import type { HotpathSource } from './hotpath-source';
import { handleAction } from './actions';
import { collectState, type DashboardState } from './state';
import { isLoopback, tokenMatches } from './auth';
import { hostAllowed, SECURITY_HEADERS } from './hardening';
import { createHardenedServer, guardRequests } from '../adapters/http/request-guard';
import { dashboardAnalysis, parseSince } from './analysis-panel';

export interface DashboardOptions {
  host: string;
  port: number;
  /** DASHBOARD_TOKEN: actions need it; without it every action is refused. */
  token: string | undefined;
  client: Client;
  /** inProcessHotpath(hotpath) in one process; httpHotpaths({ urls, … }) in the dashboard worker. */
  hotpath: HotpathSource;
  /** The ledger, or how to get it now (the dashboard worker may start before the ledger file exists). */
  ledger: Ledger | (() => Ledger);
  temporalUiUrl: string | undefined;
  namespace: string;
  tradingMode: string;
  marketData: string;
  /** settings.sweep.profitPercent (default 15): the share of profit shown as available for the sweep. */
  sweepProfitPercent?: string;
  intervalMs?: number;
  /** settings.dashboard.allowedHosts: names besides the bound address and localhost that may appear in Host. */
  allowedHosts?: readonly string[];
  /** A request (headers and body) must arrive within this (default 10 s). */
  requestTimeoutMs?: number;
  /** Each Temporal read the state makes (default 4 s; see StateSources.temporalReadMs). */
  temporalReadMs?: number;
  /**
   * How long GET /api/state waits for a state being built (default 3 s) before it answers with the
   * last one built, marked stale (the first request waits for the first build).
   */
  stateWaitMs?: number;
}

export interface RunningDashboard {
  url: string;
  server: http.Server;
  /** The latest state pushed to pages (tests, `qbot top`). */
  latest(): DashboardState | undefined;
  close(): Promise<void>;
}

const PUBLIC_DIR = path.join(__dirname, 'public');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

/** The dashboard: a static page plus server-sent events carrying the state once a second. */
export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  const sources = o;
  const streams = new Set<http.ServerResponse>();
  let latest: DashboardState | undefined;
  let building: Promise<DashboardState> | undefined;
  const refresh = (): Promise<DashboardState> => {
    building ??= collectState(sources).then((s) => {
      latest = s;
      return s;
    }).finally(() => {
      building = undefined;
    });
    return building;
  };
  const push = async () => {
    if (streams.size === 0) return;
    const s = await refresh().catch(() => undefined);
    if (!s) return;
    const frame = `data: ${JSON.stringify(s)}\n\n`;
    for (const res of streams) res.write(frame);
  };

  /**
   * A fresh state if one is ready within stateWaitMs, else the last one marked stale (with its age);
   * the very first waits for its build, which the Temporal read deadline bounds.
   */
  const answerState = async (res: http.ServerResponse): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), o.stateWaitMs ?? 3_000)));
    const json = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    try {
      const build = refresh();
      const first = await Promise.race([build, late]);
      const last = latest;
      if (first !== 'late') return json(200, first);
      if (!last) return json(200, await build);
      return json(200, { ...last, stale: { reason: 'a newer state is still being gathered (Temporal or a hot path slow to answer)', ageMs: Date.now() - Date.parse(last.at) } });
    } catch (err) {
      return json(500, { ok: false, error: 'state_failed', message: (err as Error).message });
    } finally {
      clearTimeout(timer);
    }
  };

  // Trading analysis for live and paper alike, computed here from the ledger (cached), never by the hot path.
  const analysis = dashboardAnalysis(o.ledger, o.hotpath);

  const server = createHardenedServer(guardRequests('dashboard', (req, res, url) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    res.setHeader('cache-control', 'no-store');
    // DNS rebinding: a foreign name in Host means a page elsewhere is talking to us through the browser.
    const port = (server.address() as AddressInfo | null)?.port ?? o.port;
    if (!hostAllowed(req.headers.host, { boundHost: o.host, port, allowedHosts: o.allowedHosts ?? [] })) {
      return void res.writeHead(421, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({
        ok: false, error: 'host_not_allowed', message: 'this dashboard answers only to its own address, localhost and settings.dashboard.allowedHosts',
      }));
    }
    const headerToken = req.headers['x-dashboard-token'];
    const authorised = tokenMatches(o.token, typeof headerToken === 'string' ? headerToken : undefined);
    const canRead = authorised || isLoopback(req.socket.remoteAddress);
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      return handleAction({ req, res, url, authorised, tokenSet: Boolean(o.token), client: o.client, hotpath: o.hotpath, after: () => void push() });
    }
    if (req.method !== 'GET') return void res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'method_not_allowed' }));
    if (!canRead) return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'token_required', message: 'reading from outside this machine needs the x-dashboard-token header' }));
    const asset = STATIC[url.pathname];
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type });
      // A read error must end this answer, not the process (an unhandled stream 'error' would).
      return void fs.createReadStream(path.join(PUBLIC_DIR, asset.file)).on('error', () => res.destroy()).pipe(res);
    }
    if (url.pathname === '/api/state') return answerState(res);
    if (url.pathname === '/api/analysis') {
      const since = parseSince(url.searchParams.get('since'));
      if (!since.ok) return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'bad_since', message: since.message }));
      void analysis.answer(since.since).then(
        (a) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(a)),
        (err: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'analysis_failed', message: err.message })),
      );
      return;
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write('retry: 2000\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      void push();
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'not_found' }));
  }), { requestTimeoutMs: o.requestTimeoutMs ?? 10_000 });
  await listenOn(server, { part: 'dashboard', port: o.port, host: o.host, envVar: 'DASHBOARD_PORT' });
  // Only once listening: a failed start must leave no timer behind.
  const timer = setInterval(() => void push(), o.intervalMs ?? 1000);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${o.host}:${port}/`,
    server,
    latest: () => latest,
    close: () => new Promise<void>((resolve) => {
      clearInterval(timer);
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
