import { isDecimal, ZERO, type Decimal } from '../money/decimal';
import * as scaled from '../fixed/scaled-decimal';
import type { Scaled } from '../fixed/scaled-decimal';
import type { Market } from '../market';
import type { BookLevel } from '../orderbook';
import { LazyFigure, pct, reject, type GateRejection } from './rejection';
import type { TriEvaluation, TriInput, TriLegResult } from './tri-eval';

/**
 * The triangular evaluation of tri-eval.ts, operation for operation, on scaled BigInts
 * (../fixed/scaled-decimal.ts) instead of decimal.js: every +, -, x and / rounds exactly as
 * Decimal does, so each figure is the Decimal path's to the last unit (the property test
 * test/unit/tri-eval-fixed.property.test.ts holds it to `evaluateCycleDecimal`), about ten times
 * faster. Figures leave as Decimal, made on first read: a scan reads few of them.
 * Undefined when an input is not a finite number (the Decimal path then decides).
 */
export function evaluateCycleFixed(i: TriInput): TriEvaluation | undefined {
  try {
    return evaluate(i);
  } catch (e) {
    if (e === NOT_FIXED) return undefined;
    throw e;
  }
}

// Local references, read once: run under tsx, an imported function is a getter on the module's
// export object, and reading it on every call cost more than the BigInt arithmetic it calls.
const { add, cmp, cmpQuotient, div, floorQuotientSum, fromDecimal, isZero, lt, lte, mul, mulExact, powerOfTenPlaces, quantizeDown, S_ONE, S_ZERO, sign, sub, toDecimal } = scaled;

/** Thrown (and caught above) when an input has no exact scaled form: NaN, an infinity, a zero divisor. */
const NOT_FIXED = new Error('not representable as a scaled integer');

function num(d: Decimal): Scaled {
  const v = fromDecimal(d);
  if (!v) throw NOT_FIXED;
  return v;
}

function divide(a: Scaled, b: Scaled): Scaled {
  if (isZero(b)) throw NOT_FIXED;
  return div(a, b);
}

const HUNDRED: Scaled = { n: 100, s: 0 };
/** tri-eval.ts's SHRINK_SAFETY (0.999). */
const SHRINK: Scaled = { n: 999, s: 3 };

/**
 * A book side's levels in scaled form as the walks reach them, kept from one evaluation to the
 * next (a scan walks each book for many cycles) beside the Decimals they came from: a level's
 * scaled form is used only while its Decimal is the very same object (Decimals are immutable; a
 * level or array changed in place is converted again).
 */
interface ScaledSide {
  prices: Scaled[];
  amounts: Scaled[];
  fromPrice: Decimal[];
  fromAmount: Decimal[];
}

const scaledSides = new WeakMap<readonly BookLevel[], ScaledSide>();

function scaledSide(levels: readonly BookLevel[]): ScaledSide {
  let side = scaledSides.get(levels);
  if (!side) {
    side = { prices: [], amounts: [], fromPrice: [], fromAmount: [] };
    scaledSides.set(levels, side);
  }
  return side;
}

/** One leg's book side and rules in scaled form. */
interface LegRules {
  levels: readonly BookLevel[];
  side: ScaledSide;
  step: Scaled;
  places: number | undefined;
  minAmount: Scaled;
  minNotional: Scaled;
}

interface FixedLeg {
  amount: Scaled;
  worstPrice: Decimal;
  spent: Scaled;
  received: Scaled;
  fee: Scaled;
  /** The base walk's figures (for the VWAP). */
  quote: Scaled;
  filled: Scaled;
}

interface FixedWalk {
  legs: FixedLeg[];
  spent: Scaled;
  final: Scaled;
  problem?: GateRejection;
}

function priceAt(r: LegRules, k: number): Scaled {
  const d = r.levels[k]!.price;
  const side = r.side;
  if (side.fromPrice[k] !== d) {
    side.prices[k] = num(d);
    side.fromPrice[k] = d;
  }
  return side.prices[k]!;
}

