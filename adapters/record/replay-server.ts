import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { EXCHANGE_IDS, type ExchangeId } from '../../domain/market';
import { createHardenedServer, guardRequests } from '../http/request-guard';
import { listenOn } from '../net/listen';
import { simulatorCcxtOptions } from '../sim';
import type { RecordedFrame, RecordingMeta } from './format';
import { readRecording } from './reader';
import { shiftFrameTimes } from './replay-clock';
import { frameKeys, isAcknowledgement, parseClientMessage } from './replay-wire';
import { BookRebuilder } from './rebuild';
import { binanceDepth, VenueDetails } from './replay-snapshots';
import type { OrderBook } from '../../domain/orderbook';

export interface RawReplayOptions {
  dir: string;
  port?: number;
  host?: string;
  /** 1 = recorded pace, 10 = ten times faster, 0 = as fast as possible (in batches, letting clients' messages in). */
  speed?: number;
  /**
   * Move the venues' own timestamps in each frame onto the replay's clock (keeping the recorded
   * delay), so a live hot path does not judge every book old (adapters/record/replay-clock.ts).
   * Off: frames go out byte for byte.
   */
  rebaseTimes?: boolean;
  /** The timeline moves only by `step()` (a driver paces it, e.g. by a hot path's acknowledgements). */
  manual?: boolean;
}

interface Played { frame: RecordedFrame; json?: Record<string, unknown>; keys: string[] }

/** One step of a replay: the frame played and the books it changed (rebuilt in Decimal). */
export interface ReplayStep { frame: RecordedFrame; books: OrderBook[] }

export interface RunningRawReplay {
  port: number;
  meta: RecordingMeta;
  /** ccxt constructor options per venue (urls only: the replay needs no keys). */
  ccxtOptions(exchange: ExchangeId): Record<string, unknown>;
  /** 1 once the timeline has played the venue's last recorded frame, else 0. */
  finished(exchange: ExchangeId): number;
  /**
   * With `manual`: plays the next frame of the timeline (sent to every client subscribed to it)
   * and returns it with the books it changed (50 levels); undefined at the end. Without: throws.
   */
  step(): ReplayStep | undefined;
  /** Receive time (µs) of the last frame played; 0 before the first. */
  positionUs(): number;
  /** Receive time (µs) of the next frame to play; undefined at the end. */
  nextUs(): number | undefined;
  close(): Promise<void>;
}

interface Session { venue: ExchangeId; ws: WebSocket; subs: Set<string>; seq: number; krakenDepth: Map<string, number> }

/**
 * Serves a raw recording as the venues' REST and WebSocket servers, at the paths the simulator
 * uses (so `simulatorCcxtOptions` points ccxt at it). As a real venue: ONE timeline, started by
 * the first subscription (or stepped by hand with `manual`) and never restarted, at the recorded
 * pace divided by `speed`; every socket joins it where it stands, with a fresh snapshot of each
 * book it subscribes to (Kraken, Coinbase; Binance's REST `depth` is the book as it stands), and
 * then gets the recorded frames of its markets (books and public trades) from there. REST answers
 * are the recorded bodies. Frames go out as recorded, except Coinbase's `sequence_num`, renumbered
 * per client socket (it counts the messages of one connection, and a client that subscribed to
 * fewer markets sees fewer).
 */
