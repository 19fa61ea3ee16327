import { Decimal, ONE, ZERO } from '../money/decimal';
import { quantizeAmountDown, quantizePrice } from '../money/quantize';
import { walkBookForBase, walkBookForQuote } from '../orderbook';
import type { Market } from '../market';
import type { CorrectiveOrder, SingleLegPolicy } from './single-leg';
import type { MarketBook } from './stablecoins';

/**
 * A trade a crash cut between its legs, recovered at the next start against the books of that
 * moment: finish the legs that were never sent while the whole trade stays within the single-leg
 * policy's loss bound, else unwind what filled back to where the trade started, else hold the
 * position and say why. Each call decides one order (the next step); the caller places it, books
 * it and asks again with what it holds then, so a second crash resumes from the exchange's truth.
 */

export type RecoveryAction = 'finish' | 'unwind';

/** One recovery order: IOC, base amount on the market's step, limit = the worst price it accepts. */
export type RecoveryOrder = CorrectiveOrder;

export type RecoveryDecision =
  | {
      action: RecoveryAction;
      /** The next order of the chosen path. */
      order: RecoveryOrder;
      /** What the whole path returns (start currency for a triangle, quote for a cross), after fees. */
      expectedReturn: Decimal;
      /** Loss of the whole trade against what it spent, percent (negative: a gain). */
      lossPercent: Decimal;
      /** Why a preferred path was not taken (finish beyond the bound, a book too thin), if one was not. */
      passedOver?: string;
    }
  | { action: 'hold'; reason: string };

/** One conversion of a recovery path: a market, its current book and the side to take. */
export interface PathStep extends MarketBook {
  side: 'buy' | 'sell';
}

export type RecoveryFee = (market: Market, side: 'buy' | 'sell') => Decimal;

interface PathWalk {
  orders: RecoveryOrder[];
  final: Decimal;
  problem?: string;
}

/** Runs `held` through the steps as a triangle's legs do: amounts down to the step, taker fee out of what arrives. */
export function walkPath(held: Decimal, steps: readonly PathStep[], fee: RecoveryFee): PathWalk {
  const orders: RecoveryOrder[] = [];
  let have = held;
  for (const { market, book, side } of steps) {
    const where = `${market.exchange}:${market.symbol}`;
    const amount = side === 'buy'
      ? quantizeAmountDown(walkBookForQuote(book.asks, have).filled, market.amountStep)
      : quantizeAmountDown(have, market.amountStep);
    if (amount.isZero() || amount.lt(market.minAmount)) return { orders, final: ZERO, problem: `${where}: ${amount.toFixed()} below the minimum ${market.minAmount.toFixed()}` };
    const w = walkBookForBase(side === 'buy' ? book.asks : book.bids, amount);
    if (!w.complete) return { orders, final: ZERO, problem: `${where}: the book cannot take ${amount.toFixed()}` };
    if (w.quote.lt(market.minNotional)) return { orders, final: ZERO, problem: `${where}: notional ${w.quote.toFixed()} below ${market.minNotional.toFixed()}` };
    const gross = side === 'buy' ? amount : w.quote;
    have = gross.times(ONE.minus(fee(market, side)));
    orders.push({ exchange: market.exchange, symbol: market.symbol, side, amount, limitPrice: w.worstPrice, expectedPrice: w.vwap });
  }
  return { orders, final: have };
}

const STEP_SLACK = new Decimal('0.001');

const lossOf = (spent: Decimal, back: Decimal, basis: Decimal) => (basis.isZero() ? ZERO : spent.minus(back).div(basis).times(100));

/** A coin the cut triangle left on hand and its ways back to the start currency. */
export interface TriHolding {
  held: Decimal;
  /** The legs not sent from this coin on (finish), and the filled legs before it undone (unwind). */
  paths: Partial<Record<RecoveryAction, readonly PathStep[]>>;
}

export interface TriRecoveryInput extends TriHolding {
  /** Start currency the triangle spent and has not got back. */
  spent: Decimal;
  /**
   * Everything the triangle spent of the start currency (default `spent`): the loss percent's base,
   * as a partly filled last leg has already brought part of it back.
   */
  spentGross?: Decimal;
  /**
   * Other coins a partly filled leg left on hand as well: the trade is judged as a whole, each of
   * them valued along its own path of the same action (nothing when that path cannot take it).
   */
  alsoHeld?: readonly TriHolding[];
  fee: RecoveryFee;
  policy: SingleLegPolicy;
  maxLossPercent: Decimal;
}

