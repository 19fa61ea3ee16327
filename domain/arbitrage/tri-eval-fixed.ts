import { isDecimal, ZERO, type Decimal } from '../money/decimal';
import * as scaled from '../fixed/scaled-decimal';
import type { Scaled } from '../fixed/scaled-decimal';
import type { ExchangeId, Market, Symbol } from '../market';
import type { BookLevel } from '../orderbook';
import { LazyFigure, pct, reject, type GateRejection } from './rejection';
import type { TriEvaluation, TriInput, TriLegResult } from './tri-eval';
import type { DecisionContext } from './threshold';
import type { TriCycle } from './tri-graph';

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
const { add, cmp, cmpQuotient, div, floorQuotientSum, fromDecimal, isZero, lt, lte, mul, mulExact, powerOfTenPlaces, quantizeDown, S_ONE, S_ZERO, shifted, sign, sub, toDecimal } = scaled;
const isSafe = Number.isSafeInteger;

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
 * A market's book side in scaled form as the walks reach its levels, kept from one evaluation to
 * the next (a scan walks each book for many cycles, and a new copy of a book mostly reuses the
 * previous copy's level Decimals) beside the Decimals they came from: a level's scaled form is
 * used only while its Decimal is the very same object (Decimals are immutable; a level replaced,
 * in place or in a new copy, is converted again). One per market and side, whatever array the
 * levels come in: keyed by array, every book update added a WeakMap entry (#17).
 */
interface ScaledSide {
  prices: Scaled[];
  amounts: Scaled[];
  fromPrice: Decimal[];
  fromAmount: Decimal[];
  /** The sum of the top `depthCount` levels' amounts, while those are `depthFrom` (depthOf). */
  depth: Scaled | undefined;
  depthCount: number;
  depthFrom: Decimal[];
  /** depth / multiple (rounded as Decimal), for `perMultipleOf`, while `depth` stands. */
  perMultiple: Scaled | undefined;
  perMultipleOf: Scaled | undefined;
}

function scaledSide(): ScaledSide {
  return { prices: [], amounts: [], fromPrice: [], fromAmount: [], depth: undefined, depthCount: 0, depthFrom: [], perMultiple: undefined, perMultipleOf: undefined };
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
  /** What the leg receives before its fee. */
  gross: Scaled;
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

/*
 * The walks below run first on plain numbers: a level's price and amount are safe integers at
 * their own scale (value = n x 10^-s) and so is every sum and product the walk makes while it
 * stays below 2^53, which Number.isSafeInteger proves after each step (a product or sum of
 * integers that comes out below 2^53 is exact; one that should not comes out at or above it).
 * Exact results of at most 16 digits are what decimal.js's 40-digit operations give too, so the
 * figures are the same; no object per operation. The first step that is not proven exact (or a
 * BigInt operand, e.g. a 40-digit start amount) hands the whole walk to the Scaled path.
 */

/** The scale of the last `addUnits` result (a second return value without an object). */
let unitsScale = 0;

/** x x 10^-xs + y x 10^-ys in units of 10^-unitsScale; not a safe integer when it is not exact. */
function addUnits(x: number, xs: number, y: number, ys: number): number {
  if (xs === ys) {
    unitsScale = xs;
    return x + y;
  }
  if (xs > ys) {
    unitsScale = xs;
    return x + shifted(y, xs - ys);
  }
  unitsScale = ys;
  return shifted(x, ys - xs) + y;
}

/** Sign of x x 10^-xs - y x 10^-ys, NaN when the alignment is not exact. */
function cmpUnits(x: number, xs: number, y: number, ys: number): number {
  const u = xs >= ys ? x : shifted(x, ys - xs);
  const v = xs >= ys ? shifted(y, xs - ys) : y;
  return u !== u || v !== v ? NaN : u < v ? -1 : u > v ? 1 : 0;
}

/** orderAmountForQuote on numbers; undefined: not proven exact, or a level divides (the Scaled path decides). */
function orderAmountForQuoteUnits(r: LegRules, budget: Scaled): Scaled | undefined {
  let rn = budget.n;
  let rs = budget.s;
  if (typeof rn !== 'number') return undefined;
  let fn = 0;
  let fs = 0;
  const levels = r.levels;
  for (let k = 0; k < levels.length; k += 1) {
    if (rn <= 0) break;
    const amount = amountAt(r, k);
    const price = priceAt(r, k);
    const an = amount.n;
    const pn = price.n;
    if (typeof an !== 'number' || typeof pn !== 'number') return undefined;
    const cost = an * pn + 0;
    const cs = amount.s + price.s;
    if (!isSafe(cost)) return undefined;
    const c = cmpUnits(cost, cs, rn, rs);
    if (c !== c) return undefined;
    if (c > 0) {
      // The budget ends inside this level: the floor of the exact amount when proven, else divide.
      if (r.places !== undefined && pn > 0 && fn >= 0) return floorQuotientSum({ n: fn, s: fs }, { n: rn, s: rs }, price, r.places);
      return undefined;
    }
    if (an <= 0) continue;
    fn = addUnits(fn, fs, an, amount.s);
    fs = unitsScale;
    rn = addUnits(rn, rs, -cost, cs);
    rs = unitsScale;
    if (!isSafe(fn) || !isSafe(rn)) return undefined;
  }
  return quantizeDown({ n: fn, s: fs }, r.step, r.places);
}

/**
 * The order amount of a buy sized in quote: walkBookForQuote's filled amount quantized down to the
 * step. A budget that ends inside a level takes the floor of the exact amount when that is proven
 * to be what the 40-digit division and sum would round to (floorQuotientSum), else divides.
 */
function orderAmountForQuote(r: LegRules, budget: Scaled): Scaled {
  const fast = orderAmountForQuoteUnits(r, budget);
  if (fast) return fast;
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

/** walkForBase on numbers; false: not proven exact (the Scaled path walks it). */
function walkForBaseUnits(r: LegRules, amount: Scaled): boolean {
  const n0 = amount.n;
  if (typeof n0 !== 'number') return false;
  let rn = n0;
  let rs = amount.s;
  let qn = 0;
  let qs = 0;
  let worstPrice = ZERO;
  const levels = r.levels;
  for (let k = 0; k < levels.length; k += 1) {
    if (rn <= 0) break;
    const available = amountAt(r, k);
    const an = available.n;
    if (typeof an !== 'number') return false;
    const c = cmpUnits(rn, rs, an, available.s);
    if (c !== c) return false;
    const tn = c <= 0 ? rn : an;
    const ts = c <= 0 ? rs : available.s;
    if (tn <= 0) continue;
    const price = priceAt(r, k);
    const pn = price.n;
    if (typeof pn !== 'number') return false;
    const product = tn * pn + 0;
    if (!isSafe(product)) return false;
    qn = addUnits(qn, qs, product, ts + price.s);
    qs = unitsScale;
    rn = addUnits(rn, rs, -tn, ts);
    rs = unitsScale;
    if (!isSafe(qn) || !isSafe(rn)) return false;
    worstPrice = levels[k]!.price;
  }
  const filled = addUnits(n0, amount.s, -rn, rs);
  if (!isSafe(filled)) return false;
  baseWalk.filled = { n: filled, s: unitsScale };
  baseWalk.quote = { n: qn, s: qs };
  baseWalk.worstPrice = worstPrice;
  baseWalk.complete = rn <= 0;
  return true;
}

function walkForBase(r: LegRules, amount: Scaled): void {
  if (walkForBaseUnits(r, amount)) return;
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
  let f = known[k];
  if (f === undefined) {
    const m = i.books[k]!.market;
    const d = i.fee(m.exchange, m.symbol, i.cycle.legs[k]!.side);
    const plan = plans.get(i.cycle)!;
    if (plan.feeFrom[k] !== d) {
      plan.fees[k] = num(d);
      plan.feeFrom[k] = d;
    }
    f = known[k] = plan.fees[k]!;
  }
  return f;
}

/**
 * `fees` undefined: the walk without fees (the gross edge). `first`: that walk's first leg is the
 * fee-paying walk's of the same amount (the same order, book and checks; only the fee differs),
 * so it starts from that leg's gross instead of walking the start amount (often a 40-digit
 * quotient) again.
 */
function walkCycle(i: TriInput, rules: readonly LegRules[], amount: Scaled, fees: Scaled[] | undefined, first?: FixedLeg): FixedWalk {
  const legs: FixedLeg[] = [];
  let have = amount;
  let spentFirst = S_ZERO;
  let k0 = 0;
  if (first) {
    legs.push(first);
    spentFirst = first.spent;
    have = first.gross;
    k0 = 1;
  }
  for (let k = k0; k < 3; k += 1) {
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
    legs.push({ amount: orderAmount, gross, worstPrice, spent, received, fee, quote, filled });
    if (k === 0) spentFirst = spent;
    have = received;
  }
  return { legs, spent: spentFirst, final: have };
}

/**
 * Base volume of a side's first `count` levels, summed as depthOfTopLevels does; kept until one of
 * those levels' amounts is another Decimal (a scan checks each book's depth for many cycles).
 */
function depthOf(r: LegRules, count: number): Scaled {
  const n = Math.min(count, r.levels.length);
  const side = r.side;
  if (side.depth && side.depthCount === n && side.depthFrom.length === n) {
    let k = 0;
    while (k < n && side.depthFrom[k] === r.levels[k]!.amount) k += 1;
    if (k === n) return side.depth;
  }
  let total = S_ZERO;
  side.depthFrom.length = n;
  for (let k = 0; k < n; k += 1) {
    total = add(total, amountAt(r, k));
    side.depthFrom[k] = r.levels[k]!.amount;
  }
  side.depth = total;
  side.depthCount = n;
  side.perMultiple = undefined;
  return total;
}

/** depth / multiple as the depth check divides it, kept beside the side's depth. */
function depthPerMultiple(r: LegRules, depth: Scaled, multiple: Scaled): Scaled {
  const side = r.side;
  if (side.depth !== depth || side.perMultipleOf !== multiple || !side.perMultiple) {
    side.perMultiple = divide(depth, multiple);
    side.perMultipleOf = multiple;
  }
  return side.perMultiple;
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
    const ratio = shortRatio(rules[k]!, i.params.depthLevels, l.amount, multiple, true);
    if (ratio && (worst.ratio === undefined || lt(ratio, worst.ratio))) worst = { ratio, where: where(i, k), depth: rules[k]!.side.depth!, amount: l.amount };
  }
  return worst;
}

/**
 * A leg's (top levels / multiple) / amount when it is below 1, else undefined (such a leg can
 * neither be the smallest ratio below 1 nor change a decision). `value` false: any value below 1
 * will do (the check after the shrink only asks whether some leg is still short).
 */
function shortRatio(r: LegRules, levels: number, amount: Scaled, multiple: Scaled, value: boolean): Scaled | undefined {
  const depth = depthOf(r, levels);
  if (cmp(depth, mulExact(amount, multiple)) >= 0) return undefined;
  const perMultiple = depthPerMultiple(r, depth, multiple);
  // The rounded quotient against 1 without dividing (cmpQuotient: 1 has one digit).
  if (sign(amount) > 0 && cmpQuotient(perMultiple, amount, S_ONE) >= 0) return undefined;
  const ratio = value ? divide(perMultiple, amount) : S_ZERO;
  return value && !lt(ratio, S_ONE) ? undefined : ratio;
}

/** True when some leg is still short after the shrink (depthRatio's ratio below 1). */
function someLegShort(i: TriInput, rules: readonly LegRules[], legs: FixedLeg[], multiple: Scaled): boolean {
  for (let k = 0; k < legs.length; k += 1) {
    if (shortRatio(rules[k]!, i.params.depthLevels, legs[k]!.amount, multiple, sign(legs[k]!.amount) <= 0)) return true;
  }
  return false;
}

/**
 * A leg as the evaluation reports it (built when the evaluation's legs are first read). The VWAP
 * (a division) only if someone reads it, as walkBookForBase does.
 */
class FixedLegResult implements TriLegResult {
  readonly exchange: ExchangeId;
  readonly symbol: Symbol;
  readonly side: 'buy' | 'sell';
  readonly amount: Decimal;
  readonly worstPrice: Decimal;
  readonly spent: Decimal;
  readonly received: Decimal;
  readonly fee: Decimal;
  #vwap: Decimal | undefined;
  readonly #leg: FixedLeg;

  constructor(i: TriInput, k: number, l: FixedLeg) {
    const { market } = i.books[k]!;
    this.exchange = market.exchange;
    this.symbol = market.symbol;
    this.side = i.cycle.legs[k]!.side;
    this.amount = toDecimal(l.amount);
    this.worstPrice = l.worstPrice;
    this.spent = toDecimal(l.spent);
    this.received = toDecimal(l.received);
    this.fee = toDecimal(l.fee);
    this.#leg = l;
  }

  get vwap(): Decimal {
    const l = this.#leg;
    return (this.#vwap ??= isZero(l.filled) ? ZERO : toDecimal(div(l.quote, l.filled)));
  }

  toJSON(): TriLegResult {
    const { exchange, symbol, side, amount, worstPrice, vwap, spent, received, fee } = this;
    return { exchange, symbol, side, amount, worstPrice, spent, received, fee, vwap };
  }
}

interface Figures {
  size: Scaled;
  grossProfit: Scaled;
  grossPercent: LazyPercent;
  netProfit: Scaled;
  netPercent: LazyPercent;
}

/**
 * The evaluation, with its legs and figures as Decimals made on first read: a scan reads few of
 * most evaluations'. A class with getters on its prototype, not an object literal with getters:
 * V8 builds such a literal in dictionary mode through the runtime, which cost more per
 * evaluation than the arithmetic (#17). JSON and logs see the same plain fields (`toJSON`).
 */
class FixedEvaluation implements TriEvaluation {
  readonly strategy = 'triangular' as const;
  readonly exchange: ExchangeId;
  readonly path: string;
  readonly start: string;
  readonly thresholdPercent: Decimal;
  context?: DecisionContext;
  rejection?: GateRejection;
  readonly #i: TriInput;
  readonly #walked: readonly FixedLeg[];
  readonly #f: Figures;
  #legs: TriLegResult[] | undefined;
  #size: Decimal | undefined;
  #grossProfit: Decimal | undefined;
  #netProfit: Decimal | undefined;

  constructor(i: TriInput, walked: readonly FixedLeg[], f: Figures, rejection: GateRejection | undefined) {
    this.exchange = i.books[0].market.exchange;
    this.path = i.cycle.path;
    this.start = i.cycle.start;
    this.thresholdPercent = i.params.thresholdPercent;
    if (rejection) this.rejection = rejection;
    this.#i = i;
    this.#walked = walked;
    this.#f = f;
  }

  get legs(): TriLegResult[] {
    return (this.#legs ??= this.#walked.map((l, k) => new FixedLegResult(this.#i, k, l)));
  }

  get size(): Decimal {
    return (this.#size ??= toDecimal(this.#f.size));
  }

  get grossProfit(): Decimal {
    return (this.#grossProfit ??= toDecimal(this.#f.grossProfit));
  }

  get grossPercent(): Decimal {
    return this.#f.grossPercent.decimal();
  }

  get netProfit(): Decimal {
    return (this.#netProfit ??= toDecimal(this.#f.netProfit));
  }

  get netPercent(): Decimal {
    return this.#f.netPercent.decimal();
  }

  toJSON(): TriEvaluation {
    const { strategy, exchange, path, start, legs, size, grossProfit, grossPercent, netProfit, netPercent, thresholdPercent, rejection, context } = this;
    return { strategy, exchange, path, start, legs, size, grossProfit, grossPercent, netProfit, netPercent, thresholdPercent, ...(rejection ? { rejection } : {}), ...(context ? { context } : {}) };
  }
}

function evaluation(i: TriInput, walked: readonly FixedLeg[], f: Figures, rejection: GateRejection | undefined): TriEvaluation {
  return new FixedEvaluation(i, walked, f, rejection);
}

const NONE: Figures = { size: S_ZERO, grossProfit: S_ZERO, grossPercent: ZERO_PERCENT, netProfit: S_ZERO, netPercent: ZERO_PERCENT };

interface MarketRules {
  from: Market;
  step: Scaled;
  places: number | undefined;
  minAmount: Scaled;
  minNotional: Scaled;
  /** The market's two book sides in scaled form (a buy walks the asks). */
  asks: ScaledSide;
  bids: ScaledSide;
}

const marketRules = new WeakMap<Market, MarketRules>();

/** A market's step and minimums in scaled form, converted again if any of them was replaced. */
function rulesOfMarket(m: Market): MarketRules {
  const known = marketRules.get(m);
  if (known && known.from.amountStep === m.amountStep && known.from.minAmount === m.minAmount && known.from.minNotional === m.minNotional) return known;
  const step = num(m.amountStep);
  if (sign(step) <= 0) throw NOT_FIXED;
  const r = { from: { ...m }, step, places: powerOfTenPlaces(step), minAmount: num(m.minAmount), minNotional: num(m.minNotional), asks: scaledSide(), bids: scaledSide() };
  marketRules.set(m, r);
  return r;
}

/**
 * What a cycle's evaluation keeps from one call to the next (a scan evaluates the same cycles on
 * every update of their books): each leg's market rules, book side and fee in scaled form, each
 * used only while the Decimal or array it came from is the very same object.
 */
interface CyclePlan {
  legs: [LegRules, LegRules, LegRules];
  markets: (Market | undefined)[];
  rules: (MarketRules | undefined)[];
  feeFrom: (Decimal | undefined)[];
  fees: Scaled[];
}

const plans = new WeakMap<TriCycle, CyclePlan>();

function planOf(i: TriInput): CyclePlan {
  let plan = plans.get(i.cycle);
  if (!plan) {
    const leg = (): LegRules => ({ levels: [], side: scaledSide(), step: S_ONE, places: 0, minAmount: S_ZERO, minNotional: S_ZERO });
    plan = { legs: [leg(), leg(), leg()], markets: [], rules: [], feeFrom: [], fees: [] };
    plans.set(i.cycle, plan);
  }
  for (let k = 0; k < 3; k += 1) {
    const { market, book } = i.books[k]!;
    let m = plan.rules[k];
    if (plan.markets[k] !== market || !m || m.from.amountStep !== market.amountStep || m.from.minAmount !== market.minAmount || m.from.minNotional !== market.minNotional) {
      m = rulesOfMarket(market);
      plan.markets[k] = market;
      plan.rules[k] = m;
    }
    // One LegRules per leg, refreshed in place: an evaluation runs to its end before the next starts.
    const r = plan.legs[k]!;
    const buy = i.cycle.legs[k]!.side === 'buy';
    r.levels = buy ? book.asks : book.bids;
    r.side = buy ? m.asks : m.bids;
    r.step = m.step;
    r.places = m.places;
    r.minAmount = m.minAmount;
    r.minNotional = m.minNotional;
  }
  return plan;
}

/** The last Decimal of one input field in scaled form (a scan passes the same ones again and again). */
class LastScaled {
  private from: Decimal | undefined;
  private v: Scaled = S_ZERO;

  of(d: Decimal): Scaled {
    if (d !== this.from) {
      this.v = num(d);
      this.from = d;
    }
    return this.v;
  }
}

const startFreeIn = new LastScaled();
const capitalUsdIn = new LastScaled();
const multipleIn = new LastScaled();
const usdPerStartIn = new LastScaled();
const minTradeIn = new LastScaled();
const plausibleIn = new LastScaled();
const thresholdIn = new LastScaled();

/** capital / USD value per start currency's USD value (a scan alternates between a few starts). */
const capitals = new WeakMap<Decimal, { usd: Decimal; v: Scaled }>();

function capitalOf(i: TriInput): Scaled {
  const known = capitals.get(i.usdPerStart);
  if (known?.usd === i.capitalUsd) return known.v;
  const v = divide(num(i.capitalUsd), num(i.usdPerStart));
  capitals.set(i.usdPerStart, { usd: i.capitalUsd, v });
  return v;
}

function evaluate(i: TriInput): TriEvaluation | undefined {
  // capital = capitalUsd / usdPerStart, divided out only when it is the amount: its sign is the
  // operands' (a 40-digit quotient of non-zero figures is never 0), and its order against the
  // free balance is the rounded quotient's without the division (cmpQuotient), so a cycle sized
  // by its balance never divides (#17).
  const usd = usdPerStartIn.of(i.usdPerStart);
  if (isZero(usd)) throw NOT_FIXED;
  if (sign(capitalUsdIn.of(i.capitalUsd)) * sign(usd) <= 0) return evaluation(i, [], NONE, reject('NO_CAPITAL', { capitalUsd: i.capitalUsd }));
  const startFree = startFreeIn.of(i.startFree);
  if (sign(startFree) <= 0) return evaluation(i, [], NONE, reject('INSUFFICIENT_BALANCE', { asset: i.cycle.start, free: i.startFree }));
  const capitalVsFree = sign(usd) > 0 ? cmpQuotient(capitalUsdIn.of(i.capitalUsd), usd, startFree) : cmp(capitalOf(i), startFree);
  let amount = capitalVsFree <= 0 ? capitalOf(i) : startFree;
  const rules = planOf(i).legs;
  const fees: Scaled[] = [];
  const multiple = multipleIn.of(i.params.depthMultiple);
  let walked = walkCycle(i, rules, amount, fees);
  if (!walked.problem) {
    // Depth check: shrink once so every leg's top levels cover `multiple` x its amount.
    const d = depthRatio(i, rules, walked.legs, multiple);
    if (d.ratio && lt(d.ratio, S_ONE)) {
      // 0.999: a smaller first leg gets a better average price, so later legs shrink slightly less.
      amount = mul(mul(amount, d.ratio), SHRINK);
      walked = walkCycle(i, rules, amount, fees);
      if (walked.problem || someLegShort(i, rules, walked.legs, multiple)) {
        walked.problem = reject('DEPTH_INSUFFICIENT', { market: d.where, top: new DecimalFigure(d.depth), multiple: i.params.depthMultiple, wanted: new DecimalFigure(d.amount), cause: walked.problem?.code ?? 'still too deep' });
      }
    }
  }
  if (walked.problem) return evaluation(i, walked.legs, { ...NONE, size: walked.spent }, walked.problem);
  const gross = walkCycle(i, rules, amount, undefined, walked.legs[0]);
  const size = walked.spent;
  const netProfit = sub(walked.final, size);
  const grossProfit = sub(gross.final, gross.spent);
  // A zero size divides by zero in decimal.js (NaN or an infinity): its path decides that one.
  if (isZero(size)) throw NOT_FIXED;
  const f: Figures = {
    size, netProfit, netPercent: new LazyPercent(netProfit, size),
    grossProfit, grossPercent: isZero(gross.spent) ? ZERO_PERCENT : new LazyPercent(grossProfit, gross.spent),
  };
  const sizeUsd = mul(size, usd);
  if (lt(sizeUsd, minTradeIn.of(i.params.minTradeUsd))) {
    const binding = capitalVsFree > 0 ? 'INSUFFICIENT_BALANCE' : 'BELOW_MIN_TRADE';
    return evaluation(i, walked.legs, f, reject(binding, { sizeUsd: new DecimalFigure(sizeUsd), minTradeUsd: i.params.minTradeUsd, free: i.startFree }));
  }
  const plausible = i.params.maxPlausibleGrossPercent;
  if (plausible && f.grossPercent.cmp(plausibleIn.of(plausible)) > 0) {
    return evaluation(i, walked.legs, f, reject('IMPLAUSIBLE_PROFIT', { gross: new PercentFigure(f.grossPercent, 4), max: new PercentFigure(plausible, 2), path: i.cycle.path }));
  }
  if (f.netPercent.cmp(thresholdIn.of(i.params.thresholdPercent)) < 0) {
    return evaluation(i, walked.legs, f, reject('NET_BELOW_THRESHOLD', {
      net: new PercentFigure(f.netPercent, 4), threshold: new PercentFigure(i.params.thresholdPercent, 2), gross: new PercentFigure(f.grossPercent, 4), netProfit: new DecimalFigure(netProfit),
    }));
  }
  return evaluation(i, walked.legs, f, undefined);
}