function amountAt(r: LegRules, k: number): Scaled {
  const d = r.levels[k]!.amount;
  const side = r.side;
  if (side.fromAmount[k] !== d) {
    side.amounts[k] = num(d);
    side.fromAmount[k] = d;
  }
  return side.amounts[k]!;
}

/** A figure of the evaluation as a Decimal, made when a rejection is read. */
class DecimalFigure extends LazyFigure {
  constructor(private readonly v: Scaled) {
    super();
  }

  value(): Decimal {
    return toDecimal(this.v);
  }
}

/**
 * 100 x num / den as tri-eval.ts computes a percentage (num.div(den).times(100)), divided out on
 * first read only; compared with a limit without dividing when the quotient is clearly apart from
 * it (cmpQuotient). No `den`: the percentage is 0 (nothing spent).
 */
class LazyPercent {
  private v: Scaled | undefined;
  private d: Decimal | undefined;

  constructor(private readonly num: Scaled, private readonly den: Scaled | undefined) {}

  scaled(): Scaled {
    return (this.v ??= this.den ? mul(divide(this.num, this.den), HUNDRED) : S_ZERO);
  }

  decimal(): Decimal {
    return (this.d ??= toDecimal(this.scaled()));
  }

  /** Sign of (this percentage - `percent`). */
  cmp(percent: Scaled): number {
    if (this.v || !this.den) return cmp(this.scaled(), percent);
    return cmpQuotient(this.num, this.den, { n: percent.n, s: percent.s + 2 });
  }
}

const ZERO_PERCENT = new LazyPercent(S_ZERO, undefined);

/** A percentage figure ("0.3100%"), formatted when a rejection is read. */
class PercentFigure extends LazyFigure {
  constructor(private readonly v: LazyPercent | Decimal, private readonly dp: number) {
    super();
  }

  value(): string {
    return pct(isDecimal(this.v) ? this.v : this.v.decimal(), this.dp);
  }
}

const where = (i: TriInput, k: number): string => `${i.books[k]!.market.exchange}:${i.books[k]!.market.symbol}`;

/**
 * The order amount of a buy sized in quote: walkBookForQuote's filled amount quantized down to the
 * step. A budget that ends inside a level takes the floor of the exact amount when that is proven
 * to be what the 40-digit division and sum would round to (floorQuotientSum), else divides.
 */
function orderAmountForQuote(r: LegRules, budget: Scaled): Scaled {
  let remaining = budget;
  let filled = S_ZERO;
  for (let k = 0; k < r.levels.length; k += 1) {
    if (sign(remaining) <= 0) break;
    const amount = amountAt(r, k);
    const price = priceAt(r, k);
    const levelCost = mul(amount, price);
    const whole = lte(levelCost, remaining);
    if (!whole && r.places !== undefined && sign(price) > 0 && sign(filled) >= 0) {
      const direct = floorQuotientSum(filled, remaining, price, r.places);
      if (direct) return direct;
    }
    const take = whole ? amount : divide(remaining, price);
    if (sign(take) <= 0) continue;
    filled = add(filled, take);
    remaining = whole ? sub(remaining, levelCost) : S_ZERO;
  }
  return quantizeDown(filled, r.step, r.places);
}

/** walkBookForBase: the walk's figures land in `baseWalk` (one object reused, not one per walk). */
const baseWalk = { filled: S_ZERO, quote: S_ZERO, worstPrice: ZERO, complete: false };

function walkForBase(r: LegRules, amount: Scaled): void {
  let remaining = amount;
  let quote = S_ZERO;
  let worstPrice = ZERO;
  for (let k = 0; k < r.levels.length; k += 1) {
    if (sign(remaining) <= 0) break;
    const available = amountAt(r, k);
    const take = lte(remaining, available) ? remaining : available;
    if (sign(take) <= 0) continue;
    quote = add(quote, mul(take, priceAt(r, k)));
    remaining = sub(remaining, take);
    worstPrice = r.levels[k]!.price;
  }
  baseWalk.filled = sub(amount, remaining);
  baseWalk.quote = quote;
  baseWalk.worstPrice = worstPrice;
  baseWalk.complete = sign(remaining) <= 0;
}

