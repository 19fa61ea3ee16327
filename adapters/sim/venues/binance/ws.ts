import type { WebSocket } from 'ws';
import type { SimContext } from '../../context';
import type { BookUpdate, TradePrint } from '../../model/store';
import { sendWhenAudible } from '../wire';
import { eight, eightLevel } from '../wire-format';

/**
 * Binance raw streams (/ws/<n>): SUBSCRIBE/UNSUBSCRIBE by stream name, depthUpdate diffs with
 * U/u, trade prints; prices and quantities always as 8-decimal strings, as the venue sends them. ccxt fetches the REST snapshot itself and stitches it to the diffs by U/u.
 */
export function handleBinanceWs(ws: WebSocket, ctx: SimContext): void {
  const streams = new Set<string>();
  const offBook = ctx.store.onUpdate((u: BookUpdate) => {
    if (u.exchange !== 'binance') return;
    for (const symbol of u.symbols) {
      const m = ctx.store.market('binance', symbol);
      if (!m) continue;
      const lower = m.id.toLowerCase();
      if (!streams.has(`${lower}@depth`) && !streams.has(`${lower}@depth@100ms`)) continue;
      sendWhenAudible(ws, ctx, 'binance', {
        e: 'depthUpdate', E: u.timestamp, s: m.id, U: u.firstSeq, u: u.lastSeq,
        b: u.diff.bids.map(eightLevel), a: u.diff.asks.map(eightLevel),
      });
    }
  });
  const offTrade = ctx.store.onTrade((t: TradePrint) => {
    if (t.exchange !== 'binance') return;
    for (const symbol of t.symbols) {
      const m = ctx.store.market('binance', symbol);
      if (!m || !streams.has(`${m.id.toLowerCase()}@trade`)) continue;
      sendWhenAudible(ws, ctx, 'binance', {
        e: 'trade', E: t.timestamp, s: m.id, t: t.id, p: eight(t.price), q: eight(t.amount),
        T: t.timestamp, m: t.side === 'sell', M: true,
      });
    }
  });
  ws.on('close', () => {
    offBook();
    offTrade();
    ctx.stats.binance.subscriptions -= streams.size;
  });
  ws.on('message', (data) => {
    let msg: { method?: string; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid JSON' } }));
      return;
    }
    const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
    if (msg.method === 'SUBSCRIBE') {
      for (const p of params) if (!streams.has(p)) { streams.add(p); ctx.stats.binance.subscriptions += 1; }
      ws.send(JSON.stringify({ result: null, id: msg.id }));
    } else if (msg.method === 'UNSUBSCRIBE') {
      for (const p of params) if (streams.delete(p)) ctx.stats.binance.subscriptions -= 1;
      ws.send(JSON.stringify({ result: null, id: msg.id }));
    } else if (msg.method === 'LIST_SUBSCRIPTIONS') {
      ws.send(JSON.stringify({ result: [...streams], id: msg.id }));
    } else {
      ws.send(JSON.stringify({ error: { code: 1, msg: `Unknown method ${String(msg.method)}` }, id: msg.id }));
    }
  });
}
