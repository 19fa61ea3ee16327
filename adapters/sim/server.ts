import http from 'node:http';
import { listenOn } from '../net/listen';
import { createHardenedServer, guardRequests } from '../http/request-guard';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExchangeId } from '../../domain/market';
import type { HttpReply, HttpRequest, SimContext, Venue } from './context';

/**
 * One HTTP server and one WebSocket server on it; the first path segment names the venue
 * (/binance/..., /kraken/..., /coinbase/...). Faults that act on the wire (slow, 429/418) are
 * applied here so every venue gets them the same way.
 */
export class SimServer {
  // Guarded: a request the URL parser rejects gets 400, a handler error a 500, never a dead process.
  private readonly http = createHardenedServer(guardRequests('simulator', (req, res, url) => this.onRequest(req, res, url)));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly venues = new Map<string, Venue>();

  constructor(private readonly ctx: SimContext, venues: Venue[]) {
    for (const v of venues) this.venues.set(v.id, v);
    this.http.on('upgrade', (req, socket, head) => {
      const { venue, rest } = this.route(req.url ?? '/');
      if (!venue) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(venue, rest, ws));
    });
  }

  async listen(port: number, host: string): Promise<number> {
    return (await listenOn(this.http, { part: 'simulator', port, host, envVar: 'SIM_PORT' })).port;
  }

  dropSockets(exchange: ExchangeId): void {
    for (const s of this.ctx.sockets[exchange]) s.terminate();
  }

  async close(): Promise<void> {
    for (const set of Object.values(this.ctx.sockets)) for (const s of set) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private route(url: string): { venue?: Venue; rest: string } {
    const path = url.split('?')[0] ?? '/';
    const m = /^\/([a-z]+)(\/.*)?$/.exec(path);
    const venue = m ? this.venues.get(m[1] ?? '') : undefined;
    return { ...(venue ? { venue } : {}), rest: m?.[2] ?? '/' };
  }

  private onSocket(venue: Venue, path: string, ws: WebSocket): void {
    const set = this.ctx.sockets[venue.id];
    set.add(ws);
    this.ctx.stats[venue.id].connections += 1;
    ws.on('close', () => set.delete(ws));
    ws.on('error', () => ws.terminate());
    venue.handleWs(ws, path, this.ctx);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const { venue, rest } = this.route(url.pathname);
    if (!venue) return send(res, { status: 404, body: { error: `no venue at ${url.pathname}` } });
    const faults = this.ctx.faults[venue.id];
    this.ctx.stats[venue.id].requests += 1;
    const body = await readBody(req);
    if (body === 'aborted') return; // nobody is listening for an answer any more
    if (body === 'too-large') return send(res, { status: 413, body: { error: `request body over ${MAX_BODY_BYTES} bytes` }, headers: { connection: 'close' } });
    const rawBody = body;
    if (faults.slowMs > 0) await new Promise((r) => setTimeout(r, faults.slowMs));
    if (faults.httpStatus && faults.httpStatus.remaining > 0) {
      faults.httpStatus.remaining -= 1;
      const status = faults.httpStatus.status;
      if (faults.httpStatus.remaining === 0) delete faults.httpStatus;
      return send(res, venue.statusReply(status));
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const request: HttpRequest = { method: req.method ?? 'GET', path: rest, query, params: { ...query, ...parseBody(rawBody) }, headers: req.headers };
    try {
      send(res, await venue.handleHttp(request, this.ctx));
    } catch (err) {
      send(res, { status: 500, body: { error: err instanceof Error ? err.message : String(err) } });
    }
  }
}

/** No exchange request comes near this; a larger body is refused rather than buffered. */
const MAX_BODY_BYTES = 1_048_576;

/** The body as text; 'too-large' over MAX_BODY_BYTES (the rest is not read); 'aborted' when the client went away. */
function readBody(req: http.IncomingMessage): Promise<string | 'too-large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        resolve('too-large');
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // A client that goes away mid-body (or is cut off by the request timeout) ends the wait too.
    req.on('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
}

function parseBody(raw: string): Record<string, unknown> {
  const t = raw.trim();
  if (!t) return {};
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(t).entries());
}

function send(res: http.ServerResponse, reply: HttpReply): void {
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
  res.end(body);
}
