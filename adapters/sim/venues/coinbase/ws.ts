import type { WebSocket } from 'ws';
import type { SimContext } from '../../context';
import { fmtNum, type LevelChange } from '../../model/book';
import type { SimMarket } from '../../model/markets';
import type { BookUpdate, TradePrint } from '../../model/store';
import { sendWhenAudible } from '../wire';
import { iso } from './ids';

/**
 * Coinbase Advanced Trade WebSocket: level2 (snapshot then updates, no gap detection in ccxt),
 * market_trades, heartbeats. Like the real feed, an X-USDC subscription is answered from the X-USD
 * book under the X-USD product id; sequence_num counts every message on the connection.
 */
export function handleCoinbaseWs(ws: WebSocket, ctx: SimContext): void {
  const level2 = new Set<string>(); // source symbols
  const trades = new Set<string>();
  let heartbeats = false;
  let seq = 0;
  let lastL2 = ctx.now();
  let hbCounter = 0;
  const send = (channel: string, events: unknown[]): void => {
    sendWhenAudible(ws, ctx, 'coinbase', { channel, client_id: '', timestamp: iso(ctx.now()), sequence_num: seq++, events });
  };
  const quietMs = ctx.options.coinbaseQuietDropMs;
  const timer = setInterval(() => {
    if (heartbeats) send('heartbeats', [{ current_time: iso(ctx.now()), heartbeat_counter: ++hbCounter }]);
    // Like Coinbase: a level2 channel with nothing to say and no heartbeats quietly stops.
    else if (quietMs > 0 && level2.size && ctx.now() - lastL2 > quietMs) {
      ctx.stats.coinbase.subscriptions -= level2.size;
      level2.clear();
    }
  }, Math.min(1000, quietMs > 0 ? Math.max(50, Math.floor(quietMs / 4)) : 1000));
  const offBook = ctx.store.onUpdate((u: BookUpdate) => {
    if (u.exchange !== 'coinbase') return;
    const source = ctx.store.market('coinbase', u.symbols[0] ?? '');
    const m = source?.aliasOf ? ctx.store.market('coinbase', source.aliasOf) : source;
    if (!m || !level2.has(m.symbol)) return;
    // Gap fault: this message is lost on the wire, so the connection's sequence_num skips one.
    if (u.gap) {
      seq += 1;
      return;
    }
    lastL2 = ctx.now();
    send('l2_data', [{ type: 'update', product_id: m.id, updates: [...updates(u.diff.bids, 'bid', m, u.timestamp), ...updates(u.diff.asks, 'offer', m, u.timestamp)] }]);
  });
  const offTrade = ctx.store.onTrade((t: TradePrint) => {
    if (t.exchange !== 'coinbase') return;
    const m = ctx.store.market('coinbase', t.symbols[0] ?? '');
    if (!m || !trades.has(m.symbol)) return;
    send('market_trades', [{ type: 'update', trades: [{ trade_id: String(t.id), product_id: m.id, price: fmtNum(t.price, m.tick), size: fmtNum(t.amount, m.step), side: t.side.toUpperCase(), time: iso(t.timestamp) }] }]);
  });
  ws.on('close', () => {
    clearInterval(timer);
    offBook();
    offTrade();
    ctx.stats.coinbase.subscriptions -= level2.size + trades.size + (heartbeats ? 1 : 0);
  });
  ws.on('message', (data) => {
    let msg: { type?: string; channel?: string; product_ids?: unknown };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      ws.send(JSON.stringify({ type: 'error', message: 'Failed to parse message' }));
      return;
    }
    const ids = Array.isArray(msg.product_ids) ? msg.product_ids.map(String) : [];
    const markets: SimMarket[] = [];
    for (const id of ids) {
      const m = ctx.store.marketById('coinbase', id);
      if (!m) {
        ws.send(JSON.stringify({ type: 'error', message: `Failed to subscribe: invalid product id ${id}` }));
        return;
      }
      markets.push(m);
    }
    const subscribe = msg.type === 'subscribe';
    if (!subscribe && msg.type !== 'unsubscribe') {
      ws.send(JSON.stringify({ type: 'error', message: `unknown message type ${String(msg.type)}` }));
      return;
    }
    const channel = msg.channel;
    if (channel === 'heartbeats') {
      if (heartbeats !== subscribe) ctx.stats.coinbase.subscriptions += subscribe ? 1 : -1;
      heartbeats = subscribe;
    } else if (channel === 'level2' || channel === 'market_trades') {
      const set = channel === 'level2' ? level2 : trades;
      for (const m of markets) {
        const src = m.aliasOf ?? m.symbol;
        if (subscribe && !set.has(src)) {
          set.add(src);
          ctx.stats.coinbase.subscriptions += 1;
        } else if (!subscribe && set.delete(src)) ctx.stats.coinbase.subscriptions -= 1;
      }
    } else {
      ws.send(JSON.stringify({ type: 'error', message: `Failed to subscribe: unsupported channel ${String(channel)}` }));
      return;
    }
    send('subscriptions', [{ subscriptions: subscriptionsView() }]);
    if (subscribe && channel === 'level2') {
      lastL2 = ctx.now();
      const sent = new Set<string>();
      for (const m of markets) {
        const src = ctx.store.market('coinbase', m.aliasOf ?? m.symbol);
        const lb = ctx.store.live('coinbase', m.symbol);
        if (!src || !lb || sent.has(src.symbol)) continue;
        sent.add(src.symbol);
        send('l2_data', [{ type: 'snapshot', product_id: src.id, updates: [...updates(lb.book.bids, 'bid', src, lb.timestamp), ...updates(lb.book.asks, 'offer', src, lb.timestamp)] }]);
      }
    }
  });

  function subscriptionsView(): Record<string, string[]> {
    const ids = (set: Set<string>): string[] => [...set].map((s) => ctx.store.market('coinbase', s)?.id ?? s);
    return {
      ...(level2.size ? { level2: ids(level2) } : {}),
      ...(trades.size ? { market_trades: ids(trades) } : {}),
      ...(heartbeats ? { heartbeats: ['heartbeats'] } : {}),
    };
  }
}

function updates(levels: LevelChange[], side: 'bid' | 'offer', m: SimMarket, ts: number): Array<Record<string, string>> {
  return levels.map(([p, a]) => ({ side, event_time: iso(ts), price_level: fmtNum(p, m.tick), new_quantity: a.isZero() ? '0' : fmtNum(a, m.step) }));
}
