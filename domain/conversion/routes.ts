import { Decimal, HUNDRED, ONE, ZERO } from '../money/decimal';
import type { Market } from '../market';
import type { OrderBook } from '../orderbook';
import { simulateLeg, type ConversionLeg } from './leg';
import { findPaths, type ConversionPath } from './paths';

export const MAX_HOPS = 3;

export interface ConversionRequest {
  /** One exchange's markets. */
  markets: readonly Market[];
  /** Books by symbol; a market without a book is not a candidate (nothing to price it with). */
  books: ReadonlyMap<string, OrderBook>;
  /** Per-symbol taker fee (fraction) where the account's fee differs from the market default. */
  takerFees?: ReadonlyMap<string, Decimal>;
  from: string;
  to: string;
  amount: Decimal;
  /** USD price of the target asset, to state the cost in USD. */
  toUsdPrice: Decimal;
  /** Target units per source unit at par (1 for USDT -> USDC), to state the cost against par too. */
  parRate?: Decimal;
  maxHops?: number;
}

export interface CostFigure {
  /** In target-asset units. */
  amount: Decimal;
  usd: Decimal;
  /** Of the ideal output. */
  percent: Decimal;
}

export interface ConversionRoute {
  from: string;
  to: string;
  amount: Decimal;
  amountOut: Decimal;
  legs: ConversionLeg[];
  /** What the amount would fetch at mid prices with no fees. */
  idealOut: Decimal;
  /** Assets stranded by rounding orders down to a step: still ours, valued at mid, not a cost. */
  leftovers: Array<{ asset: string; amount: Decimal }>;
  /** Total cost vs mid: fees plus price impact. */
  cost: CostFigure;
  fees: CostFigure;
  /** Half-spreads plus book walking, vs mid: the expected slippage. */
  slippage: CostFigure;
  costVsPar?: CostFigure;
}

export interface RejectedRoute {
  symbols: string[];
  reason: string;
}

export type ConversionResult =
  | { ok: true; best: ConversionRoute; alternatives: ConversionRoute[]; rejected: RejectedRoute[] }
  | { ok: false; reason: string; rejected: RejectedRoute[] };

function figure(amount: Decimal, ideal: Decimal, usdPrice: Decimal): CostFigure {
  return { amount, usd: amount.times(usdPrice), percent: ideal.isZero() ? ZERO : amount.times(HUNDRED).div(ideal) };
}

function evaluate(path: ConversionPath, req: ConversionRequest): { ok: true; route: ConversionRoute } | { ok: false; reason: string } {
  const legs: ConversionLeg[] = [];
  let holding = req.amount;
  for (let i = 0; i < path.markets.length; i += 1) {
    const market = path.markets[i]!;
    const book = req.books.get(market.symbol)!;
    const fee = req.takerFees?.get(market.symbol) ?? market.takerFee;
    const r = simulateLeg(market, book, path.assets[i]!, holding, fee);
    if (!r.ok) return { ok: false, reason: `leg ${i + 1}: ${r.reason}` };
    legs.push(r.leg);
    holding = r.leg.amountOut;
  }
  // valueFrom[i]: target units per unit of the asset held before leg i, at mid.
  const valueFrom: Decimal[] = new Array<Decimal>(legs.length + 1).fill(ONE);
  for (let i = legs.length - 1; i >= 0; i -= 1) valueFrom[i] = legs[i]!.midRate.times(valueFrom[i + 1]!);

  const idealOut = req.amount.times(valueFrom[0]!);
  let leftoverValue = ZERO;
  let feesValue = ZERO;
  const leftovers: ConversionRoute['leftovers'] = [];
  legs.forEach((leg, i) => {
    if (leg.leftover.gt(ZERO)) leftovers.push({ asset: leg.fromAsset, amount: leg.leftover });
    leftoverValue = leftoverValue.plus(leg.leftover.times(valueFrom[i]!));
    feesValue = feesValue.plus(leg.fee.times(valueFrom[i + 1]!));
  });
  const cost = idealOut.minus(holding).minus(leftoverValue);
  const route: ConversionRoute = {
    from: req.from,
    to: req.to,
    amount: req.amount,
    amountOut: holding,
    legs,
    idealOut,
    leftovers,
    cost: figure(cost, idealOut, req.toUsdPrice),
    fees: figure(feesValue, idealOut, req.toUsdPrice),
    slippage: figure(cost.minus(feesValue), idealOut, req.toUsdPrice),
  };
  if (req.parRate) {
    const parOut = req.amount.times(req.parRate);
    route.costVsPar = figure(parOut.minus(holding).minus(leftoverValue), parOut, req.toUsdPrice);
  }
  return { ok: true, route };
}

/**
 * The cheapest way to turn `amount` of one asset into another inside one exchange: every direct
 * and multi-hop path (up to 3 markets) is walked against its book at the exact order sizes, and
 * the one with the lowest cost vs mid wins (fewer legs on a tie: fewer orders, less leg risk).
 */
export function findCheapestConversion(req: ConversionRequest): ConversionResult {
  const maxHops = req.maxHops ?? MAX_HOPS;
  if (maxHops < 1 || maxHops > MAX_HOPS) throw new Error(`maxHops must be 1..${MAX_HOPS}, got ${maxHops}`);
  if (req.from === req.to) return { ok: false, reason: `nothing to convert: ${req.from} to itself`, rejected: [] };
  if (!req.amount.gt(ZERO)) return { ok: false, reason: `amount must be positive, got ${req.amount.toFixed()}`, rejected: [] };

  const priced = req.markets.filter((m) => req.books.has(m.symbol));
  const paths = findPaths(priced, req.from, req.to, maxHops);
  if (paths.length === 0) {
    return { ok: false, reason: `no market path from ${req.from} to ${req.to} within ${maxHops} hops among the markets with a book`, rejected: [] };
  }
  const routes: ConversionRoute[] = [];
  const rejected: RejectedRoute[] = [];
  for (const path of paths) {
    const r = evaluate(path, req);
    if (r.ok) routes.push(r.route);
    else rejected.push({ symbols: path.markets.map((m) => m.symbol), reason: r.reason });
  }
  if (routes.length === 0) {
    return { ok: false, reason: `all ${paths.length} route(s) from ${req.from} to ${req.to} rejected`, rejected };
  }
  routes.sort((a, b) => a.cost.amount.comparedTo(b.cost.amount) || a.legs.length - b.legs.length);
  const [best, ...alternatives] = routes as [ConversionRoute, ...ConversionRoute[]];
  return { ok: true, best, alternatives, rejected };
}
