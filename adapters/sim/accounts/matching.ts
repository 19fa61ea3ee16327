import type { ExchangeId } from '../../../domain/market';
import { Decimal, ZERO } from '../../../domain/money/decimal';
import type { BookSides, Level } from '../model/book';
import type { SimMarket } from '../model/markets';
import type { LiveBook } from '../model/store';
import type { Accounts, OrderRejection } from './accounts';
import { settledCost } from './settlement';

export interface OrderRequest {
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  timeInForce: 'GTC' | 'IOC' | 'FOK';
  /** Base amount; absent only for a market buy by quote amount. */
  amount?: Decimal;
  /** Market buy spending this much quote (Binance quoteOrderQty, Coinbase quote_size). */
  quoteAmount?: Decimal;
  price?: Decimal;
  clientOrderId?: string;
}

export interface SimFill { tradeId: number; price: Decimal; amount: Decimal; cost: Decimal; fee: Decimal; feeCurrency: string; timestamp: number }

export interface SimOrder {
  id: string;
  clientOrderId?: string;
  exchange: ExchangeId;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  timeInForce: 'GTC' | 'IOC' | 'FOK';
  price?: Decimal;
  amount: Decimal;
  filled: Decimal;
  cost: Decimal;
  fee: Decimal;
  feeCurrency: string;
  /** expired: an IOC/FOK whose rest was not filled (Binance's word for it). */
  status: 'open' | 'closed' | 'canceled' | 'expired';
  fills: SimFill[];
  /** Funds still held for the resting remainder (quote for a buy, with its fee where the fee is in quote; base for a sell). */
  locked: Decimal;
  lockedAsset: string;
  created: number;
  updated: number;
}

interface MatchInput {
  exchange: ExchangeId; market: SimMarket; live: LiveBook; req: OrderRequest; id: string; now: number; accounts: Accounts;
  /** Binance's BNB fee option: fees in BNB at a discount, priced in the order's quote, while BNB covers them. */
  bnbFee?: { percentOff: Decimal; bnbInQuote: Decimal };
}
interface MatchOutput { order: SimOrder; takenBook?: BookSides }

let tradeSeq = 1;

export function matchOrder(inp: MatchInput): MatchOutput | OrderRejection {
  const { market: m, req, exchange } = inp;
  const bad = validate(m, req, inp.live);
  if (bad) return bad;
  const levels = req.side === 'buy' ? inp.live.book.asks : inp.live.book.bids;
  const acceptable = (p: Decimal): boolean => req.type === 'market' || !req.price || (req.side === 'buy' ? p.lte(req.price) : p.gte(req.price));
  const fills: Array<[Decimal, Decimal]> = [];
  let wanted = req.amount ?? ZERO;
  let budget = req.quoteAmount;
  for (const [price, size] of levels) {
    if (!acceptable(price)) break;
    const take = budget ? Decimal.min(size, budget.div(price).div(m.step).floor().times(m.step)) : Decimal.min(size, wanted);
    if (take.lte(0)) break;
    fills.push([price, take]);
    if (budget) budget = budget.minus(take.times(price));
    else wanted = wanted.minus(take);
    if (!budget && wanted.lte(0)) break;
  }
  const filled = fills.reduce((s, [, a]) => s.plus(a), ZERO);
  const amount = req.amount ?? filled;
  const fok = req.timeInForce === 'FOK' && filled.lt(amount);
  const used = fok ? [] : fills;
  const bnbRate = inp.bnbFee && m.base !== 'BNB' && m.quote !== 'BNB' ? m.takerFee.times(new Decimal(100).minus(inp.bnbFee.percentOff)).div(100).div(inp.bnbFee.bnbInQuote) : undefined;
  const bnbNeed = bnbRate ? used.reduce((t, [price, a]) => t.plus(price.times(a).times(bnbRate).toDecimalPlaces(8, Decimal.ROUND_UP)), ZERO) : ZERO;
  // Like Binance: BNB pays the fee only while the account's BNB covers it, else the usual asset does.
  const inBnb = bnbRate !== undefined && inp.accounts.free(exchange, 'BNB').gte(bnbNeed);
  const baseFee = !inBnb && exchange === 'binance' && req.side === 'buy';
  const feeCurrency = inBnb ? 'BNB' : baseFee ? m.base : m.quote;
  const out: SimFill[] = used.map(([price, a]) => {
    const cost = settledCost(exchange, price, a);
    const fee = inBnb && bnbRate ? cost.times(bnbRate).toDecimalPlaces(8, Decimal.ROUND_UP) : (baseFee ? a : cost).times(m.takerFee).toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN);
    return { tradeId: tradeSeq++, price, amount: a, cost, fee, feeCurrency, timestamp: inp.now };
  });
  const totalFilled = out.reduce((s, f) => s.plus(f.amount), ZERO);
  const totalCost = out.reduce((s, f) => s.plus(f.cost), ZERO);
  const totalFee = out.reduce((s, f) => s.plus(f.fee), ZERO);
  const rest = amount.minus(totalFilled);
  const rests = req.type === 'limit' && req.timeInForce === 'GTC' && rest.gt(0);
  const spendAsset = req.side === 'buy' ? m.quote : m.base;
  const lockAmt = !rests ? ZERO : req.side === 'sell' ? rest : restingBuyLock(rest, req.price ?? ZERO, baseFee ? ZERO : m.makerFee);
  // Funds check covers what the fills spend plus what a resting remainder locks.
  const quoteFee = inBnb || baseFee ? ZERO : totalFee;
  const spend = req.side === 'buy' ? totalCost.plus(quoteFee).plus(lockAmt) : totalFilled.plus(lockAmt);
  if (inp.accounts.free(exchange, spendAsset).lt(spend)) {
    return { rejected: 'INSUFFICIENT_FUNDS', message: `insufficient ${spendAsset}: free ${inp.accounts.free(exchange, spendAsset).toFixed()}, needed ${spend.toFixed()}` };
  }
  if (inBnb && totalFee.gt(0)) inp.accounts.debit(exchange, 'BNB', totalFee);
  if (req.side === 'buy') {
    inp.accounts.debit(exchange, m.quote, totalCost.plus(quoteFee));
    inp.accounts.credit(exchange, m.base, totalFilled.minus(baseFee ? totalFee : ZERO));
    if (rests) inp.accounts.lock(exchange, m.quote, lockAmt);
  } else {
    inp.accounts.debit(exchange, m.base, totalFilled);
    inp.accounts.credit(exchange, m.quote, totalCost.minus(inBnb ? ZERO : totalFee));
    if (rests) inp.accounts.lock(exchange, m.base, lockAmt);
  }
  const order: SimOrder = {
    id: inp.id, ...(req.clientOrderId ? { clientOrderId: req.clientOrderId } : {}), exchange, symbol: req.symbol, side: req.side,
    type: req.type, timeInForce: req.timeInForce, ...(req.price ? { price: req.price } : {}), amount, filled: totalFilled,
    cost: totalCost, fee: totalFee, feeCurrency, status: rest.lte(0) ? 'closed' : rests ? 'open' : 'expired', fills: out, locked: lockAmt, lockedAsset: spendAsset,
    created: inp.now, updated: inp.now,
  };
  return { order, ...(out.length ? { takenBook: take(inp.live.book, req.side, used) } : {}) };
}

