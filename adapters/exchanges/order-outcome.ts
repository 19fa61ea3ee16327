import type { Order as CcxtOrder } from 'ccxt';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import { rejected } from '../../ports/outcomes';
import type { Confirmed, Fill, OrderOutcome } from '../../ports/trading';
import { dec, decOr } from './convert';

type FeeLike = { cost?: number | string | undefined; currency?: string | undefined } | undefined;

function addFee(into: Map<string, Decimal>, fee: FeeLike): void {
  if (!fee || fee.currency === undefined || fee.cost === undefined || fee.cost === null) return;
  into.set(fee.currency, (into.get(fee.currency) ?? ZERO).plus(dec(fee.cost)));
}

function fillsOf(order: CcxtOrder): Fill[] {
  return (order.trades ?? []).flatMap((t) =>
    t.price === undefined || t.amount === undefined
      ? []
      : [{ price: dec(t.price), amount: dec(t.amount), fee: decOr(t.fee?.cost), feeCurrency: t.fee?.currency ?? '', tradeId: t.id === undefined ? undefined : String(t.id) }],
  );
}

function statusOf(s: string | undefined): Confirmed['orderStatus'] {
  return s === 'closed' || s === 'canceled' || s === 'expired' ? s : 'open';
}

/**
 * A ccxt order as our typed outcome. Fees: the exchange's own figures when it reports them (order
 * fees, else per-trade fees); only when it reports none is the fee estimated from the market's
 * taker rate, in quote currency, so a fill never looks free.
 */
export function toOutcome(exchange: ExchangeId, market: Market, order: CcxtOrder, requested: Decimal, clientOrderId: string, now: number, venueCost?: Decimal): OrderOutcome {
  const cid = order.clientOrderId ?? clientOrderId;
  if (order.status === 'rejected') return { ...rejected('EXCHANGE_REJECTED', `${exchange} rejected order ${order.id}`), clientOrderId: cid };
  const fills = fillsOf(order);
  let filled = decOr(order.filled);
  if (filled.isZero() && fills.length) filled = fills.reduce((a, f) => a.plus(f.amount), ZERO);
  const status = statusOf(order.status);
  if ((status === 'canceled' || status === 'expired') && filled.isZero()) {
    return { ...rejected('NO_FILL', `${exchange} ${order.type ?? ''} order ${order.id} ended ${status} with nothing filled`, true), clientOrderId: cid };
  }
  // The venue's own quote amount first (`venueCost`, VenueQuirks.orderCost); else the exchange's own
  // trades, when they add up to the filled amount; ccxt's order `cost` may be average x filled from
  // a rounded average (Kraken, Coinbase).
  const fillsCost = fills.reduce((a, f) => a.plus(f.price.times(f.amount)), ZERO);
  const fillsComplete = fills.length > 0 && fills.reduce((a, f) => a.plus(f.amount), ZERO).eq(filled);
  const cost = venueCost ?? (fillsComplete || order.cost === undefined || order.cost === null ? fillsCost : dec(order.cost));
  const average = order.average !== undefined && order.average !== null ? dec(order.average) : filled.isZero() ? ZERO : cost.div(filled);
  const fees = new Map<string, Decimal>();
  // ccxt fills `fees` on parsed orders although its Order type only declares `fee`.
  for (const f of (order as CcxtOrder & { fees?: FeeLike[] }).fees ?? []) addFee(fees, f);
  if (fees.size === 0) addFee(fees, order.fee);
  if (fees.size === 0) for (const t of order.trades ?? []) addFee(fees, t.fee);
  if (fees.size === 0 && cost.gt(0)) fees.set(market.quote, cost.times(market.takerFee));
  // Venues that report trades only as ids (Kraken's QueryOrders) still report the totals: one
  // aggregate fill carries them, so fills always add up to `filled`.
  if (fills.length === 0 && filled.gt(0)) {
    const [feeCurrency, fee] = [...fees][0] ?? [market.quote, ZERO];
    fills.push({ price: average.isZero() ? cost.div(filled) : average, amount: filled, fee, feeCurrency });
  }
  return {
    status: 'confirmed',
    exchange,
    symbol: market.symbol,
    side: order.side === 'sell' ? 'sell' : 'buy',
    orderId: String(order.id),
    clientOrderId: cid,
    amount: order.amount !== undefined ? dec(order.amount) : requested,
    filled,
    averagePrice: average,
    cost,
    fills,
    fees: [...fees].map(([currency, amount]) => ({ currency, amount })),
    orderStatus: status,
    timestamp: order.timestamp ?? now,
  };
}
