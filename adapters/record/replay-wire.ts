import type { ExchangeId } from '../../domain/market';

/**
 * The per-venue conversation a replay holds with a client: which client messages subscribe to
 * which markets, the acknowledgement the venue gives, and which recorded frames are the venue's
 * own acknowledgements (answered afresh, so they are not replayed).
 */
export interface ClientRequest {
  kind: 'subscribe' | 'unsubscribe' | 'ping' | 'other';
  /** Wire ids of the markets ('heartbeats' for Coinbase's heartbeat channel). */
  ids: string[];
  replies: string[];
}

const stamp = (): string => new Date().toISOString();

export function parseClientMessage(venue: ExchangeId, text: string, seq: () => number): ClientRequest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { kind: 'other', ids: [], replies: [] };
  }
  if (venue === 'binance') {
    const params = Array.isArray(m.params) ? m.params.map(String) : [];
    const kind = m.method === 'SUBSCRIBE' ? 'subscribe' : m.method === 'UNSUBSCRIBE' ? 'unsubscribe' : 'other';
    // "btcusdt@depth@100ms" -> BTCUSDT
    return { kind, ids: params.filter((p) => p.includes('@depth')).map((p) => (p.split('@')[0] ?? '').toUpperCase()), replies: [JSON.stringify({ result: null, id: m.id ?? null })] };
  }
  if (venue === 'kraken') {
    const reqId = m.req_id !== undefined ? { req_id: m.req_id } : {};
    if (m.method === 'ping') return { kind: 'ping', ids: [], replies: [JSON.stringify({ method: 'pong', ...reqId, time_in: stamp(), time_out: stamp() })] };
    const p = (m.params ?? {}) as { channel?: unknown; symbol?: unknown; depth?: unknown };
    const ids = p.channel === 'book' && Array.isArray(p.symbol) ? p.symbol.map(String) : [];
    const kind = m.method === 'subscribe' ? 'subscribe' : m.method === 'unsubscribe' ? 'unsubscribe' : 'other';
    const replies = ids.map((symbol) => JSON.stringify({ method: m.method, result: { channel: 'book', depth: p.depth ?? 10, snapshot: true, symbol }, success: true, ...reqId, time_in: stamp(), time_out: stamp() }));
    return { kind, ids, replies };
  }
  const kind = m.type === 'subscribe' ? 'subscribe' : m.type === 'unsubscribe' ? 'unsubscribe' : 'other';
  const ids = m.channel === 'heartbeats' ? ['heartbeats'] : m.channel === 'level2' && Array.isArray(m.product_ids) ? m.product_ids.map(String).map(coinbaseBook) : [];
  return { kind, ids, replies: kind === 'other' ? [] : [JSON.stringify({ channel: 'subscriptions', timestamp: stamp(), sequence_num: seq(), events: [{ subscriptions: m.channel === 'heartbeats' ? { heartbeats: ['heartbeats'] } : { level2: ids } }] })] };
}

/** Coinbase answers an X-USDC subscription from the X-USD book. */
function coinbaseBook(id: string): string {
  return id.endsWith('-USDC') ? `${id.slice(0, -5)}-USD` : id;
}

/** A recorded frame that is the venue answering us (acknowledgement, status), not market data. */
export function isAcknowledgement(venue: ExchangeId, frame: Record<string, unknown>): boolean {
  if (venue === 'binance') return 'result' in frame || 'error' in frame;
  if (venue === 'kraken') return 'method' in frame || frame.channel === 'status';
  return frame.channel === 'subscriptions' || frame.type === 'error';
}

/** Frames that belong to no market but to the connection (they go to every subscribed client). */
export function connectionFrameChannel(venue: ExchangeId, frame: Record<string, unknown>): string | undefined {
  if (venue === 'kraken' && frame.channel === 'heartbeat') return 'any';
  if (venue === 'coinbase' && frame.channel === 'heartbeats') return 'heartbeats';
  return undefined;
}
