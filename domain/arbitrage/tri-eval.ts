import { Decimal, ONE, ZERO } from '../money/decimal';
import { quantizeAmountDown } from '../money/quantize';
import { depthOfTopLevels, walkBookForBase, walkBookForQuote } from '../orderbook';
import type { ExchangeId, Symbol } from '../market';
import type { TakerFeeFn } from './fees';
import { pct, reject, type GateRejection } from './rejection';
import type { MarketBook } from './stablecoins';
import type { TriCycle } from './tri-graph';
import type { DecisionContext } from './threshold';
import { evaluateCycleFixed } from './tri-eval-fixed';

export interface TriParams {
  thresholdPercent: Decimal;
  depthLevels: number;
  depthMultiple: Decimal;
  minTradeUsd: Decimal;
  /** See CrossParams.maxPlausibleGrossPercent. */
  maxPlausibleGrossPercent?: Decimal;
}

export interface TriInput {
  cycle: TriCycle;
  books: readonly [MarketBook, MarketBook, MarketBook];
  /** Free balance of the start currency on this exchange. */
  startFree: Decimal;
  /** The triangular share of the Q-bot's capital, USD. */
  capitalUsd: Decimal;
  /** USD value of one unit of the start currency. */
  usdPerStart: Decimal;
  fee: TakerFeeFn;
  params: TriParams;
}

export interface TriLegResult {
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  /** Base amount of the order, on the market's step. */
  amount: Decimal;
  worstPrice: Decimal;
  vwap: Decimal;
  /** Spent of `from`, received of `to` (after the fee). */
  spent: Decimal;
  received: Decimal;
  fee: Decimal;
}

export interface TriEvaluation {
  strategy: 'triangular';
  exchange: ExchangeId;
  path: string;
  start: string;
  legs: TriLegResult[];
  /** Start currency spent by the first leg; profits are in start-currency units. */
  size: Decimal;
  grossProfit: Decimal;
  grossPercent: Decimal;
  netProfit: Decimal;
  netPercent: Decimal;
  thresholdPercent: Decimal;
  /** The market context the threshold came from (why it was 0.8 % at 14:02); set by the hot path. */
  context?: DecisionContext;
  rejection?: GateRejection;
}

interface Walked {
  legs: TriLegResult[];
  spent: Decimal;
  final: Decimal;
  problem?: GateRejection;
}

/**
 * Runs `amount` of the start currency around the cycle: each leg walks its book on the right side,
 * rounds its order amount down to the market's step and pays its taker fee out of what it receives.
 * Dust left by rounding is not counted as returned (conservative).
 */
function walkCycle(i: TriInput, amount: Decimal, fees: ((leg: number) => Decimal) | undefined): Walked {
  const legs: TriLegResult[] = [];
  let have = amount;
  let spentFirst = ZERO;
  for (let k = 0; k < 3; k += 1) {
    const leg = i.cycle.legs[k]!;
    const { market, book } = i.books[k]!;
    const f = fees ? fees(k) : ZERO;
    let orderAmount: Decimal;
    let spent: Decimal;
    let gross: Decimal;
    let w;
    if (leg.side === 'buy') {
      orderAmount = quantizeAmountDown(walkBookForQuote(book.asks, have).filled, market.amountStep);
      w = walkBookForBase(book.asks, orderAmount);
      spent = w.quote;
      gross = orderAmount;
    } else {
      orderAmount = quantizeAmountDown(have, market.amountStep);
      w = walkBookForBase(book.bids, orderAmount);
      spent = orderAmount;
      gross = w.quote;
    }
    const where = () => `${market.exchange}:${market.symbol}`;
    if (!w.complete || orderAmount.isZero()) {
      return { legs, spent: spentFirst, final: ZERO, problem: reject('DEPTH_INSUFFICIENT', { market: where(), wanted: orderAmount, visible: w.filled }) };
    }
    if (orderAmount.lt(market.minAmount)) return { legs, spent: spentFirst, final: ZERO, problem: reject('BELOW_MIN_AMOUNT', { market: where(), amount: orderAmount, minAmount: market.minAmount }) };
    if (w.quote.lt(market.minNotional)) return { legs, spent: spentFirst, final: ZERO, problem: reject('BELOW_MIN_NOTIONAL', { market: where(), notional: w.quote, minNotional: market.minNotional }) };
    const fee = gross.times(f);
    const received = gross.minus(fee);
    const walk = w;
    // The VWAP (a division) is read from the walk only if someone reads this leg's.
    legs.push({
      exchange: market.exchange, symbol: market.symbol, side: leg.side, amount: orderAmount, worstPrice: w.worstPrice, spent, received, fee,
      get vwap() {
        return walk.vwap;
      },
    });
    if (k === 0) spentFirst = spent;
    have = received;
  }
  return { legs, spent: spentFirst, final: have };
}

/**
 * True when every leg's top levels hold at least `multiple` x its amount, proven without dividing:
 * depth >= multiple x amount (an exact product) implies depth / multiple / amount >= 1 after
 * each rounding too (rounding is monotonic and 1 and the amount are representable), so
 * `depthRatio` would find no leg below 1. When this says false, `depthRatio` decides.
 */
