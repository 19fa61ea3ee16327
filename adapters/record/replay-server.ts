import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { createHardenedServer, guardRequests } from '../http/request-guard';
import { listenOn } from '../net/listen';
import { simulatorCcxtOptions } from '../sim';
import type { RecordedFrame, RecordingMeta } from './format';
import { readRecording } from './reader';
import { shiftFrameTimes } from './replay-clock';
import { connectionFrameChannel, isAcknowledgement, parseClientMessage } from './replay-wire';
import { RECORD_VENUES } from './venues';

export interface RawReplayOptions {
  dir: string;
  port?: number;
  host?: string;
  /** 1 = recorded pace, 10 = ten times faster, 0 = as fast as the socket takes it. */
  speed?: number;
  /**
   * Move the venues' own timestamps in each frame onto the replay's clock (keeping the recorded
   * delay), so a live hot path does not judge every book old (adapters/record/replay-clock.ts).
   * Off: frames go out byte for byte.
   */
  rebaseTimes?: boolean;
}

interface Played { frame: RecordedFrame; json: Record<string, unknown>; markets: string[]; channel?: string }

export interface RunningRawReplay {
  port: number;
  meta: RecordingMeta;
  /** ccxt constructor options per venue (urls only: the replay needs no keys). */
  ccxtOptions(exchange: ExchangeId): Record<string, unknown>;
  /** Sessions that have sent every recorded frame, per venue. */
  finished(exchange: ExchangeId): number;
  close(): Promise<void>;
}

/**
 * Serves a raw recording as the venues' REST and WebSocket servers, at the paths the simulator
 * uses (so `simulatorCcxtOptions` points ccxt at it). REST answers are the recorded bodies;
 * every client socket replays the venue's recorded frames from the start, at the recorded pace
 * divided by `speed`, limited to the markets it subscribed to. Frames go out as recorded, except
 * Coinbase's `sequence_num`, renumbered per client socket (it counts the messages of one
 * connection, and a client that subscribed to fewer markets sees fewer).
 */