/** What a resting buy holds: its cost at the limit plus, where fees are paid in quote, the maker fee. */
export function restingBuyLock(amount: Decimal, price: Decimal, feeRate: Decimal): Decimal {
  return amount.times(price).times(feeRate.plus(1));
}

function validate(m: SimMarket, req: OrderRequest, live: LiveBook): OrderRejection | undefined {
  if (req.amount !== undefined && (req.amount.lte(0) || !req.amount.mod(m.step).isZero() || req.amount.lt(m.minQty))) {
    return { rejected: 'BAD_AMOUNT', message: `amount ${req.amount.toFixed()} is not a positive multiple of the step ${m.step.toFixed()}` };
  }
  if (req.amount === undefined && !req.quoteAmount) return { rejected: 'BAD_AMOUNT', message: 'amount is required' };
  if (req.type === 'limit') {
    if (!req.price || req.price.lte(0)) return { rejected: 'BAD_PRICE', message: 'a limit order needs a positive price' };
    if (!req.price.mod(m.tick).isZero()) return { rejected: 'BAD_PRICE', message: `price ${req.price.toFixed()} is not on the tick ${m.tick.toFixed()}` };
  }
  const ref = req.price ?? (req.side === 'buy' ? live.book.asks[0]?.[0] : live.book.bids[0]?.[0]) ?? ZERO;
  const notional = req.quoteAmount ?? (req.amount ?? ZERO).times(ref);
  if (notional.lt(m.minNotional)) return { rejected: 'MIN_NOTIONAL', message: `notional ${notional.toFixed()} is below the minimum ${m.minNotional.toFixed()}` };
  return undefined;
}

function take(book: BookSides, side: 'buy' | 'sell', fills: Array<[Decimal, Decimal]>): BookSides {
  const taken = new Map(fills.map(([p, a]) => [p.toString(), a]));
  const reduce = (levels: Level[]): Level[] => levels
    .map(([p, a]): Level => [p, a.minus(taken.get(p.toString()) ?? ZERO)])
    .filter(([, a]) => a.gt(0));
  return side === 'buy' ? { bids: book.bids, asks: reduce(book.asks) } : { bids: reduce(book.bids), asks: book.asks };
}
