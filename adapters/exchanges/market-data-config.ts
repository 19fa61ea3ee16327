import type { OrderBook as CcxtBook } from 'ccxt';
import type { LoopConfig } from './book-loop';

export interface MarketDataConfig extends LoopConfig {
  /** A book with no update for this long is stale (latency profile's staleAfterMs). */
  staleAfterMs: number;
  /** Levels kept per side in each copy. */
  bookDepth: number;
  /** How often the watchdog looks at book ages. */
  watchdogMs: number;
}

export function marketDataConfig(staleAfterMs: number, overrides: Partial<MarketDataConfig> = {}): MarketDataConfig {
  return {
    staleAfterMs,
    bookDepth: 50,
    watchTimeoutMs: Math.max(100, Math.floor(staleAfterMs / 2)),
    reconnectAfterSilentMs: staleAfterMs * 2,
    backoffBaseMs: 500,
    backoffMaxMs: 30_000,
    watchdogMs: Math.max(50, Math.min(250, Math.floor(staleAfterMs / 4))),
    ...overrides,
  };
}

/**
 * What changes whenever ccxt applies a message to a book (sequence, time, top of book, size), kept
 * as numbers: every resolve of a grouped watch asks it of each book in the group, so it is compared
 * field by field instead of building a string per book per message. ccxt mutates its book and
 * level arrays in place, hence the copied numbers.
 */
export class BookStamp {
  private book: object | undefined;
  private nonce: unknown;
  private timestamp: unknown;
  private bid: [unknown, unknown] = [undefined, undefined];
  private ask: [unknown, unknown] = [undefined, undefined];
  private bids = -1;
  private asks = -1;

  /** Whether `ob` is another object than the one recorded, or moved since it was recorded. */
  differs(ob: CcxtBook): boolean {
    const bid = ob.bids[0];
    const ask = ob.asks[0];
    return this.book !== ob || this.nonce !== ob.nonce || this.timestamp !== ob.timestamp || this.bids !== ob.bids.length || this.asks !== ob.asks.length
      || this.bid[0] !== bid?.[0] || this.bid[1] !== bid?.[1] || this.ask[0] !== ask?.[0] || this.ask[1] !== ask?.[1];
  }

  record(ob: CcxtBook): void {
    this.book = ob;
    this.nonce = ob.nonce;
    this.timestamp = ob.timestamp;
    this.bids = ob.bids.length;
    this.asks = ob.asks.length;
    this.bid[0] = ob.bids[0]?.[0];
    this.bid[1] = ob.bids[0]?.[1];
    this.ask[0] = ob.asks[0]?.[0];
    this.ask[1] = ob.asks[0]?.[1];
  }
}

export function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

