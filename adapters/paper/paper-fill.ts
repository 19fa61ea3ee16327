import { Decimal, ZERO, ONE } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { quantizeAmountDown, quantizePrice } from '../../domain/money/quantize';
import type { ExchangeId, Market } from '../../domain/market';
import { takerSide, walkBookForBase, type BookLevel, type BookWalk, type OrderBook } from '../../domain/orderbook';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { OrderRequest } from '../../ports/trading';

/** The order after validation and quantization to the market's grid. */
export interface CheckedOrder {
  amount: Decimal;
  /** Quantized limit price; undefined for market orders. */
  price?: Decimal;
}

const s = formatDecimal;
const TYPES = new Set(['limit', 'ioc', 'fok', 'market']);

/**
 * Validation in the order an exchange applies it: shape, market, step, minimum amount, tick,
 * minimum notional. Each failure names the figures, like a risk engine's denial would.
 */
export function checkOrder(req: OrderRequest, exchange: ExchangeId, market: Market | undefined): CheckedOrder | Rejected {
  if (req.exchange !== exchange) return rejected('INVALID_ORDER', `order for ${req.exchange} sent to the ${exchange} paper account`);
  if (!TYPES.has(req.type)) return rejected('INVALID_ORDER', `unknown order type "${String(req.type)}"`);
  if (req.side !== 'buy' && req.side !== 'sell') return rejected('INVALID_ORDER', `unknown side "${String(req.side)}"`);
  if (!market) return rejected('INVALID_ORDER', `unknown market ${req.symbol} on ${exchange}`);
  if (!market.active) return rejected('MARKET_CLOSED', `${req.symbol} is not trading on ${exchange}`, true);
  if (!req.amount.isFinite() || req.amount.lte(ZERO)) return rejected('INVALID_ORDER', `amount must be a positive number, got ${req.amount.toString()}`);
  const amount = quantizeAmountDown(req.amount, market.amountStep);
  if (amount.isZero() || amount.lt(market.minAmount)) {
    return rejected('BELOW_MIN_AMOUNT', `amount ${s(req.amount)} -> ${s(amount)} after step ${s(market.amountStep)} is below the minimum ${s(market.minAmount)}`);
  }
  if (req.type === 'market') return { amount };
  if (!req.price || !req.price.isFinite() || req.price.lte(ZERO)) return rejected('INVALID_ORDER', `${req.type} order needs a positive limit price`);
  const price = quantizePrice(req.price, market.priceTick, req.side);
  if (price.lte(ZERO)) return rejected('INVALID_PRECISION', `price ${s(req.price)} rounds to 0 at tick ${s(market.priceTick)}`);
  const notional = amount.times(price);
  if (notional.lt(market.minNotional)) {
    return rejected('BELOW_MIN_NOTIONAL', `notional ${s(notional)} ${market.quote} (${s(amount)} x ${s(price)}) is below the minimum ${s(market.minNotional)}`);
  }
  return { amount, price };
}

/** Market orders walk only within a band around the best price: no fill at any price. */
export function protectionLimit(book: OrderBook, side: 'buy' | 'sell', band: Decimal): Decimal | undefined {
  const best = takerSide(book, side)[0];
  if (!best) return undefined;
  return side === 'buy' ? best.price.times(ONE.plus(band)) : best.price.times(ONE.minus(band));
}

/** The levels a taker order may consume: best first, up to its limit price. */
export function crossingLevels(book: OrderBook, side: 'buy' | 'sell', limit: Decimal): BookLevel[] {
  const out: BookLevel[] = [];
  for (const level of takerSide(book, side)) {
    if (side === 'buy' ? level.price.gt(limit) : level.price.lt(limit)) break;
    out.push(level);
  }
  return out;
}

/** One fill per level consumed, as exchanges report them; totals equal the walk's. */
export function walkWithFills(levels: readonly BookLevel[], amount: Decimal): { walk: BookWalk; fills: BookLevel[] } {
  const walk = walkBookForBase(levels, amount);
  const fills: BookLevel[] = [];
  let remaining = walk.filled;
  for (const level of levels) {
    if (remaining.lte(ZERO)) break;
    const take = Decimal.min(remaining, level.amount);
    if (take.lte(ZERO)) continue;
    fills.push({ price: level.price, amount: take });
    remaining = remaining.minus(take);
  }
  return { walk, fills };
}

/** Mid price of a book, for valuing assets (USD notional, BNB fees). */
export function midOf(book: OrderBook | undefined): Decimal | undefined {
  const b = book?.bids[0];
  const a = book?.asks[0];
  return b && a ? b.price.plus(a.price).div(2) : undefined;
}

export type BookLevelKey = string;
export const levelKey = (l: { price: Decimal }): BookLevelKey => l.price.toFixed();

/** Marks `amount` of the crossing levels as used by one resting order in this update. */
export function consume(taken: Map<BookLevelKey, Decimal>, levels: Array<{ price: Decimal; amount: Decimal }>, amount: Decimal): void {
  let left = amount;
  for (const l of levels) {
    if (left.lte(ZERO)) break;
    const free = l.amount.minus(taken.get(levelKey(l)) ?? ZERO);
    const use = Decimal.min(free, left);
    if (use.lte(ZERO)) continue;
    taken.set(levelKey(l), (taken.get(levelKey(l)) ?? ZERO).plus(use));
    left = left.minus(use);
  }
}