/** Finish when the remaining legs keep the trade within the loss bound, else unwind within it, else hold. */
export function decideTriRecovery(i: TriRecoveryInput): RecoveryDecision {
  if (i.policy === 'hold') return { action: 'hold', reason: `hold by policy: ${i.held.toFixed()} left open` };
  const why: string[] = [];
  for (const action of ['finish', 'unwind'] as const) {
    const steps = i.paths[action];
    if (!steps) continue;
    const w = walkPath(i.held, steps, i.fee);
    if (w.problem) {
      why.push(`${action}: ${w.problem}`);
      continue;
    }
    const back = (i.alsoHeld ?? []).reduce((sum, h) => sum.plus(returnAlong(h, action, i.fee)), w.final);
    const lossPercent = lossOf(i.spent, back, i.spentGross ?? i.spent);
    if (lossPercent.gt(i.maxLossPercent)) {
      why.push(`${action}: would lose ${lossPercent.toDecimalPlaces(4).toFixed()}% (bound ${i.maxLossPercent.toFixed()}%)`);
      continue;
    }
    // The book moves between the look and the order: give the IOC part of the room left under the
    // bound (at most 0.1 %), so a tick against us does not send the step back empty.
    const slack = Decimal.min(STEP_SLACK, i.maxLossPercent.minus(lossPercent).div(100).div(steps.length));
    const first = w.orders[0]!;
    const { market } = steps[0]!;
    const limitPrice = quantizePrice(first.side === 'buy' ? first.limitPrice.times(ONE.plus(slack)) : first.limitPrice.times(ONE.minus(slack)), market.priceTick, first.side);
    // A buy never spends more than the coin on hand, even filled at its limit with the fee in the quote.
    const amount = first.side === 'buy' ? Decimal.min(first.amount, quantizeAmountDown(i.held.div(limitPrice.times(ONE.plus(i.fee(market, 'buy')))), market.amountStep)) : first.amount;
    if (amount.isZero() || amount.lt(market.minAmount)) {
      why.push(`${action}: ${market.exchange}:${market.symbol}: ${amount.toFixed()} below the minimum ${market.minAmount.toFixed()}`);
      continue;
    }
    return { action, order: { ...first, amount, limitPrice }, expectedReturn: back, lossPercent, ...(why.length ? { passedOver: why.join('; ') } : {}) };
  }
  return { action: 'hold', reason: why.join('; ') || 'no path back to the start currency' };
}

/** What a holding returns to the start currency along the action's path, nothing when the path cannot take it. */
function returnAlong(h: TriHolding, action: RecoveryAction, fee: RecoveryFee): Decimal {
  const steps = h.paths[action];
  if (!steps) return ZERO;
  const w = walkPath(h.held, steps, fee);
  return w.problem ? ZERO : w.final;
}

export interface CrossRecoveryInput {
  /** The leg that filled more than its counterpart: its side, the excess (base) and its average price. */
  filledSide: 'buy' | 'sell';
  excess: Decimal;
  entryPrice: Decimal;
  /** The missing leg's market (finish) and the filled leg's own market (unwind). */
  books: Partial<Record<RecoveryAction, MarketBook>>;
  fee: RecoveryFee;
  policy: SingleLegPolicy;
  maxLossPercent: Decimal;
}

/**
 * A cross trade with one leg filled: send the missing leg for the excess (finish) when its price,
 * after the fee, is within the loss bound of the filled leg's price, else undo the filled leg on
 * its own market within the same bound, else hold. Quotes of the two venues (USD, USDT, USDC)
 * count one for one, as the depeg guard keeps them in band.
 */
export function decideCrossRecovery(i: CrossRecoveryInput): RecoveryDecision {
  if (i.policy === 'hold') return { action: 'hold', reason: `hold by policy: ${i.filledSide} ${i.excess.toFixed()} left open` };
  const side: 'buy' | 'sell' = i.filledSide === 'buy' ? 'sell' : 'buy';
  const loss = i.maxLossPercent.div(100);
  const bound = side === 'sell' ? i.entryPrice.times(ONE.minus(loss)) : i.entryPrice.times(ONE.plus(loss));
  const why: string[] = [];
  for (const action of ['finish', 'unwind'] as const) {
    const mb = i.books[action];
    if (!mb) continue;
    const { market, book } = mb;
    const where = `${action}: ${market.exchange}:${market.symbol}`;
    const amount = quantizeAmountDown(i.excess, market.amountStep);
    if (amount.isZero() || amount.lt(market.minAmount)) {
      why.push(`${where}: ${i.excess.toFixed()} below the minimum ${market.minAmount.toFixed()}`);
      continue;
    }
    const w = walkBookForBase(side === 'sell' ? book.bids : book.asks, amount);
    const f = i.fee(market, side);
    // The price this side nets after its fee, against the filled leg's price.
    const net = side === 'sell' ? w.vwap.times(ONE.minus(f)) : w.vwap.times(ONE.plus(f));
    const within = side === 'sell' ? net.gte(bound) : net.lte(bound);
    if (!w.complete || !within) {
      why.push(`${where}: cannot take ${amount.toFixed()} within ${i.maxLossPercent.toFixed()}% (nets ${net.toDecimalPlaces(8).toFixed()}, bound ${bound.toDecimalPlaces(8).toFixed()})`);
      continue;
    }
    // The limit never lets a fill go past the bound (priced on the tick inside it).
    const limitPrice = quantizePrice(side === 'sell' ? bound.div(ONE.minus(f)) : bound.div(ONE.plus(f)), market.priceTick, side);
    const lossPercent = side === 'sell' ? i.entryPrice.minus(net).div(i.entryPrice).times(100) : net.minus(i.entryPrice).div(i.entryPrice).times(100);
    return {
      action, lossPercent, ...(why.length ? { passedOver: why.join('; ') } : {}), expectedReturn: side === 'sell' ? amount.times(net) : amount.times(i.entryPrice),
      order: { exchange: market.exchange, symbol: market.symbol, side, amount, limitPrice, expectedPrice: w.vwap },
    };
  }
  return { action: 'hold', reason: why.join('; ') || 'no book for either leg' };
}
