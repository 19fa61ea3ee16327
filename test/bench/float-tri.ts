/**
 * A float triangle walk: the yardstick for `exact_vs_float_ratio`. The same steps as the exact
 * evaluation (domain/arbitrage/tri-eval.ts: walk each leg's book, round the amount down to the
 * step, pay the taker fee out of what is received, depth check with one shrink, a gross walk
 * without fees, minimums, plausibility, threshold) in doubles, the way a float bot does it.
 * Benchmark only: never used for a decision anywhere.
 */
import type { OrderBook } from '../../domain/orderbook';
import type { Market } from '../../domain/market';
import type { TriCycle } from '../../domain/arbitrage';

export interface FloatSide {
  price: Float64Array;
  amount: Float64Array;
}

export interface FloatLegBook {
  bids: FloatSide;
  asks: FloatSide;
  step: number;
  minAmount: number;
  minNotional: number;
  fee: number;
}

/** A float bot keeps its books as doubles; converted once, outside the timed part. */
export function floatBook(book: OrderBook, m: Market, fee: number): FloatLegBook {
  const side = (levels: OrderBook['bids']): FloatSide => ({
    price: Float64Array.from(levels, (l) => l.price.toNumber()),
    amount: Float64Array.from(levels, (l) => l.amount.toNumber()),
  });
  return { bids: side(book.bids), asks: side(book.asks), step: m.amountStep.toNumber(), minAmount: m.minAmount.toNumber(), minNotional: m.minNotional.toNumber(), fee };
}

export interface FloatParams {
  thresholdPercent: number;
  depthLevels: number;
  depthMultiple: number;
  minTradeUsd: number;
  maxPlausibleGrossPercent: number;
}

export interface FloatTriResult {
  ok: boolean;
  netPercent: number;
  size: number;
}

const floorTo = (x: number, step: number) => Math.floor(x / step) * step;

function walkQuote(s: FloatSide, budget: number): number {
  let remaining = budget;
  let filled = 0;
  for (let i = 0; i < s.price.length && remaining > 0; i += 1) {
    const cost = s.amount[i]! * s.price[i]!;
    if (cost <= remaining) {
      filled += s.amount[i]!;
      remaining -= cost;
    } else {
      filled += remaining / s.price[i]!;
      remaining = 0;
    }
  }
  return filled;
}

/** [quote, complete] for `amount` of base. */
function walkBase(s: FloatSide, amount: number, out: Float64Array): void {
  let remaining = amount;
  let quote = 0;
  for (let i = 0; i < s.price.length && remaining > 0; i += 1) {
    const take = Math.min(remaining, s.amount[i]!);
    quote += take * s.price[i]!;
    remaining -= take;
  }
  out[0] = quote;
  out[1] = remaining <= 0 ? 1 : 0;
}

const scratch = new Float64Array(2);
const amounts = new Float64Array(3);
/** What the first leg spent of the start currency (the trade's size), set by walkCycle. */
let spentFirst = 0;

/** Start currency returned for `amount` (NaN when a leg cannot fill or is below a minimum). */
function walkCycle(c: TriCycle, b: readonly FloatLegBook[], amount: number, withFees: boolean): number {
  let have = amount;
  for (let k = 0; k < 3; k += 1) {
    const leg = c.legs[k]!;
    const m = b[k]!;
    let order: number;
    let gross: number;
    if (leg.side === 'buy') {
      order = floorTo(walkQuote(m.asks, have), m.step);
      walkBase(m.asks, order, scratch);
      gross = order;
    } else {
      order = floorTo(have, m.step);
      walkBase(m.bids, order, scratch);
      gross = scratch[0]!;
    }
    if (scratch[1] === 0 || order <= 0 || order < m.minAmount || scratch[0]! < m.minNotional) return NaN;
    amounts[k] = order;
    if (k === 0) spentFirst = leg.side === 'buy' ? scratch[0]! : order;
    have = withFees ? gross * (1 - m.fee) : gross;
  }
  return have;
}

function depthRatio(c: TriCycle, b: readonly FloatLegBook[], p: FloatParams): number {
  let worst = Infinity;
  for (let k = 0; k < 3; k += 1) {
    const s = c.legs[k]!.side === 'buy' ? b[k]!.asks : b[k]!.bids;
    let depth = 0;
    for (let i = 0; i < Math.min(p.depthLevels, s.amount.length); i += 1) depth += s.amount[i]!;
    worst = Math.min(worst, depth / p.depthMultiple / amounts[k]!);
  }
  return worst;
}

/** The float evaluation of one cycle; `size` is the start amount. */
export function floatEvaluateCycle(c: TriCycle, b: readonly FloatLegBook[], startFree: number, capitalUsd: number, usdPerStart: number, p: FloatParams): FloatTriResult {
  let amount = Math.min(capitalUsd / usdPerStart, startFree);
  if (!(amount > 0)) return { ok: false, netPercent: 0, size: 0 };
  let final = walkCycle(c, b, amount, true);
  if (Number.isNaN(final)) return { ok: false, netPercent: 0, size: amount };
  const d = depthRatio(c, b, p);
  if (d < 1) {
    amount = amount * d * 0.999;
    final = walkCycle(c, b, amount, true);
    if (Number.isNaN(final) || depthRatio(c, b, p) < 1) return { ok: false, netPercent: 0, size: amount };
  }
  const size = spentFirst;
  const gross = walkCycle(c, b, amount, false);
  const netPercent = ((final - size) / size) * 100;
  const grossPercent = ((gross - spentFirst) / spentFirst) * 100;
  const ok = size * usdPerStart >= p.minTradeUsd && grossPercent <= p.maxPlausibleGrossPercent && netPercent >= p.thresholdPercent;
  return { ok, netPercent, size };
}