function depthSurelyCovered(i: TriInput, legs: TriLegResult[]): boolean {
  for (let k = 0; k < legs.length; k += 1) {
    const l = legs[k]!;
    const need = l.amount.times(i.params.depthMultiple);
    // Only an exact product proves anything (40 digits hold any step-rounded amount x multiple we meet).
    if (l.amount.precision() + i.params.depthMultiple.precision() > Decimal.precision) return false;
    const { book } = i.books[k]!;
    if (depthOfTopLevels(l.side === 'buy' ? book.asks : book.bids, i.params.depthLevels).lt(need)) return false;
  }
  return true;
}

/** The depth check per leg: the smallest ratio of (top levels / multiple) to the leg's amount. */
function depthRatio(i: TriInput, legs: TriLegResult[]): { ratio: Decimal; where: string; depth: Decimal; amount: Decimal } {
  let worst = { ratio: new Decimal(Infinity), where: '', depth: ZERO, amount: ZERO };
  legs.forEach((l, k) => {
    const { book } = i.books[k]!;
    const depth = depthOfTopLevels(l.side === 'buy' ? book.asks : book.bids, i.params.depthLevels);
    const ratio = depth.div(i.params.depthMultiple).div(l.amount);
    if (ratio.lt(worst.ratio)) worst = { ratio, where: `${l.exchange}:${l.symbol}`, depth, amount: l.amount };
  });
  return worst;
}

const SHRINK_SAFETY = new Decimal('0.999');

/**
 * One triangle, exactly: the scaled-integer evaluation (tri-eval-fixed.ts, the same figures to
 * the last unit, about ten times faster), or the decimal.js one below for inputs it cannot take
 * (a NaN or infinite figure, a zero divisor).
 */
export function evaluateCycle(i: TriInput): TriEvaluation {
  return evaluateCycleFixed(i) ?? evaluateCycleDecimal(i);
}

/** The evaluation in decimal.js: the reference the scaled-integer one is held to (property test). */
export function evaluateCycleDecimal(i: TriInput): TriEvaluation {
  const exchange = i.books[0].market.exchange;
  const out: TriEvaluation = {
    strategy: 'triangular', exchange, path: i.cycle.path, start: i.cycle.start, legs: [], size: ZERO,
    grossProfit: ZERO, grossPercent: ZERO, netProfit: ZERO, netPercent: ZERO, thresholdPercent: i.params.thresholdPercent,
  };
  const capital = i.capitalUsd.div(i.usdPerStart);
  if (capital.lte(ZERO)) return { ...out, rejection: reject('NO_CAPITAL', { capitalUsd: i.capitalUsd }) };
  if (i.startFree.lte(ZERO)) return { ...out, rejection: reject('INSUFFICIENT_BALANCE', { asset: i.cycle.start, free: i.startFree }) };
  let amount = capital.lte(i.startFree) || capital.isNaN() ? capital : i.startFree;
  // Each leg's fee read once for the whole evaluation (and only when a walk reaches that leg).
  const known: Decimal[] = [];
  const fees = (k: number): Decimal => {
    const m = i.books[k]!.market;
    return (known[k] ??= i.fee(m.exchange, m.symbol, i.cycle.legs[k]!.side));
  };
  let walked = walkCycle(i, amount, fees);
  if (!walked.problem && !depthSurelyCovered(i, walked.legs)) {
    // Depth check: shrink once so every leg's top levels cover `multiple` x its amount.
    const d = depthRatio(i, walked.legs);
    if (d.ratio.lt(ONE)) {
      // 0.999: a smaller first leg gets a better average price, so later legs shrink slightly less.
      amount = amount.times(d.ratio).times(SHRINK_SAFETY);
      walked = walkCycle(i, amount, fees);
      const again = walked.problem ? undefined : depthRatio(i, walked.legs);
      if (walked.problem || (again && again.ratio.lt(ONE))) {
        walked.problem = reject('DEPTH_INSUFFICIENT', { market: d.where, top: d.depth, multiple: i.params.depthMultiple, wanted: d.amount, cause: walked.problem?.code ?? 'still too deep' });
      }
    }
  }
  if (walked.problem) return { ...out, legs: walked.legs, size: walked.spent, rejection: walked.problem };
  const gross = walkCycle(i, amount, undefined);
  const size = walked.spent;
  const netProfit = walked.final.minus(size);
  const grossProfit = gross.final.minus(gross.spent);
  const ev: TriEvaluation = {
    ...out, legs: walked.legs, size, netProfit, netPercent: netProfit.div(size).times(100),
    grossProfit, grossPercent: gross.spent.isZero() ? ZERO : grossProfit.div(gross.spent).times(100),
  };
  const sizeUsd = size.times(i.usdPerStart);
  if (sizeUsd.lt(i.params.minTradeUsd)) {
    const binding = i.startFree.lt(capital) ? 'INSUFFICIENT_BALANCE' : 'BELOW_MIN_TRADE';
    return { ...ev, rejection: reject(binding, { sizeUsd, minTradeUsd: i.params.minTradeUsd, free: i.startFree }) };
  }
  const plausible = i.params.maxPlausibleGrossPercent;
  if (plausible && ev.grossPercent.gt(plausible)) return { ...ev, rejection: reject('IMPLAUSIBLE_PROFIT', { gross: pct(ev.grossPercent, 4), max: pct(plausible), path: i.cycle.path }) };
  if (ev.netPercent.lt(i.params.thresholdPercent)) {
    return { ...ev, rejection: reject('NET_BELOW_THRESHOLD', { net: pct(ev.netPercent, 4), threshold: pct(i.params.thresholdPercent), gross: pct(ev.grossPercent, 4), netProfit }) };
  }
  return ev;
}
