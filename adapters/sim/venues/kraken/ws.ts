import { crc32 } from 'node:zlib';
import type { WebSocket } from 'ws';
import { formatDecimal } from '../../../../domain/money/format';
import type { SimContext } from '../../context';
import { diffBooks, fmtNum, topOf, type BookDiff, type BookSides, type Level, type LevelChange } from '../../model/book';
import type { SimMarket } from '../../model/markets';
import type { Prng } from '../../model/prng';
import type { BookUpdate, TradePrint } from '../../model/store';
import { connectionRng, RawNumber, sendWhenAudible, toWireJson } from '../wire';
import { isoMicros, krakenUpdateSize, msToNs, shortest, type DiffChunk } from '../wire-format';

const DEPTHS = [10, 25, 100, 500, 1000];

/**
 * Kraken WebSocket v2 (public): book (snapshot, then updates of the subscribed depth window with a
 * CRC32 checksum), trade, heartbeat once a second, ping/pong. As the real venue: a level that
 * leaves the window because better levels came in is NOT deleted (the client truncates to its
 * depth); a level deleted inside the window is sent as `"qty":0.00000000` and the one that moves
 * up into the window is sent as an insert; updates carry 1-6 levels (mean ~1.4), sometimes not
 * best first; timestamps have microseconds; connection_id is larger than 2^53.
 */
