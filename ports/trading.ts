import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId, Symbol } from '../domain/market';
import type { Rejected } from './outcomes';

export type OrderSide = 'buy' | 'sell';
/** ioc/fok are limit orders with that time in force. */
export type OrderType = 'limit' | 'ioc' | 'fok' | 'market';

export interface OrderRequest {
  exchange: ExchangeId;
  symbol: Symbol;
  side: OrderSide;
  type: OrderType;
  /** Base amount; the adapter quantizes it down to the market's step. */
  amount: Decimal;
  /** Limit price (required except for market orders); quantized conservatively to the tick. */
  price?: Decimal;
  /** Idempotency and reconciliation key; the adapter generates one when absent. */
  clientOrderId?: string;
  /** Groups the ledger lines of one attempt (an opportunity id); defaults to the client order id. */
  correlationId?: string;
}

export interface Fill {
  price: Decimal;
  amount: Decimal;
  fee: Decimal;
  feeCurrency: string;
  tradeId?: string;
}

export interface Confirmed {
  status: 'confirmed';
  exchange: ExchangeId;
  symbol: Symbol;
  side: OrderSide;
  orderId: string;
  clientOrderId: string;
  /** Requested amount after quantization. */
  amount: Decimal;
  filled: Decimal;
  /** Average fill price (0 when nothing filled). */
  averagePrice: Decimal;
  /** Quote spent (buy) or received (sell) before fees. */
  cost: Decimal;
  fills: Fill[];
  fees: Array<{ currency: string; amount: Decimal }>;
  /** closed: fully filled; canceled/expired: IOC remainder dropped; open: resting limit order. */
  orderStatus: 'closed' | 'canceled' | 'expired' | 'open';
  timestamp: number;
  /** The send's answer was lost (a timeout): this outcome was found afterwards by client order id. */
  recoveredAfterUnknownOutcome?: true;
}

export type OrderOutcome = Confirmed | (Rejected & { clientOrderId: string });

export interface Trading {
  readonly exchange: ExchangeId;
  placeOrder(req: OrderRequest): Promise<OrderOutcome>;
  cancelOrder(symbol: Symbol, orderId: string): Promise<{ status: 'canceled' } | Rejected>;
  /** Looks an order up by client order id (after a crash or a timed-out send). */
  fetchOrderByClientId(symbol: Symbol, clientOrderId: string): Promise<OrderOutcome | { status: 'not-found' }>;
}