/** Each leg's fee read once for the whole evaluation (and only when a walk reaches that leg). */
function feeOf(i: TriInput, known: Scaled[], k: number): Scaled {
  const m = i.books[k]!.market;
  return (known[k] ??= num(i.fee(m.exchange, m.symbol, i.cycle.legs[k]!.side)));
}

/** `fees` undefined: the walk without fees (the gross edge). */
function walkCycle(i: TriInput, rules: readonly LegRules[], amount: Scaled, fees: Scaled[] | undefined): FixedWalk {
  const legs: FixedLeg[] = [];
  let have = amount;
  let spentFirst = S_ZERO;
  for (let k = 0; k < 3; k += 1) {
    const side = i.cycle.legs[k]!.side;
    const r = rules[k]!;
    const f = fees ? feeOf(i, fees, k) : S_ZERO;
    let orderAmount: Scaled;
    let spent: Scaled;
    let gross: Scaled;
    if (side === 'buy') {
      orderAmount = orderAmountForQuote(r, have);
      walkForBase(r, orderAmount);
      spent = baseWalk.quote;
      gross = orderAmount;
    } else {
      orderAmount = quantizeDown(have, r.step, r.places);
      walkForBase(r, orderAmount);
      spent = orderAmount;
      gross = baseWalk.quote;
    }
    const { quote, filled, complete, worstPrice } = baseWalk;
    const { market } = i.books[k]!;
    if (!complete || isZero(orderAmount)) {
      return { legs, spent: spentFirst, final: S_ZERO, problem: reject('DEPTH_INSUFFICIENT', { market: where(i, k), wanted: new DecimalFigure(orderAmount), visible: new DecimalFigure(filled) }) };
    }
    if (lt(orderAmount, r.minAmount)) return { legs, spent: spentFirst, final: S_ZERO, problem: reject('BELOW_MIN_AMOUNT', { market: where(i, k), amount: new DecimalFigure(orderAmount), minAmount: market.minAmount }) };
    if (lt(quote, r.minNotional)) return { legs, spent: spentFirst, final: S_ZERO, problem: reject('BELOW_MIN_NOTIONAL', { market: where(i, k), notional: new DecimalFigure(quote), minNotional: market.minNotional }) };
    const fee = mul(gross, f);
    const received = sub(gross, fee);
    legs.push({ amount: orderAmount, worstPrice, spent, received, fee, quote, filled });
    if (k === 0) spentFirst = spent;
    have = received;
  }
  return { legs, spent: spentFirst, final: have };
}

/** Base volume of a side's first `count` levels, summed as depthOfTopLevels does. */
function depthOf(r: LegRules, count: number): Scaled {
  let total = S_ZERO;
  for (let k = 0; k < Math.min(count, r.levels.length); k += 1) total = add(total, amountAt(r, k));
  return total;
}

interface DepthRatio {
  ratio: Scaled | undefined;
  where: string;
  depth: Scaled;
  amount: Scaled;
}

/**
 * tri-eval.ts's depth check: the smallest (top levels / multiple) / amount over the legs, divided
 * out only for legs whose top levels hold less than `multiple` x the amount (an exact product): a
 * leg holding that much has a ratio >= 1 after each rounding too (rounding is monotonic, 1 and the
 * amount are representable), so it can neither be the smallest below 1 nor change a decision.
 * `ratio` undefined: no leg is short.
 */
function depthRatio(i: TriInput, rules: readonly LegRules[], legs: FixedLeg[], multiple: Scaled): DepthRatio {
  let worst: DepthRatio = { ratio: undefined, where: '', depth: S_ZERO, amount: S_ZERO };
  for (let k = 0; k < legs.length; k += 1) {
    const l = legs[k]!;
    const depth = depthOf(rules[k]!, i.params.depthLevels);
    if (cmp(depth, mulExact(l.amount, multiple)) >= 0) continue;
    const ratio = divide(divide(depth, multiple), l.amount);
    if (worst.ratio === undefined || lt(ratio, worst.ratio)) worst = { ratio, where: where(i, k), depth, amount: l.amount };
  }
  return worst;
}