export function handleKrakenWs(ws: WebSocket, ctx: SimContext): void {
  /** view: the book as the subscriber holds it (after truncating to depth): the checksum's book. */
  const books = new Map<string, { depth: number; view: BookSides }>();
  const trades = new Set<string>();
  const rng = connectionRng(ctx, 'kraken');
  const send = (msg: unknown): void => sendWhenAudible(ws, ctx, 'kraken', toWireJson(msg));
  const stamp = (): string => new Date(ctx.now()).toISOString();
  const micros = (ms: number): string => isoMicros(msToNs(ms, rng));
  ws.send(toWireJson({ channel: 'status', type: 'update', data: [{ api_version: 'v2', connection_id: new RawNumber(connectionId(rng)), system: 'online', version: '2.0.10' }] }));
  const heartbeat = setInterval(() => {
    if (books.size || trades.size) send({ channel: 'heartbeat' });
  }, 1000);
  const offBook = ctx.store.onUpdate((u: BookUpdate) => {
    if (u.exchange !== 'kraken') return;
    for (const symbol of u.symbols) {
      const sub = books.get(symbol);
      const m = ctx.store.market('kraken', symbol);
      const lb = ctx.store.live('kraken', symbol);
      if (!sub || !m || !lb) continue;
      const window = topOf(lb.book, sub.depth);
      const change = windowChange(sub.view, window, sub.depth);
      for (const chunk of chunks(soundOrder(sub.view, change), () => krakenUpdateSize(rng))) {
        applyChunk(sub.view, chunk, sub.depth);
        // Gap fault: this diff is lost on the wire; the next update's checksum no longer matches.
        if (u.gap) continue;
        send({ channel: 'book', type: 'update', data: [{ symbol, bids: levels(shuffled(chunk.bids, rng), m), asks: levels(shuffled(chunk.asks, rng), m), checksum: checksum(sub.view, m), timestamp: micros(u.timestamp) }] });
      }
    }
  });
  const offTrade = ctx.store.onTrade((t: TradePrint) => {
    if (t.exchange !== 'kraken') return;
    for (const symbol of t.symbols) {
      const m = ctx.store.market('kraken', symbol);
      if (!m || !trades.has(symbol)) continue;
      send({ channel: 'trade', type: 'update', data: [{ symbol, side: t.side, price: raw(fmtNum(t.price, m.tick)), qty: raw(fmtNum(t.amount, m.step)), ord_type: 'market', trade_id: t.id, timestamp: micros(t.timestamp) }] });
    }
  });
  ws.on('close', () => {
    clearInterval(heartbeat);
    offBook();
    offTrade();
    ctx.stats.kraken.subscriptions -= books.size + trades.size;
  });
  ws.on('message', (data) => {
    let msg: { method?: string; params?: { channel?: string; symbol?: unknown; depth?: unknown; snapshot?: unknown }; req_id?: number };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      ws.send(JSON.stringify({ error: 'Malformed request', success: false, time_in: stamp(), time_out: stamp() }));
      return;
    }
    const reqId = msg.req_id;
    const ack = (extra: Record<string, unknown>): void => ws.send(toWireJson({ method: msg.method, ...extra, ...(reqId !== undefined ? { req_id: reqId } : {}), time_in: stamp(), time_out: stamp() }));
    // ccxt counts the connection alive only on a {method:"pong"} answer to its {method:"ping"}.
    if (msg.method === 'ping') return void ws.send(JSON.stringify({ method: 'pong', ...(reqId !== undefined ? { req_id: reqId } : {}), time_in: stamp(), time_out: stamp() }));
    if (msg.method === 'pong') return;
    if (msg.method !== 'subscribe' && msg.method !== 'unsubscribe') return ack({ error: `Unsupported method: ${String(msg.method)}`, success: false });
    const channel = msg.params?.channel;
    const symbols = Array.isArray(msg.params?.symbol) ? msg.params.symbol.map(String) : [];
    const depth = msg.params?.depth === undefined ? 10 : Number(msg.params.depth);
    if (channel === 'book' && !DEPTHS.includes(depth)) return ack({ error: 'Invalid depth', success: false });
    if (channel !== 'book' && channel !== 'trade') return ack({ error: `Unsupported channel: ${String(channel)}`, success: false });
    for (const symbol of symbols) {
      const m = ctx.store.market('kraken', symbol);
      const lb = ctx.store.live('kraken', symbol);
      if (!m || !lb) {
        ack({ error: `Currency pair not supported ${symbol}`, success: false, symbol });
        continue;
      }
      if (msg.method === 'unsubscribe') {
        const had = channel === 'book' ? books.delete(symbol) : trades.delete(symbol);
        if (had) ctx.stats.kraken.subscriptions -= 1;
        ack({ result: { channel, symbol, ...(channel === 'book' ? { depth } : {}) }, success: true });
        continue;
      }
      if (channel === 'trade') {
        if (!trades.has(symbol)) ctx.stats.kraken.subscriptions += 1;
        trades.add(symbol);
        ack({ result: { channel, snapshot: false, symbol }, success: true });
        continue;
      }
      if (!books.has(symbol)) ctx.stats.kraken.subscriptions += 1;
      const subscribe = (): void => {
        if (ws.readyState !== ws.OPEN) return;
        ctx.store.ensureDepth('kraken', symbol, depth);
        const now = ctx.store.live('kraken', symbol) ?? lb;
        const view = topOf(now.book, depth);
        books.set(symbol, { depth, view });
        ctx.store.noteSnapshot('kraken', symbol);
        ack({ result: { channel, depth, snapshot: true, symbol }, success: true });
        send({ channel: 'book', type: 'snapshot', data: [{ symbol, bids: levels(view.bids, m), asks: levels(view.asks, m), checksum: checksum(view, m), timestamp: micros(now.timestamp) }] });
      };
      // A gap fault with a resync hold: the broken book cannot be re-synced before it ends.
      const hold = (ctx.faults.kraken.snapshotHoldUntil ?? 0) - ctx.now();
      if (hold > 0) setTimeout(subscribe, hold);
      else subscribe();
    }
  });
}

function raw(s: string): RawNumber {
  return new RawNumber(s);
}

/** Numbers as Kraken prints them: shortest digits, a deletion as zero at the lot's scale (0.00000000). */
function levels(ls: LevelChange[], m: SimMarket): Array<{ price: RawNumber; qty: RawNumber }> {
  return ls.map(([p, a]) => ({ price: raw(shortest(p)), qty: raw(a.isZero() ? formatDecimal(a, m.step.decimalPlaces()) : shortest(a)) }));
}

/**
 * What the venue sends for a window change: everything that differs, except deletions of levels
 * that only fell below a full window (the subscriber truncates those itself).
 */
function windowChange(view: BookSides, window: BookSides, depth: number): BookDiff {
  const all = diffBooks(view, window);
  const keep = (changes: LevelChange[], side: Level[], dir: 1 | -1): LevelChange[] => {
    const worst = side.length >= depth ? side[depth - 1]?.[0] : undefined;
    return worst ? changes.filter(([p, a]) => !a.isZero() || p.cmp(worst) * dir < 0) : changes;
  };
  return { bids: keep(all.bids, window.bids, -1), asks: keep(all.asks, window.asks, 1) };
}

