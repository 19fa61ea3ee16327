import type { Exchange, Transaction } from 'ccxt';
import type { Env } from '../../../config/env';
import type { ExchangeId } from '../../../domain/market';
import type { Decimal } from '../../../domain/money/decimal';
import type { Rejected } from '../../../ports/outcomes';
import type { NetworkInfo, WithdrawalRequest } from '../../../ports/funding';
import type { NetworkCodes } from '../funding-map';

/** The constructor of a ccxt.pro exchange class (possibly one of our subclasses). */
export type ProExchangeClass = new (config?: Record<string, unknown>) => Exchange;

/**
 * Everything that differs between venues, in one small object per venue. The generic adapter
 * code asks these questions and never tests the exchange id itself.
 */
export interface VenueQuirks {
  readonly exchange: ExchangeId;
  /** ccxt id actually used ('binanceus' for the Binance.US variant). */
  readonly ccxtId: string;
  /** Class for WebSocket market data (may add gap detection ccxt lacks). */
  readonly marketDataClass: ProExchangeClass;
  /** Class for REST trading/account/funding (a separate instance: own rate-limit queue). */
  readonly tradingClass: ProExchangeClass;
  credentials(env: Env): Record<string, string>;
  /** Options that make ccxt behave as the adapter expects (spot only, no silent adjustments). */
  baseOptions(): Record<string, unknown>;
  /** URL fixes the venue needs by default (Binance.US's private WS host). */
  defaultUrls(): Record<string, unknown>;
  /** The book depth to request, given the depth we want to keep (Kraken only accepts some values). */
  bookLimit(depth: number): number | undefined;
  /** How many symbols share one WebSocket subscription. */
  readonly bookGroupSize: number;
  /** The symbol whose book is actually streamed (Coinbase serves X/USDC from the X/USD book). */
  bookSymbol(symbol: string): string;
  /** How a book gap is repaired: resubscribe on the same socket, or reconnect. */
  readonly resync: 'resubscribe' | 'reconnect';
  /** Subscriptions to add once a group is subscribed (Coinbase heartbeats keep channels open). */
  afterSubscribe?(ex: Exchange, symbols: string[]): void;
  newClientOrderId(): string;
  clientOrderIdParams(clientOrderId: string): Record<string, string>;
  /** Finds an order by client id; undefined when the venue does not know it. */
  fetchOrderByClientId(ex: Exchange, symbol: string, clientOrderId: string): Promise<Record<string, unknown> | undefined>;
  /** Extra withdraw params (Kraken's whitelisted key name, Binance's withdrawOrderId). */
  withdrawParams(req: WithdrawalRequest, ccxtNetwork: string, env: Env): Record<string, string> | Rejected;
  /** Per-network withdrawal facts where ccxt's fetchCurrencies lacks them (Kraken). */
  networks?(ex: Exchange, asset: string, env: Env, codes: NetworkCodes): Promise<{ infos: NetworkInfo[]; unpriced: string[] }>;
  /** Market buys are sized in quote on this venue: the order needs a reference price. */
  readonly marketBuyNeedsPrice: boolean;
  /**
   * The venue's own idempotency field for withdrawals, visible again in its history (Binance
   * withdrawOrderId, Coinbase idem); venues without one are matched by address and amount.
   */
  readonly withdrawalTag?: { field: string; value(idempotencyKey: string): string };
  /** Deposit address where ccxt's fetchDepositAddress does not work per network (Coinbase). */
  depositAddress?(ex: Exchange, asset: string, ccxtNetwork: string): Promise<{ address?: string; tag?: string } | undefined>;
  /** Lists crypto transfers where ccxt's fetchWithdrawals/fetchDeposits cannot (Coinbase). */
  listTransfers?(ex: Exchange, kind: 'withdrawal' | 'deposit', code: string | undefined, since: number): Promise<Transaction[]>;
  /** Whether ccxt's fetchTradingFees answers for this venue. */
  readonly hasTradingFees: boolean;
  /**
   * The order's quote amount as the venue moved it, where ccxt would derive it from a rounded
   * average price or recompute it as price x amount: Coinbase's `filled_value`, the sum of
   * Kraken's per-trade `cost` (settled to the pair's cost_decimals). Undefined: ccxt's figures stand.
   */
  orderCost?(order: { info?: unknown; filled?: number | string; trades?: Array<{ info?: unknown }> }): Decimal | undefined;
}

/** Scans recent open and closed orders: for venues that cannot look an order up by client id. */
export async function scanOrdersByClientId(ex: Exchange, symbol: string, clientOrderId: string): Promise<Record<string, unknown> | undefined> {
  const open = await ex.fetchOpenOrders(symbol);
  const hit = open.find((o) => o.clientOrderId === clientOrderId);
  if (hit) return hit as unknown as Record<string, unknown>;
  const closed = await ex.fetchClosedOrders(symbol);
  return closed.find((o) => o.clientOrderId === clientOrderId) as unknown as Record<string, unknown> | undefined;
}

/** The smallest allowed value >= wanted, or the largest allowed. */
export function atLeast(allowed: readonly number[], wanted: number): number {
  return allowed.find((v) => v >= wanted) ?? allowed[allowed.length - 1]!;
}
