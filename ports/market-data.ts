import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId, Market, MarketId, Symbol } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';

/** live: updates flowing; stale: no update within the configured age; reconnecting: redialling. */
export type FeedState = 'live' | 'stale' | 'reconnecting' | 'disconnected';

export interface BookHealth extends MarketId {
  state: FeedState;
  /** ms since the last update, or null before the first. */
  ageMs: number | null;
  reconnects: number;
}

export interface Trade extends MarketId {
  id: string;
  price: Decimal;
  amount: Decimal;
  /** Taker side: 'buy' means the buyer crossed the spread. */
  side: 'buy' | 'sell';
  timestamp: number;
}

export interface Candle {
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
}

export type BookListener = (book: OrderBook) => void;
export type TradeListener = (trade: Trade) => void;

/** Live market data, by WebSocket only. Books handed to listeners are copies the caller owns. */
export interface MarketData {
  readonly exchange: ExchangeId;
  markets(): Promise<Market[]>;
  /** Starts watching books for these symbols (grouped per connection by the adapter). */
  watchBooks(symbols: Symbol[], onBook: BookListener): Promise<void>;
  watchTrades(symbols: Symbol[], onTrade: TradeListener): Promise<void>;
  /** Latest copy of a book, or undefined before the first snapshot. */
  latestBook(symbol: Symbol): OrderBook | undefined;
  health(): BookHealth[];
  /** Daily candles: not real-time data, so REST within the rate budget is allowed here. */
  fetchDailyCandles(symbol: Symbol, limit: number): Promise<Candle[]>;
  close(): Promise<void>;
}
