import { Decimal, ONE, ZERO } from '../../domain/money/decimal';
import { splitSymbol, type ExchangeId, type Market, type Symbol } from '../../domain/market';
import type { BookLevel } from '../../domain/orderbook';
import type { FeeBook } from '../../domain/fees';
import type { Ledger } from '../../ports/ledger';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { Confirmed, Fill, OrderType } from '../../ports/trading';
import { orderFilled } from '../persistence/ledger-entries';
import type { PaperBalances } from './paper-balances';
import { paperFees } from './paper-fees';

export interface OrderRef {
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  clientOrderId: string;
  correlationId: string;
}

/** One paper order's state; a resting limit order keeps changing until closed or canceled. */
export interface PaperOrder {
  ref: OrderRef;
  orderId: string;
  type: OrderType;
  market: Market;
  amount: Decimal;
  price?: Decimal;
  filled: Decimal;
  cost: Decimal;
  fills: Fill[];
  fees: Map<string, Decimal>;
  status: 'open' | 'closed' | 'canceled';
  /** What a resting order still holds in `used`: reserveAsset, reserved, per unit of base. */
  reserveAsset: string;
  reserved: Decimal;
  reservePerUnit: Decimal;
  timestamp: number;
  /** Fill events so far (each books its own ledger lines). */
  events: number;
}

export function snapshot(o: PaperOrder): Confirmed {
  return {
    status: 'confirmed', exchange: o.ref.exchange, symbol: o.ref.symbol, side: o.ref.side, orderId: o.orderId, clientOrderId: o.ref.clientOrderId,
    amount: o.amount, filled: o.filled, averagePrice: o.filled.isZero() ? ZERO : o.cost.div(o.filled), cost: o.cost,
    fills: [...o.fills], fees: [...o.fees].map(([currency, amount]) => ({ currency, amount })), orderStatus: o.status, timestamp: o.timestamp,
  };
}

export interface SettleContext {
  balances: PaperBalances;
  feeBook?: FeeBook;
  ledger?: Ledger;
  now: number;
  usdPrice(asset: string): Decimal | undefined;
  priceIn(asset: string, quote: string): Decimal | undefined;
}

/**
 * Books one fill event of an order: fees, a funds check, balances, fee book, ledger, order
 * state. All or nothing: on a shortfall it changes nothing and says why. With balances shared
 * through a file, the check and the write happen under its write lock, so money another process
 * spent is a typed INSUFFICIENT_FUNDS before anything is booked, never a fill booked and then
 * refused.
 */
export function settle(ctx: SettleContext, o: PaperOrder, fills: BookLevel[], liquidity: 'taker' | 'maker'): { ok: true } | Rejected {
  return ctx.balances.atomically(() => settleLocked(ctx, o, fills, liquidity));
}

function settleLocked(ctx: SettleContext, o: PaperOrder, fills: BookLevel[], liquidity: 'taker' | 'maker'): { ok: true } | Rejected {
  const { base, quote } = splitSymbol(o.market.symbol);
  const filled = fills.reduce((a, f) => a.plus(f.amount), ZERO);
  const cost = fills.reduce((a, f) => a.plus(f.amount.times(f.price)), ZERO);
  const discountAsset = ctx.feeBook?.discountAsset(o.ref.exchange);
  const fees = paperFees({
    exchange: o.ref.exchange, symbol: o.market.symbol, quote, fills, cost, at: ctx.now, liquidity, feeBook: ctx.feeBook,
    listedRate: liquidity === 'taker' ? o.market.takerFee : o.market.makerFee, quoteUsd: ctx.usdPrice(quote),
    discount: discountAsset ? { asset: discountAsset, free: ctx.balances.freeOf(discountAsset), priceInQuote: ctx.priceIn(discountAsset, quote) } : undefined,
  });
  const sign = o.ref.side === 'buy' ? ONE : ONE.negated();
  const deltas: Array<[string, Decimal]> = [[base, filled.times(sign)], [quote, cost.times(sign).negated()], [fees.currency, fees.total.negated()]];
  const covered = ctx.balances.covers(deltas);
  if (!covered.ok) return rejected('INSUFFICIENT_FUNDS', `fill needs ${covered.need.toFixed()} ${covered.asset}, free ${covered.free.toFixed()}`);

  // The ledger first: if the durable write fails, nothing has changed.
  ctx.ledger?.append(orderFilled({
    ...o.ref, at: ctx.now, orderId: o.orderId, filled, cost, quoteUsd: ctx.usdPrice(quote), fillKey: String(o.events + 1),
    fees: [{ currency: fees.currency, amount: fees.total, allowanceUsedUsd: fees.allowanceCoveredUsd }],
  }));
  ctx.balances.apply(deltas);
  o.events += 1;
  fills.forEach((f, i) => o.fills.push({ price: f.price, amount: f.amount, fee: fees.perFill[i]!, feeCurrency: fees.currency, tradeId: `${o.orderId}-${o.fills.length + 1}` }));
  o.filled = o.filled.plus(filled);
  o.cost = o.cost.plus(cost);
  o.fees.set(fees.currency, (o.fees.get(fees.currency) ?? ZERO).plus(fees.total));
  o.timestamp = ctx.now;
  ctx.feeBook?.recordFee({ exchange: o.ref.exchange, at: ctx.now, currency: fees.currency, amount: fees.total, allowanceUsedUsd: fees.allowanceCoveredUsd });
  return { ok: true };
}
