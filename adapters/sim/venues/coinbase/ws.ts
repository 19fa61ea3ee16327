import type { WebSocket } from 'ws';
import type { SimContext } from '../../context';
import type { LevelChange } from '../../model/book';
import type { SimMarket } from '../../model/markets';
import type { BookUpdate, TradePrint } from '../../model/store';
import { connectionRng, sendWhenAudible } from '../wire';
import { coinbaseUpdateSize, goTime, isoMicros, isoNanosTrimmed, msToNs, NanoClock, shortest, splitDiff } from '../wire-format';
import { recentTrades } from './trades';

/** Whole book: a level2 snapshot carries every level the venue has (real BTC-USD: ~46k). */
const FULL_BOOK = Number.MAX_SAFE_INTEGER;

/**
 * Coinbase Advanced Trade WebSocket: level2 (snapshot then updates, no gap detection in ccxt),
 * market_trades, heartbeats. Like the real feed, an X-USDC subscription is answered from the X-USD
 * book under the X-USD product id; sequence_num counts every message on the connection. Shapes as
 * recorded from the real venue: no client_id, a nanosecond timestamp with trailing zeros trimmed,
 * microsecond event_time, shortest decimal strings, the full book in the snapshot, updates of a
 * few changes each, Go-formatted heartbeat times, data before the subscriptions acknowledgement.
 */
export function handleCoinbaseWs(ws: WebSocket, ctx: SimContext): void {
  const level2 = new Set<string>(); // source symbols
  const trades = new Set<string>();
  let heartbeats = false;
  let seq = 0;
  let lastL2 = ctx.now();
  const rng = connectionRng(ctx, 'coinbase');
  const clock = new NanoClock(() => ctx.now());
  // The venue's process has been up for hours: a large heartbeat counter and monotonic reading.
  const upSinceNs = clock.nowNs() - BigInt(3_600 + rng.int(80_000)) * 1_000_000_000n;
  let hbCounter = 1_000 + rng.int(100_000);
  recentTrades(ctx, ''); // starts keeping prints for the market_trades snapshot
  const send = (channel: string, events: unknown[]): void => {
    sendWhenAudible(ws, ctx, 'coinbase', { channel, timestamp: isoNanosTrimmed(clock.nowNs()), sequence_num: seq++, events });
  };
  const quietMs = ctx.options.coinbaseQuietDropMs;
  const timer = setInterval(() => {
    if (heartbeats) {
      const ns = clock.nowNs();
      send('heartbeats', [{ current_time: goTime(ns, ns - upSinceNs), heartbeat_counter: ++hbCounter }]);
    }
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
    const eventNs = msToNs(u.timestamp, rng);
    for (const chunk of splitDiff(u.diff, u.before, () => coinbaseUpdateSize(rng))) {
      send('l2_data', [{ type: 'update', product_id: m.id, updates: [...updates(chunk.bids, 'bid', eventNs), ...updates(chunk.asks, 'offer', eventNs)] }]);
    }
  });
  const offTrade = ctx.store.onTrade((t: TradePrint) => {
    if (t.exchange !== 'coinbase') return;
    const m = ctx.store.market('coinbase', t.symbols[0] ?? '');
    if (!m || !trades.has(m.symbol)) return;
    send('market_trades', [{ type: 'update', trades: [tradeJson(t, m, rng)] }]);
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
    const fresh: SimMarket[] = [];
    if (channel === 'heartbeats') {
      if (heartbeats !== subscribe) ctx.stats.coinbase.subscriptions += subscribe ? 1 : -1;
      heartbeats = subscribe;
    } else if (channel === 'level2' || channel === 'market_trades') {
      // Grown before this connection listens, so the growth is not also sent to it as an update.
      if (subscribe && channel === 'level2') for (const m of markets) ctx.store.ensureDepth('coinbase', m.aliasOf ?? m.symbol, FULL_BOOK);
      const set = channel === 'level2' ? level2 : trades;
      for (const m of markets) {
        const src = m.aliasOf ?? m.symbol;
        if (subscribe && !set.has(src)) {
          set.add(src);
          fresh.push(m);
          ctx.stats.coinbase.subscriptions += 1;
        } else if (!subscribe && set.delete(src)) ctx.stats.coinbase.subscriptions -= 1;
      }
    } else {
      ws.send(JSON.stringify({ type: 'error', message: `Failed to subscribe: unsupported channel ${String(channel)}` }));
      return;
    }
    // As recorded: the snapshots can arrive before the subscriptions acknowledgement.
    if (subscribe && channel === 'level2') {
      lastL2 = ctx.now();
      const sent = new Set<string>();
      for (const m of markets) {
        const src = ctx.store.market('coinbase', m.aliasOf ?? m.symbol);
        if (!src || sent.has(src.symbol)) continue;
        sent.add(src.symbol);
        const lb = ctx.store.live('coinbase', src.symbol);
        if (!lb) continue;
        const eventNs = msToNs(lb.timestamp, rng);
        send('l2_data', [{ type: 'snapshot', product_id: src.id, updates: [...updates(lb.book.bids, 'bid', eventNs), ...updates(lb.book.asks, 'offer', eventNs)] }]);
      }
    }
    // market_trades opens with a snapshot event of the latest prints.
    if (subscribe && channel === 'market_trades' && fresh.length) {
      const latest = fresh.flatMap((m) => recentTrades(ctx, m.aliasOf ?? m.symbol).map((t) => tradeJson(t, ctx.store.market('coinbase', m.aliasOf ?? m.symbol) ?? m, rng)));
      send('market_trades', [{ type: 'snapshot', trades: latest }]);
    }
    send('subscriptions', [{ subscriptions: subscriptionsView() }]);
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

function tradeJson(t: TradePrint, m: SimMarket, rng: ReturnType<typeof connectionRng>): Record<string, string> {
  return { trade_id: String(t.id), product_id: m.id, price: shortest(t.price), size: shortest(t.amount), side: t.side.toUpperCase(), time: isoMicros(msToNs(t.timestamp, rng)) };
}

function updates(levels: LevelChange[], side: 'bid' | 'offer', eventNs: bigint): Array<Record<string, string>> {
  const eventTime = isoMicros(eventNs);
  return levels.map(([p, a]) => ({ side, event_time: eventTime, price_level: shortest(p), new_quantity: shortest(a) }));
}
