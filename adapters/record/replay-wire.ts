import type { ExchangeId } from '../../domain/market';

/**
 * The per-venue conversation a replay holds with a client: which client messages subscribe to
 * which markets, the acknowledgement the venue gives, and which recorded frames are the venue's
 * own acknowledgements (answered afresh, so they are not replayed).
 */
export interface ClientRequest {
  kind: 'subscribe' | 'unsubscribe' | 'ping' | 'other';
  /**
   * Subscription keys: `book:<wire id>` and `trade:<wire id>` for a market's book and public
   * trades, or a connection channel (Coinbase's `heartbeats`).
   */
  ids: string[];
  replies: string[];
  /** Kraken: the book depth the client subscribed with. */
  depth?: number;
}

const stamp = (): string => new Date().toISOString();
const book = (id: string): string => `book:${id}`;
const trade = (id: string): string => `trade:${id}`;

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
    // "btcusdt@depth@100ms" -> book:BTCUSDT, "btcusdt@trade" -> trade:BTCUSDT
    const ids = params.flatMap((p) => {
      const [id = '', stream = ''] = p.split('@');
      return stream === 'depth' ? [book(id.toUpperCase())] : stream === 'trade' ? [trade(id.toUpperCase())] : [];
    });
    return { kind, ids, replies: [JSON.stringify({ result: null, id: m.id ?? null })] };
  }
  if (venue === 'kraken') {
    const reqId = m.req_id !== undefined ? { req_id: m.req_id } : {};
    if (m.method === 'ping') return { kind: 'ping', ids: [], replies: [JSON.stringify({ method: 'pong', ...reqId, time_in: stamp(), time_out: stamp() })] };
    const p = (m.params ?? {}) as { channel?: unknown; symbol?: unknown; depth?: unknown };
    const symbols = (p.channel === 'book' || p.channel === 'trade') && Array.isArray(p.symbol) ? p.symbol.map(String) : [];
    const kind = m.method === 'subscribe' ? 'subscribe' : m.method === 'unsubscribe' ? 'unsubscribe' : 'other';
    const result = (symbol: string) => (p.channel === 'book' ? { channel: 'book', depth: p.depth ?? 10, snapshot: true, symbol } : { channel: 'trade', snapshot: false, symbol });
    const replies = symbols.map((symbol) => JSON.stringify({ method: m.method, result: result(symbol), success: true, ...reqId, time_in: stamp(), time_out: stamp() }));
    return { kind, ids: symbols.map(p.channel === 'book' ? book : trade), replies, ...(p.channel === 'book' ? { depth: Number(p.depth ?? 10) } : {}) };
  }
  const kind = m.type === 'subscribe' ? 'subscribe' : m.type === 'unsubscribe' ? 'unsubscribe' : 'other';
  const products = Array.isArray(m.product_ids) ? m.product_ids.map(String) : [];
  const ids = m.channel === 'heartbeats' ? ['heartbeats'] : m.channel === 'level2' ? products.map((i) => book(coinbaseBook(i))) : m.channel === 'market_trades' ? products.map((i) => trade(coinbaseBook(i))) : [];
  const view = m.channel === 'heartbeats' ? { heartbeats: ['heartbeats'] } : { [String(m.channel)]: products.map(coinbaseBook) };
  return { kind, ids, replies: kind === 'other' ? [] : [JSON.stringify({ channel: 'subscriptions', timestamp: stamp(), sequence_num: seq(), events: [{ subscriptions: view }] })] };
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

/**
 * The subscription keys a recorded frame is for (see `ClientRequest.ids`): the books and public
 * trades it carries, or `any` for a frame every subscribed client gets (Kraken's heartbeat).
 * Coinbase's recorded `market_trades` snapshot (prints from before the recording) is for no one:
 * a client that subscribes gets a snapshot of the replay's own latest prints.
 */
export function frameKeys(venue: ExchangeId, frame: Record<string, unknown>): string[] {
  const list = (x: unknown): Array<Record<string, unknown>> => (Array.isArray(x) ? x.filter((e): e is Record<string, unknown> => Boolean(e) && typeof e === 'object') : []);
  if (venue === 'binance') {
    const d = (frame.stream !== undefined ? frame.data : frame) as Record<string, unknown> | undefined;
    if (typeof d?.s !== 'string') return [];
    return d.e === 'depthUpdate' ? [book(d.s)] : d.e === 'trade' ? [trade(d.s)] : [];
  }
  if (venue === 'kraken') {
    if (frame.channel === 'heartbeat') return ['any'];
    const key = frame.channel === 'book' ? book : frame.channel === 'trade' ? trade : undefined;
    return key ? list(frame.data).flatMap((d) => (typeof d.symbol === 'string' ? [key(d.symbol)] : [])) : [];
  }
  if (frame.channel === 'heartbeats') return ['heartbeats'];
  if (frame.channel === 'l2_data') return list(frame.events).flatMap((e) => (typeof e.product_id === 'string' ? [book(e.product_id)] : []));
  if (frame.channel === 'market_trades') {
    return list(frame.events).flatMap((e) => (e.type === 'update' ? list(e.trades).flatMap((t) => (typeof t.product_id === 'string' ? [trade(t.product_id)] : [])) : []));
  }
  return [];
}