type Side = 'bids' | 'asks';
const DIR: Record<Side, 1 | -1> = { bids: -1, asks: 1 };

/**
 * The window change in an order the subscriber's book stays sound through, whatever message it
 * is cut at (updates of one level each): removals first, except one that would empty a side, and
 * no insert that would cross the other side.
 */
function soundOrder(view: BookSides, change: BookDiff): Array<[Side, LevelChange]> {
  const state: BookSides = { bids: view.bids.slice(), asks: view.asks.slice() };
  const pending: Array<[Side, LevelChange]> = [];
  for (const removal of [true, false]) for (const s of ['bids', 'asks'] as const) for (const c of change[s]) if (c[1].isZero() === removal) pending.push([s, c]);
  const out: Array<[Side, LevelChange]> = [];
  while (pending.length) {
    const i = pending.findIndex(([s, c]) => keepsSound(state, s, c));
    // No sound order (a hand-set book far from the last one): send the rest as it comes.
    const [next] = pending.splice(Math.max(0, i), 1);
    if (!next) break;
    state[next[0]] = applySide(state[next[0]], [next[1]], DIR[next[0]]);
    out.push(next);
  }
  return out;
}

function keepsSound(state: BookSides, s: Side, [p, a]: LevelChange): boolean {
  const side = state[s];
  if (a.isZero()) return side.length > 1 || !side[0]?.[0].eq(p);
  const other = state[s === 'bids' ? 'asks' : 'bids'][0]?.[0];
  return !other || p.cmp(other) * DIR[s] > 0;
}

function chunks(order: Array<[Side, LevelChange]>, size: () => number): DiffChunk[] {
  const out: DiffChunk[] = [];
  for (let i = 0; i < order.length;) {
    const n = size();
    const chunk: DiffChunk = { bids: [], asks: [] };
    for (const [s, c] of order.slice(i, i + n)) chunk[s].push(c);
    out.push(chunk);
    i += n;
  }
  return out;
}

/** Applies one message to the subscriber's book and truncates it to the depth, as a client must. */
function applyChunk(view: BookSides, chunk: { bids: LevelChange[]; asks: LevelChange[] }, depth: number): void {
  view.bids = applySide(view.bids, chunk.bids, -1).slice(0, depth);
  view.asks = applySide(view.asks, chunk.asks, 1).slice(0, depth);
}

function applySide(levels: Level[], changes: LevelChange[], dir: 1 | -1): Level[] {
  const out = levels.slice();
  for (const [p, a] of changes) {
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid]![0].cmp(p) * dir < 0) lo = mid + 1;
      else hi = mid;
    }
    const same = out[lo]?.[0].eq(p) ?? false;
    if (a.isZero()) {
      if (same) out.splice(lo, 1);
    } else out.splice(lo, same ? 1 : 0, [p, a]);
  }
  return out;
}

/** Kraken does not always list a message's levels best first. */
function shuffled(ls: LevelChange[], rng: Prng): LevelChange[] {
  return ls.length > 1 && rng.next() < 0.3 ? ls.slice().reverse() : ls;
}

/** A connection id as Kraken sends it: a bare JSON integer above 2^53 (exact only as text). */
function connectionId(rng: Prng): string {
  // 20 digits from 10^19 to 1.8 x 10^19: above 2^53, within 2^64 as Kraken's are.
  let digits = `1${rng.int(8)}`;
  for (let i = 0; i < 18; i++) digits += String(rng.int(10));
  return digits;
}

/** Kraken's book checksum: CRC32 over the top ten asks then bids, digits only, no leading zeros. */
function checksum(view: BookSides, m: SimMarket): number {
  const part = (ls: LevelChange[]): string => ls.slice(0, 10).map(([p, a]) => strip(fmtNum(p, m.tick)) + strip(formatDecimal(a, Math.max(a.decimalPlaces(), m.step.decimalPlaces())))).join('');
  return crc32(part(view.asks) + part(view.bids));
}

function strip(s: string): string {
  return s.replace('.', '').replace(/^0+/, '');
}
