import type { ExchangeId, Symbol } from '../../domain/market';

/**
 * What recording and replay need to know of each venue's public wire: where it is, how to
 * subscribe to books, which REST answers describe its markets (the ones ccxt's loadMarkets reads),
 * and which market a frame is about. Subscriptions are the venues' documented public messages,
 * the same ones ccxt pro sends.
 */
export interface RecordVenue {
  id: ExchangeId;
  /** The venue's wire id for a unified symbol ("BTCUSDT", "BTC/USD", "BTC-USD"). */
  wireId(symbol: Symbol): string;
  /** The unified symbol a book is streamed under (Coinbase serves X/USDC from the X/USD book). */
  streamedSymbol(symbol: Symbol): Symbol;
  /** Public REST paths (below the venue's base) ccxt reads to load markets. */
  metadataPaths: string[];
  /** The wire ids the metadata lists (so a subscription never names an unknown market). */
  listed(metadata: ReadonlyMap<string, string>): Set<string>;
  /** Messages that subscribe one socket to the books of these wire ids. */
  subscribe(wireIds: string[], krakenDepth: number): string[];
  /** Wire ids a received frame carries data for; [] for frames that belong to no market. */
  marketsOf(frame: unknown): string[];
  liveRest: string;
  liveWs: string;
  simRest(base: string): string;
  simWs(base: string): string;
}

const asRecord = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' ? (x as Record<string, unknown>) : {});

function parse(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const binanceRecord: RecordVenue = {
  id: 'binance',
  wireId: (s) => s.replace('/', ''),
  streamedSymbol: (s) => s,
  metadataPaths: ['/api/v3/exchangeInfo'],
  listed(meta) {
    const info = asRecord(parse(meta.get('/api/v3/exchangeInfo')));
    return new Set((Array.isArray(info.symbols) ? info.symbols : []).map((x) => String(asRecord(x).symbol)));
  },
  // Books, then public trades (the market scanner reads them: a backtest runs it from the recording).
  subscribe: (ids) => [JSON.stringify({ method: 'SUBSCRIBE', params: [...ids.map((i) => `${i.toLowerCase()}@depth@100ms`), ...ids.map((i) => `${i.toLowerCase()}@trade`)], id: 1 })],
  marketsOf(frame) {
    const f = asRecord(frame);
    const data = f.stream !== undefined ? asRecord(f.data) : f;
    return data.e === 'depthUpdate' && typeof data.s === 'string' ? [data.s] : [];
  },
  liveRest: 'https://api.binance.com',
  liveWs: 'wss://stream.binance.com:9443/ws',
  simRest: (b) => `${b}/binance`,
  simWs: (b) => `${b.replace(/^http/, 'ws')}/binance/stream/ws`,
};

/** Kraken's REST wsname spells BTC as XBT; the v2 WebSocket uses BTC. */
const krakenV2Name = (wsname: string): string => wsname.split('/').map((a) => (a === 'XBT' ? 'BTC' : a === 'XDG' ? 'DOGE' : a)).join('/');

export const krakenRecord: RecordVenue = {
  id: 'kraken',
  wireId: (s) => s,
  streamedSymbol: (s) => s,
  metadataPaths: ['/0/public/Assets', '/0/public/AssetPairs'],
  listed(meta) {
    const pairs = asRecord(asRecord(parse(meta.get('/0/public/AssetPairs'))).result);
    return new Set(Object.values(pairs).flatMap((p) => (typeof asRecord(p).wsname === 'string' ? [krakenV2Name(String(asRecord(p).wsname))] : [])));
  },
  subscribe: (ids, depth) => [
    JSON.stringify({ method: 'subscribe', params: { channel: 'book', symbol: ids, depth, snapshot: true }, req_id: 1 }),
    JSON.stringify({ method: 'subscribe', params: { channel: 'trade', symbol: ids, snapshot: false }, req_id: 2 }),
  ],
  marketsOf(frame) {
    const f = asRecord(frame);
    if (f.channel !== 'book' || !Array.isArray(f.data)) return [];
    return f.data.flatMap((d) => (typeof asRecord(d).symbol === 'string' ? [String(asRecord(d).symbol)] : []));
  },
  liveRest: 'https://api.kraken.com',
  liveWs: 'wss://ws.kraken.com/v2',
  simRest: (b) => `${b}/kraken`,
  simWs: (b) => `${b.replace(/^http/, 'ws')}/kraken/v2`,
};

export const coinbaseRecord: RecordVenue = {
  id: 'coinbase',
  wireId: (s) => s.replace('/', '-'),
  streamedSymbol: (s) => (s.endsWith('/USDC') ? `${s.slice(0, -4)}USD` : s),
  metadataPaths: ['/v2/currencies', '/v2/currencies/crypto', '/v2/exchange-rates', '/api/v3/brokerage/market/products'],
  listed(meta) {
    const p = asRecord(parse(meta.get('/api/v3/brokerage/market/products')));
    return new Set((Array.isArray(p.products) ? p.products : []).map((x) => String(asRecord(x).product_id)));
  },
  // Heartbeats keep a quiet level2 channel open (Coinbase drops it after ~60-90 s otherwise).
  subscribe: (ids) => [
    JSON.stringify({ type: 'subscribe', product_ids: ids, channel: 'level2' }),
    JSON.stringify({ type: 'subscribe', product_ids: ids, channel: 'heartbeats' }),
    JSON.stringify({ type: 'subscribe', product_ids: ids, channel: 'market_trades' }),
  ],
  marketsOf(frame) {
    const f = asRecord(frame);
    if (f.channel !== 'l2_data' || !Array.isArray(f.events)) return [];
    return f.events.flatMap((e) => (typeof asRecord(e).product_id === 'string' ? [String(asRecord(e).product_id)] : []));
  },
  liveRest: 'https://api.coinbase.com',
  liveWs: 'wss://advanced-trade-ws.coinbase.com',
  simRest: (b) => `${b}/coinbase`,
  simWs: (b) => `${b.replace(/^http/, 'ws')}/coinbase/ws`,
};

export const RECORD_VENUES: Record<ExchangeId, RecordVenue> = { binance: binanceRecord, kraken: krakenRecord, coinbase: coinbaseRecord };
