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

/** What changes whenever ccxt applies a message to a book (sequence, time, top of book, size). */
export function stampOf(ob: CcxtBook): string {
  return `${ob.nonce}|${ob.timestamp}|${ob.bids[0]?.join(',')}|${ob.asks[0]?.join(',')}|${ob.bids.length}|${ob.asks.length}`;
}

export function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

