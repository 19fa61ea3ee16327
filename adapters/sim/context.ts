import type { WebSocket } from 'ws';
import type { ExchangeId } from '../../domain/market';
import type { VenueFaults } from './faults';
import type { BookStore } from './model/store';
import type { Accounts } from './accounts/accounts';
import type { Funding } from './accounts/funding';
import type { Earn } from './accounts/earn';

export interface VenueStats { requests: number; connections: number; subscriptions: number }

/** Everything a venue's wire handlers share. */
export interface SimContext {
  store: BookStore;
  accounts: Accounts;
  funding: Funding;
  earn: Earn;
  faults: Record<ExchangeId, VenueFaults>;
  stats: Record<ExchangeId, VenueStats>;
  /** Open sockets per venue, so a drop-sockets fault can close them. */
  sockets: Record<ExchangeId, Set<WebSocket>>;
  now(): number;
  /** seed: the simulator's seed, for the venues' own random choices (message sizes, ids). */
  options: { coinbaseQuietDropMs: number; seed: number };
  httpBase(): string;
  wsBase(): string;
}

export interface HttpRequest {
  method: string;
  /** Path below the venue prefix: "/api/v3/depth". */
  path: string;
  query: Record<string, string>;
  /** Form or JSON body fields merged with the query (Binance signs either). */
  params: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpReply { status: number; body: unknown; headers?: Record<string, string> }

export interface Venue {
  id: ExchangeId;
  handleHttp(req: HttpRequest, ctx: SimContext): HttpReply | Promise<HttpReply>;
  /** Called for each new socket whose path starts with the venue prefix. */
  handleWs(socket: WebSocket, path: string, ctx: SimContext): void;
  /** The answer this venue gives when rate limiting (fault injection). */
  statusReply(status: 429 | 418): HttpReply;
  /** ccxt `urls` overrides. */
  urls(httpBase: string, wsBase: string): Record<string, unknown>;
  /** ccxt constructor options besides urls (demo keys, options that keep ccxt off other hosts). */
  ccxtExtras(): Record<string, unknown>;
}

export function json(body: unknown, status = 200): HttpReply {
  return { status, body };
}
