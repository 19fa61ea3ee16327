import type { BookLevel, OrderBook } from '../../domain/orderbook';
import type { RecordedFrame } from './format';

/**
 * What a venue tells a client that joins mid-stream, built from the replay's timeline as it
 * stands (the books rebuilt up to the replay's position, plus the last venue details the frames
 * carried): a Kraken `book` snapshot with the checksum the venue last sent for that book (it is
 * the checksum of the book as it stands: the top ten levels), a Coinbase `l2_data` snapshot and
 * `market_trades` snapshot, a Binance REST depth answer whose `lastUpdateId` is the last diff
 * applied. Numbers are written as each venue prints them (Kraken bare shortest, Coinbase shortest
 * strings, Binance 8-decimal strings).
 */
export class VenueDetails {
  private readonly krakenChecksum = new Map<string, unknown>();
  private readonly krakenTime = new Map<string, string>();
  private readonly coinbaseTime = new Map<string, { timestamp: string; eventTime: string }>();
  private readonly coinbaseTrades = new Map<string, unknown[]>();

  /** Keeps what a later snapshot needs from one played frame. */
  track(f: RecordedFrame, json: Record<string, unknown>): void {
    const list = (x: unknown): Array<Record<string, unknown>> => (Array.isArray(x) ? (x as Array<Record<string, unknown>>) : []);
    if (f.v === 'kraken' && json.channel === 'book') {
      for (const d of list(json.data)) {
        if (typeof d.symbol !== 'string') continue;
        if (d.checksum !== undefined) this.krakenChecksum.set(d.symbol, d.checksum);
        if (typeof d.timestamp === 'string') this.krakenTime.set(d.symbol, d.timestamp);
      }
    }
    if (f.v === 'coinbase' && json.channel === 'l2_data' && typeof json.timestamp === 'string') {
      for (const e of list(json.events)) {
        const at = list(e.updates)[0]?.event_time;
        if (typeof e.product_id === 'string') this.coinbaseTime.set(e.product_id, { timestamp: json.timestamp, eventTime: typeof at === 'string' ? at : json.timestamp });
      }
    }
    if (f.v === 'coinbase' && json.channel === 'market_trades') {
      for (const e of list(json.events)) {
        if (e.type !== 'update') continue;
        for (const t of list(e.trades)) {
          if (typeof t.product_id !== 'string') continue;
          const kept = this.coinbaseTrades.get(t.product_id) ?? [];
          // The venue's snapshot holds the latest ~50 prints, newest first.
          kept.unshift(t);
          if (kept.length > 50) kept.pop();
          this.coinbaseTrades.set(t.product_id, kept);
        }
      }
    }
  }

  kraken(book: OrderBook, symbol: string): string {
    const side = (ls: readonly BookLevel[]) => ls.map((l) => `{"price":${l.price.toFixed()},"qty":${l.amount.toFixed()}}`).join(',');
    const time = this.krakenTime.get(symbol);
    return `{"channel":"book","type":"snapshot","data":[{"symbol":${JSON.stringify(symbol)},"bids":[${side(book.bids)}],"asks":[${side(book.asks)}],"checksum":${JSON.stringify(this.krakenChecksum.get(symbol) ?? 0)}${time ? `,"timestamp":${JSON.stringify(time)}` : ''}}]}`;
  }

  coinbaseBook(book: OrderBook, productId: string): string {
    const t = this.coinbaseTime.get(productId) ?? { timestamp: new Date().toISOString(), eventTime: new Date().toISOString() };
    const side = (ls: readonly BookLevel[], name: string) => ls.map((l) => ({ side: name, event_time: t.eventTime, price_level: l.price.toFixed(), new_quantity: l.amount.toFixed() }));
    return JSON.stringify({ channel: 'l2_data', timestamp: t.timestamp, sequence_num: 0, events: [{ type: 'snapshot', product_id: productId, updates: [...side(book.bids, 'bid'), ...side(book.asks, 'offer')] }] });
  }

  coinbaseTradesSnapshot(productIds: string[]): string {
    const trades = productIds.flatMap((p) => this.coinbaseTrades.get(p) ?? []);
    const at = productIds.map((p) => this.coinbaseTime.get(p)?.timestamp).find(Boolean) ?? new Date().toISOString();
    return JSON.stringify({ channel: 'market_trades', timestamp: at, sequence_num: 0, events: [{ type: 'snapshot', trades }] });
  }
}

/** Binance's REST `depth` answer for a book as it stands. */
export function binanceDepth(book: OrderBook, lastUpdateId: number): string {
  const side = (ls: readonly BookLevel[]) => ls.map((l) => [l.price.toFixed(8), l.amount.toFixed(8)]);
  return JSON.stringify({ lastUpdateId, bids: side(book.bids), asks: side(book.asks) });
}