/** A leg as the evaluation reports it (built when the evaluation's legs are first read). */
function legResult(i: TriInput, k: number, l: FixedLeg): TriLegResult {
  const { market } = i.books[k]!;
  let vwap: Decimal | undefined;
  return {
    exchange: market.exchange, symbol: market.symbol, side: i.cycle.legs[k]!.side, amount: toDecimal(l.amount), worstPrice: l.worstPrice,
    spent: toDecimal(l.spent), received: toDecimal(l.received), fee: toDecimal(l.fee),
    // The VWAP (a division) only if someone reads this leg's, as walkBookForBase does.
    get vwap() {
      return (vwap ??= isZero(l.filled) ? ZERO : toDecimal(div(l.quote, l.filled)));
    },
  };
}

interface Figures {
  size: Scaled;
  grossProfit: Scaled;
  grossPercent: LazyPercent;
  netProfit: Scaled;
  netPercent: LazyPercent;
}

/**
 * The evaluation with its legs and figures as Decimals made on first read (own enumerable
 * getters, so spread, JSON and logs see plain fields): a scan reads few of most evaluations'.
 */
function evaluation(i: TriInput, walked: readonly FixedLeg[], f: Figures, rejection: GateRejection | undefined): TriEvaluation {
  let legs: TriLegResult[] | undefined;
  let size: Decimal | undefined;
  let grossProfit: Decimal | undefined;
  let grossPercent: Decimal | undefined;
  let netProfit: Decimal | undefined;
  let netPercent: Decimal | undefined;
  const ev: TriEvaluation = {
    strategy: 'triangular', exchange: i.books[0].market.exchange, path: i.cycle.path, start: i.cycle.start,
    get legs() {
      return (legs ??= walked.map((l, k) => legResult(i, k, l)));
    },
    get size() {
      return (size ??= toDecimal(f.size));
    },
    get grossProfit() {
      return (grossProfit ??= toDecimal(f.grossProfit));
    },
    get grossPercent() {
      return (grossPercent ??= f.grossPercent.decimal());
    },
    get netProfit() {
      return (netProfit ??= toDecimal(f.netProfit));
    },
    get netPercent() {
      return (netPercent ??= f.netPercent.decimal());
    },
    thresholdPercent: i.params.thresholdPercent,
  };
  if (rejection) ev.rejection = rejection;
  return ev;
}

const NONE: Figures = { size: S_ZERO, grossProfit: S_ZERO, grossPercent: ZERO_PERCENT, netProfit: S_ZERO, netPercent: ZERO_PERCENT };

interface MarketRules {
  from: Market;
  step: Scaled;
  places: number | undefined;
  minAmount: Scaled;
  minNotional: Scaled;
}

const marketRules = new WeakMap<Market, MarketRules>();

/** A market's step and minimums in scaled form, converted again if any of them was replaced. */
function rulesOfMarket(m: Market): MarketRules {
  const known = marketRules.get(m);
  if (known && known.from.amountStep === m.amountStep && known.from.minAmount === m.minAmount && known.from.minNotional === m.minNotional) return known;
  const step = num(m.amountStep);
  if (sign(step) <= 0) throw NOT_FIXED;
  const r = { from: { ...m }, step, places: powerOfTenPlaces(step), minAmount: num(m.minAmount), minNotional: num(m.minNotional) };
  marketRules.set(m, r);
  return r;
}

function rulesOf(i: TriInput, k: number): LegRules {
  const { market, book } = i.books[k]!;
  const m = rulesOfMarket(market);
  const levels = i.cycle.legs[k]!.side === 'buy' ? book.asks : book.bids;
  return { levels, side: scaledSide(levels), step: m.step, places: m.places, minAmount: m.minAmount, minNotional: m.minNotional };
}

/** The last capital / USD value division: a scan evaluates many cycles with the same two. */
let lastCapital: { usd: Decimal; per: Decimal; v: Scaled } | undefined;

