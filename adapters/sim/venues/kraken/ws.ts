import { crc32 } from 'node:zlib';
import type { WebSocket } from 'ws';
import { formatDecimal } from '../../../../domain/money/format';
import type { SimContext } from '../../context';
import { diffBooks, fmtNum, topOf, type BookSides, type LevelChange } from '../../model/book';
import type { SimMarket } from '../../model/markets';
import type { BookUpdate, TradePrint } from '../../model/store';
import { RawNumber, sendWhenAudible, toWireJson } from '../wire';

const DEPTHS = [10, 25, 100, 500, 1000];

/**
 * Kraken WebSocket v2 (public): book (snapshot, then updates of the subscribed depth window with a
 * CRC32 checksum), trade, heartbeat once a second, ping/pong. The window matters: a level that
 * drops out of the top N is sent as a delete, one that moves in is sent as an insert.
 */
export function handleKrakenWs(ws: WebSocket, ctx: SimContext): void {
  const books = new Map<string, { depth: number; view: BookSides }>();
  const trades = new Set<string>();
  const send = (msg: unknown): void => sendWhenAudible(ws, ctx, 'kraken', toWireJson(msg));
  const stamp = (): string => new Date(ctx.now()).toISOString();
  ws.send(JSON.stringify({ channel: 'status', type: 'update', data: [{ api_version: 'v2', connection_id: Math.floor(ctx.now() % 1e9), system: 'online', version: '2.0.10' }] }));
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
      const next = topOf(lb.book, sub.depth);
      const diff = diffBooks(sub.view, next);
      sub.view = next;
      // Gap fault: this diff is lost on the wire; the next update's checksum no longer matches.
      if (u.gap) continue;
      if (!diff.bids.length && !diff.asks.length) continue;
      send({ channel: 'book', type: 'update', data: [{ symbol, bids: levels(diff.bids, m), asks: levels(diff.asks, m), checksum: checksum(next, m), timestamp: new Date(u.timestamp).toISOString() }] });
    }
  });
  const offTrade = ctx.store.onTrade((t: TradePrint) => {
    if (t.exchange !== 'kraken') return;
    for (const symbol of t.symbols) {
      const m = ctx.store.market('kraken', symbol);
      if (!m || !trades.has(symbol)) continue;
      send({ channel: 'trade', type: 'update', data: [{ symbol, side: t.side, price: raw(fmtNum(t.price, m.tick)), qty: raw(fmtNum(t.amount, m.step)), ord_type: 'market', trade_id: t.id, timestamp: new Date(t.timestamp).toISOString() }] });
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
      const view = topOf(lb.book, depth);
      books.set(symbol, { depth, view });
      ack({ result: { channel, depth, snapshot: true, symbol }, success: true });
      send({ channel: 'book', type: 'snapshot', data: [{ symbol, bids: levels(view.bids, m), asks: levels(view.asks, m), checksum: checksum(view, m) }] });
    }
  });
}

function raw(s: string): RawNumber {
  return new RawNumber(s);
}

function levels(ls: LevelChange[], m: SimMarket): Array<{ price: RawNumber; qty: RawNumber }> {
  return ls.map(([p, a]) => ({ price: raw(fmtNum(p, m.tick)), qty: raw(a.isZero() ? '0' : fmtNum(a, m.step)) }));
}

/** Kraken's book checksum: CRC32 over the top ten asks then bids, digits only, no leading zeros. */
function checksum(view: BookSides, m: SimMarket): number {
  const part = (ls: LevelChange[]): string => ls.slice(0, 10).map(([p, a]) => strip(fmtNum(p, m.tick)) + strip(formatDecimal(a, Math.max(a.decimalPlaces(), m.step.decimalPlaces())))).join('');
  return crc32(part(view.asks) + part(view.bids));
}

function strip(s: string): string {
  return s.replace('.', '').replace(/^0+/, '');
}
