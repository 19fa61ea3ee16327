import { z } from 'zod';
import { decimalString } from '../../domain/money/schemas';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId } from '../../domain/market';
import type { OrderRequest } from '../../ports/trading';
import type { StateStore } from './state-sqlite';

const row = z.strictObject({
  symbol: z.string(), side: z.enum(['buy', 'sell']), type: z.enum(['limit', 'ioc', 'fok', 'market']), amount: decimalString,
  price: decimalString.optional(), correlationId: z.string(), at: z.number().int(),
});

export interface OrderInFlight {
  clientOrderId: string;
  request: OrderRequest;
  at: number;
}

/**
 * Live orders sent and not yet answered, in state.sqlite (scope `orders-in-flight:<exchange>`):
 * written (fsynced) before the order leaves, removed once its outcome is booked. A row left at a
 * start is an order whose answer never came (a crash, a timeout): it is looked up at the venue by
 * client order id before the hot path trades again.
 */
export class OrdersInFlight {
  private readonly scope: string;

  constructor(private readonly store: StateStore, private readonly exchange: ExchangeId) {
    this.scope = `orders-in-flight:${exchange}`;
  }

  sent(clientOrderId: string, req: OrderRequest, at: number): void {
    this.store.set(this.scope, clientOrderId, {
      symbol: req.symbol, side: req.side, type: req.type, amount: formatDecimal(req.amount), ...(req.price ? { price: formatDecimal(req.price) } : {}),
      correlationId: req.correlationId ?? clientOrderId, at,
    }, at);
  }

  answered(clientOrderId: string): void {
    this.store.delete(this.scope, clientOrderId);
  }

  unanswered(): OrderInFlight[] {
    return this.store.all(this.scope, row).map(([clientOrderId, r]) => ({
      clientOrderId, at: r.at,
      request: { exchange: this.exchange, symbol: r.symbol, side: r.side, type: r.type, amount: r.amount, ...(r.price ? { price: r.price } : {}), clientOrderId, correlationId: r.correlationId },
    }));
  }
}