function capitalOf(i: TriInput): Scaled {
  if (lastCapital?.usd !== i.capitalUsd || lastCapital.per !== i.usdPerStart) {
    lastCapital = { usd: i.capitalUsd, per: i.usdPerStart, v: divide(num(i.capitalUsd), num(i.usdPerStart)) };
  }
  return lastCapital.v;
}

function evaluate(i: TriInput): TriEvaluation | undefined {
  const capital = capitalOf(i);
  if (sign(capital) <= 0) return evaluation(i, [], NONE, reject('NO_CAPITAL', { capitalUsd: i.capitalUsd }));
  const startFree = num(i.startFree);
  if (sign(startFree) <= 0) return evaluation(i, [], NONE, reject('INSUFFICIENT_BALANCE', { asset: i.cycle.start, free: i.startFree }));
  let amount = lte(capital, startFree) ? capital : startFree;
  const rules = [rulesOf(i, 0), rulesOf(i, 1), rulesOf(i, 2)];
  const fees: Scaled[] = [];
  const multiple = num(i.params.depthMultiple);
  let walked = walkCycle(i, rules, amount, fees);
  if (!walked.problem) {
    // Depth check: shrink once so every leg's top levels cover `multiple` x its amount.
    const d = depthRatio(i, rules, walked.legs, multiple);
    if (d.ratio && lt(d.ratio, S_ONE)) {
      // 0.999: a smaller first leg gets a better average price, so later legs shrink slightly less.
      amount = mul(mul(amount, d.ratio), SHRINK);
      walked = walkCycle(i, rules, amount, fees);
      const again = walked.problem ? undefined : depthRatio(i, rules, walked.legs, multiple);
      if (walked.problem || (again?.ratio && lt(again.ratio, S_ONE))) {
        walked.problem = reject('DEPTH_INSUFFICIENT', { market: d.where, top: new DecimalFigure(d.depth), multiple: i.params.depthMultiple, wanted: new DecimalFigure(d.amount), cause: walked.problem?.code ?? 'still too deep' });
      }
    }
  }
  if (walked.problem) return evaluation(i, walked.legs, { ...NONE, size: walked.spent }, walked.problem);
  const gross = walkCycle(i, rules, amount, undefined);
  const size = walked.spent;
  const netProfit = sub(walked.final, size);
  const grossProfit = sub(gross.final, gross.spent);
  // A zero size divides by zero in decimal.js (NaN or an infinity): its path decides that one.
  if (isZero(size)) throw NOT_FIXED;
  const f: Figures = {
    size, netProfit, netPercent: new LazyPercent(netProfit, size),
    grossProfit, grossPercent: isZero(gross.spent) ? ZERO_PERCENT : new LazyPercent(grossProfit, gross.spent),
  };
  const sizeUsd = mul(size, num(i.usdPerStart));
  if (lt(sizeUsd, num(i.params.minTradeUsd))) {
    const binding = lt(startFree, capital) ? 'INSUFFICIENT_BALANCE' : 'BELOW_MIN_TRADE';
    return evaluation(i, walked.legs, f, reject(binding, { sizeUsd: new DecimalFigure(sizeUsd), minTradeUsd: i.params.minTradeUsd, free: i.startFree }));
  }
  const plausible = i.params.maxPlausibleGrossPercent;
  if (plausible && f.grossPercent.cmp(num(plausible)) > 0) {
    return evaluation(i, walked.legs, f, reject('IMPLAUSIBLE_PROFIT', { gross: new PercentFigure(f.grossPercent, 4), max: new PercentFigure(plausible, 2), path: i.cycle.path }));
  }
  if (f.netPercent.cmp(num(i.params.thresholdPercent)) < 0) {
    return evaluation(i, walked.legs, f, reject('NET_BELOW_THRESHOLD', {
      net: new PercentFigure(f.netPercent, 4), threshold: new PercentFigure(i.params.thresholdPercent, 2), gross: new PercentFigure(f.grossPercent, 4), netProfit: new DecimalFigure(netProfit),
    }));
  }
  return evaluation(i, walked.legs, f, undefined);
}