export async function startRawReplay(o: RawReplayOptions): Promise<RunningRawReplay> {
  const rec = readRecording(o.dir);
  const speed = o.speed ?? 1;
  const rest = new Map<ExchangeId, RecordedFrame[]>();
  for (const ex of EXCHANGE_IDS) rest.set(ex, []);
  const timeline: Played[] = [];
  const lastOf = new Map<ExchangeId, number>();
  for (const f of rec.frames) {
    if (f.k === 'rest') {
      rest.get(f.v)!.push(f);
      // Binance's depth snapshots start its books in the timeline's rebuild.
      if (f.v === 'binance' && f.u?.startsWith('/api/v3/depth?')) timeline.push({ frame: f, keys: [] });
    }
    if (f.k !== 'ws') continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(f.d) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (isAcknowledgement(f.v, json)) continue;
    timeline.push({ frame: f, json, keys: frameKeys(f.v, json) });
    lastOf.set(f.v, timeline.length - 1);
  }
  const t0 = timeline[0]?.frame.t ?? 0;
  // Views of 50 levels, as the backtest rebuilds them (snapshots ask for their own depth).
  const books = new BookRebuilder(rec.meta, 50);
  const details = new VenueDetails();
  let cursor = 0;
  let startedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sessions = new Set<Session>();

  const server = createHardenedServer(guardRequests('raw replay', (req, res, url) => answer(req, res, url)));
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const venue = venueOf(req.url ?? '/');
    if (!venue || !rec.meta.exchanges.includes(venue)) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => session(venue, ws));
  });

  const emit = (s: Session, text: string, recordedAtUs?: number): void => {
    if (s.ws.readyState !== s.ws.OPEN) return;
    const out = s.venue === 'coinbase' ? text.replace(/"sequence_num":\d+/, `"sequence_num":${s.seq++}`) : text;
    s.ws.send(o.rebaseTimes && recordedAtUs !== undefined ? shiftFrameTimes(s.venue, out, Math.round(Date.now() - recordedAtUs / 1000)) : out);
  };

  /** Plays one frame: the rebuild and the venue details move on, subscribed clients get it. */
  function play(p: Played): ReplayStep {
    const changed = books.update(p.frame);
    if (p.json) {
      details.track(p.frame, p.json);
      for (const s of sessions) {
        if (s.venue === p.frame.v && p.keys.some((k) => (k === 'any' ? s.subs.size > 0 : s.subs.has(k)))) emit(s, p.frame.d, p.frame.t);
      }
    }
    return { frame: p.frame, books: o.manual ? changed.flatMap((id) => books.view(p.frame.v, id, Math.floor(p.frame.t / 1000))) : [] };
  }

  /** The recorded pace: every frame due by now (a few hundred at a time, so clients' messages are read). */
  function pump(): void {
    timer = undefined;
    const elapsedUs = (Date.now() - (startedAt ?? Date.now())) * 1000 * (speed > 0 ? speed : Number.POSITIVE_INFINITY);
    let sent = 0;
    while (cursor < timeline.length && timeline[cursor]!.frame.t - t0 <= elapsedUs && sent < 200) {
      play(timeline[cursor++]!);
      sent += 1;
    }
    if (cursor >= timeline.length) return;
    const wait = sent >= 200 || speed <= 0 ? 0 : Math.max(0, (timeline[cursor]!.frame.t - t0) / 1000 / speed - (Date.now() - startedAt!));
    timer = setTimeout(pump, wait);
  }

  function answer(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const venue = venueOf(url.pathname);
    const send = (status: number, body: string): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (!venue || !rec.meta.exchanges.includes(venue)) return send(404, JSON.stringify({ error: `no venue at ${url.pathname}` }));
    const sub = url.pathname.slice(venue.length + 1);
    const frames = rest.get(venue)!;
    if (venue === 'binance' && sub === '/api/v3/depth') {
      const symbol = url.searchParams.get('symbol') ?? '';
      // The book as it stands at the replay's position, as the venue would answer now.
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const now = books.view('binance', symbol, 0, Number.isInteger(limit) && limit > 0 ? limit : 100)[0];
      const nonce = books.nonce('binance', symbol);
      if (now && nonce !== undefined) return send(200, binanceDepth(now, nonce));
      // Before the timeline has a book: the latest snapshot recorded before the position (or the first).
      const snaps = frames.filter((f) => f.u?.startsWith('/api/v3/depth?') && new URLSearchParams(f.u.split('?')[1]).get('symbol') === symbol);
      const at = cursor > 0 ? timeline[cursor - 1]!.frame.t : 0;
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

  /** Snapshots for the books and trades a client just subscribed to, as the venue sends them. */
  function joinSnapshots(s: Session, fresh: string[]): void {
    const at = cursor > 0 ? timeline[cursor - 1]!.frame.t : undefined;
    const coinbaseTrades: string[] = [];
    for (const key of fresh) {
      const [kind, id = ''] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
      if (kind === 'trade' && s.venue === 'coinbase') coinbaseTrades.push(id);
      if (kind !== 'book' || s.venue === 'binance') continue;
      const limit = s.venue === 'kraken' ? Math.min(s.krakenDepth.get(id) ?? rec.meta.krakenDepth, rec.meta.krakenDepth) : Number.MAX_SAFE_INTEGER;
      const now = books.view(s.venue, id, 0, limit)[0];
      // A book the timeline has not started yet: its recorded snapshot comes in its time.
      if (!now) continue;
      emit(s, s.venue === 'kraken' ? details.kraken(now, id) : details.coinbaseBook(now, id), at);
    }
    if (coinbaseTrades.length) emit(s, details.coinbaseTradesSnapshot(coinbaseTrades), at);
  }

  function session(venue: ExchangeId, ws: WebSocket): void {
    const s: Session = { venue, ws, subs: new Set(), seq: 0, krakenDepth: new Map() };
    sessions.add(s);
    ws.on('close', () => sessions.delete(s));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: Buffer) => {
      const req = parseClientMessage(venue, data.toString('utf8'), () => s.seq++);
      for (const r of req.replies) ws.send(r);
      if (req.kind === 'unsubscribe') for (const id of req.ids) s.subs.delete(id);
      if (req.kind !== 'subscribe') return;
      const fresh = req.ids.filter((id) => !s.subs.has(id));
      for (const id of fresh) {
        s.subs.add(id);
        if (req.depth !== undefined) s.krakenDepth.set(id.slice('book:'.length), req.depth);
      }
      joinSnapshots(s, fresh);
      // The timeline starts with the first subscription of any client, once.
      if (!o.manual && startedAt === undefined) {
        startedAt = Date.now();
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
    finished: (exchange) => (cursor > (lastOf.get(exchange) ?? -1) ? 1 : 0),
    step() {
      if (!o.manual) throw new Error('step() needs a replay started with manual: true');
      return cursor < timeline.length ? play(timeline[cursor++]!) : undefined;
    },
    positionUs: () => (cursor > 0 ? timeline[cursor - 1]!.frame.t : 0),
    nextUs: () => timeline[cursor]?.frame.t,
    async close() {
      if (timer) clearTimeout(timer);
      for (const x of sessions) x.ws.terminate();
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