export async function startRawReplay(o: RawReplayOptions): Promise<RunningRawReplay> {
  const rec = readRecording(o.dir);
  const speed = o.speed ?? 1;
  const played = new Map<ExchangeId, Played[]>();
  const rest = new Map<ExchangeId, RecordedFrame[]>();
  for (const ex of EXCHANGE_IDS) {
    played.set(ex, []);
    rest.set(ex, []);
  }
  for (const f of rec.frames) {
    if (f.k === 'rest') rest.get(f.v)!.push(f);
    if (f.k !== 'ws') continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(f.d) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (isAcknowledgement(f.v, json)) continue;
    const channel = connectionFrameChannel(f.v, json);
    played.get(f.v)!.push({ frame: f, json, markets: RECORD_VENUES[f.v].marketsOf(json), ...(channel ? { channel } : {}) });
  }
  /** Replay position per venue (µs of the recording), the furthest any session has reached. */
  const position = new Map<ExchangeId, number>();
  const done = new Map<ExchangeId, number>();
  const sockets = new Set<WebSocket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createHardenedServer(guardRequests('raw replay', (req, res, url) => answer(req, res, url)));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const venue = venueOf(req.url ?? '/');
    if (!venue || !rec.meta.exchanges.includes(venue)) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => session(venue, ws));
  });

  function answer(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const venue = venueOf(url.pathname);
    const send = (status: number, body: string): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (!venue || !rec.meta.exchanges.includes(venue)) return send(404, JSON.stringify({ error: `no venue at ${url.pathname}` }));
    const sub = url.pathname.slice(venue.length + 1);
    const frames = rest.get(venue)!;
    if (venue === 'binance' && sub === '/api/v3/depth') {
      // The snapshot the diff stream needs: the latest one recorded before the replay's position.
      const symbol = url.searchParams.get('symbol');
      const snaps = frames.filter((f) => f.u?.startsWith('/api/v3/depth?') && new URLSearchParams(f.u.split('?')[1]).get('symbol') === symbol);
      const at = position.get('binance') ?? 0;
      const snap = [...snaps].reverse().find((f) => f.t <= at) ?? snaps[0];
      return snap ? send(200, snap.d) : send(400, JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }));
    }
    const full = `${sub}${url.search}`;
    const hit = frames.find((f) => f.u === full);
    if (hit) return send(200, hit.d);
    // Calls ccxt makes that a public recording cannot hold: answered with "nothing".
    if (venue === 'binance' && sub.startsWith('/sapi/')) return send(200, '[]');
    if (venue === 'coinbase' && sub === '/api/v3/brokerage/market/products') return send(200, JSON.stringify({ products: [], num_products: 0 }));
    if (sub.endsWith('/time')) return send(200, JSON.stringify({ serverTime: Date.now(), iso: new Date().toISOString(), epoch: Math.floor(Date.now() / 1000) }));
    return send(404, JSON.stringify({ error: `not in the recording: ${req.method ?? 'GET'} ${full}` }));
  }

  function session(venue: ExchangeId, ws: WebSocket): void {
    sockets.add(ws);
    const subscribed = new Set<string>();
    let seq = 0;
    let started = false;
    let cursor = 0;
    let timer: NodeJS.Timeout | undefined;
    const frames = played.get(venue)!;
    const t0 = frames[0]?.frame.t ?? 0;
    const startedAt = Date.now();
    const stop = (): void => {
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      sockets.delete(ws);
    };
    ws.on('close', stop);
    ws.on('error', () => ws.terminate());
    const wanted = (p: Played): boolean => (p.channel ? p.channel === 'any' ? subscribed.size > 0 : subscribed.has(p.channel) : p.markets.some((m) => subscribed.has(m)));
    const emit = (p: Played): void => {
      if (!wanted(p)) return;
      const text = venue === 'coinbase' ? p.frame.d.replace(/"sequence_num":\d+/, `"sequence_num":${seq++}`) : p.frame.d;
      ws.send(o.rebaseTimes ? shiftFrameTimes(venue, text, Math.round(Date.now() - p.frame.t / 1000)) : text);
    };
    const pump = (): void => {
      timer = undefined;
      const elapsedUs = (Date.now() - startedAt) * 1000 * (speed > 0 ? speed : Number.POSITIVE_INFINITY);
      let sent = 0;
      while (cursor < frames.length && ws.readyState === ws.OPEN) {
        const p = frames[cursor]!;
        if (p.frame.t - t0 > elapsedUs) break;
        emit(p);
        cursor += 1;
        position.set(venue, Math.max(position.get(venue) ?? 0, p.frame.t));
        // As fast as possible still yields now and then, so the client's replies are read.
        if ((sent += 1) >= 200) break;
      }
      if (cursor >= frames.length) {
        done.set(venue, (done.get(venue) ?? 0) + 1);
        return;
      }
      const next = frames[cursor]!;
      const wait = sent >= 200 || speed <= 0 ? 0 : Math.max(0, (next.frame.t - t0) / 1000 / speed - (Date.now() - startedAt));
      timer = setTimeout(pump, wait);
      timers.add(timer);
    };
    ws.on('message', (data: Buffer) => {
      const req = parseClientMessage(venue, data.toString('utf8'), () => seq++);
      for (const r of req.replies) ws.send(r);
      if (req.kind === 'subscribe') for (const id of req.ids) subscribed.add(id);
      if (req.kind === 'unsubscribe') for (const id of req.ids) subscribed.delete(id);
      if (req.kind === 'subscribe' && !started) {
        started = true;
        pump();
      }
    });
  }

  const port = (await listenOn(server, { part: 'raw replay', port: o.port ?? 0, host: o.host ?? '127.0.0.1', envVar: 'SIM_PORT' })).port;
  const base = `http://${o.host ?? '127.0.0.1'}:${port}`;
  return {
    port,
    meta: rec.meta,
    ccxtOptions(exchange) {
      const { ccxtOptions } = simulatorCcxtOptions(base, exchange);
      const { apiKey: _k, secret: _s, ...rest } = ccxtOptions as Record<string, unknown>;
      return rest;
    },
    finished: (exchange) => done.get(exchange) ?? 0,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function venueOf(path: string): ExchangeId | undefined {
  const m = /^\/([a-z]+)(\/|$)/.exec(path.split('?')[0] ?? '/');
  return (EXCHANGE_IDS as readonly string[]).includes(m?.[1] ?? '') ? (m![1] as ExchangeId) : undefined;
}
