import { Decimal, ONE, ZERO } from '../money/decimal';
import { quantizeAmountDown } from '../money/quantize';
import { depthOfTopLevels, walkBookForBase, walkBookForQuote } from '../orderbook';
import type { ExchangeId, Symbol } from '../market';
import type { TakerFeeFn } from './fees';
import { pct, reject, type GateRejection } from './rejection';
import { commonStep } from './steps';
import type { Conversion, MarketBook, PegReading } from './stablecoins';
import type { DecisionContext } from './threshold';

export interface CrossParams {
  thresholdPercent: Decimal;
  depthLevels: number;
  depthMultiple: Decimal;
  rebalanceCostPercent: Decimal;
  minTradeUsd: Decimal;
  /**
   * Gross above this is taken for bad data (a frozen price, a delisted pair, a wrong book), not
   * for an opportunity: a careful trader looks before firing at it. Absent: no such check.
   */
  maxPlausibleGrossPercent?: Decimal;
}

export interface CrossInput {
  buy: MarketBook;
  sell: MarketBook;
  /** Free buy-quote on the buy venue and free base on the sell venue: inventory, no transfer. */
  buyQuoteFree: Decimal;
  sellBaseFree: Decimal;
  /** The cross-exchange share of the Q-bot's capital, USD. */
  capitalUsd: Decimal;
  /** USD value of one unit of the buy quote (1 for USD, the stable's live price otherwise). */
  usdPerBuyQuote: Decimal;
  fee: TakerFeeFn;
  /** Values proceeds in the sell quote in buy-quote units (identity when both quotes match). */
  convert: (amountInSellQuote: Decimal) => Conversion | undefined;
  depegged: ReadonlyMap<string, PegReading>;
  params: CrossParams;
}

export interface CrossLeg {
  exchange: ExchangeId;
  symbol: Symbol;
  side: 'buy' | 'sell';
  amount: Decimal;
  vwap: Decimal;
  /** The IOC limit: the last level the walk touched. */
  worstPrice: Decimal;
  /** Quote paid (buy) or received (sell) before fees. */
  quote: Decimal;
  fee: Decimal;
}

export interface CrossEvaluation {
  strategy: 'cross';
  base: string;
  buyQuote: string;
  sellQuote: string;
  /** "kraken:BTC/USD": where it buys and where it sells, also when rejected before sizing. */
  buyAt: string;
  sellAt: string;
  legs?: [CrossLeg, CrossLeg];
  size: Decimal;
  /** All money below is in buy-quote units. */
  cost: Decimal;
  grossProfit: Decimal;
  grossPercent: Decimal;
  netProfit: Decimal;
  netPercent: Decimal;
  rebalanceCost: Decimal;
  conversionVia?: string;
  thresholdPercent: Decimal;
  /** The market context the threshold came from (why it was 0.8 % at 14:02); set by the hot path. */
  context?: DecisionContext;
  rejection?: GateRejection;
}

type Binding = 'capital' | 'buy-balance' | 'sell-balance' | 'depth';

function baseEvaluation(i: CrossInput): CrossEvaluation {
  return {
    strategy: 'cross', base: i.buy.market.base, buyQuote: i.buy.market.quote, sellQuote: i.sell.market.quote,
    buyAt: `${i.buy.market.exchange}:${i.buy.market.symbol}`, sellAt: `${i.sell.market.exchange}:${i.sell.market.symbol}`,
    size: ZERO, cost: ZERO, grossProfit: ZERO, grossPercent: ZERO, netProfit: ZERO, netPercent: ZERO, rebalanceCost: ZERO,
    thresholdPercent: i.params.thresholdPercent,
  };
}

function emptyEvaluation(i: CrossInput, rejection: GateRejection): CrossEvaluation {
  return { ...baseEvaluation(i), rejection };
}

/**
 * One cross-exchange candidate, exactly: buy `size` of the base on the buy venue (walking its
 * asks), sell the same amount on the sell venue (walking its bids), both from inventory.
 * Net = proceeds after the sell fee, valued in the buy quote through the live stable books,
 * minus cost, minus the buy fee, minus the amortised rebalancing cost; all in Decimal.
 * Fees are valued in quote on both legs (a base-denominated fee is worth the same at this price).
 */
export function evaluateCross(i: CrossInput): CrossEvaluation {
  const { buy, sell, params: p } = i;
  for (const q of [buy.market.quote, sell.market.quote]) {
    const d = i.depegged.get(q);
    if (d?.status === 'no-view') return emptyEvaluation(i, reject('STABLE_NO_VIEW', { stable: q, peg: d.peg }));
    if (d) return emptyEvaluation(i, reject('STABLE_DEPEG', { stable: q, deviation: pct(d.deviationPercent, 3), band: d.status ?? 'exceeded', source: d.source }));
  }
  if (i.capitalUsd.lte(ZERO)) return emptyEvaluation(i, reject('NO_CAPITAL', { capitalUsd: i.capitalUsd }));
  const feeBuy = i.fee(buy.market.exchange, buy.market.symbol, 'buy');
  const feeSell = i.fee(sell.market.exchange, sell.market.symbol, 'sell');

  // Size: the smallest of capital, both inventories and what the depth check allows.
  const capitalQuote = i.capitalUsd.div(i.usdPerBuyQuote);
  const budget = Decimal.min(capitalQuote, i.buyQuoteFree).div(ONE.plus(feeBuy));
  const byBudget = walkBookForQuote(buy.book.asks, budget).filled;
  const depthBuy = depthOfTopLevels(buy.book.asks, p.depthLevels);
  const depthSell = depthOfTopLevels(sell.book.bids, p.depthLevels);
  const byDepth = Decimal.min(depthBuy, depthSell).div(p.depthMultiple);
  const limits: Array<[Binding, Decimal]> = [
    [capitalQuote.lte(i.buyQuoteFree) ? 'capital' : 'buy-balance', byBudget],
    ['sell-balance', i.sellBaseFree],
    ['depth', byDepth],
  ];
  let [binding, raw] = limits[0]!;
  for (const [b, v] of limits) if (v.lt(raw)) [binding, raw] = [b, v];
  const step = commonStep(buy.market.amountStep, sell.market.amountStep);
  const size = quantizeAmountDown(Decimal.max(raw, ZERO), step);
  const figures = { size, step, binding, buyQuoteFree: i.buyQuoteFree, sellBaseFree: i.sellBaseFree, depthBuy, depthSell, multiple: p.depthMultiple };
  if (size.isZero()) return emptyEvaluation(i, bindingRejection(binding, figures));

  const bw = walkBookForBase(buy.book.asks, size);
  const sw = walkBookForBase(sell.book.bids, size);
  const cost = bw.quote;
  const buyFee = cost.times(feeBuy);
  const sellFee = sw.quote.times(feeSell);
  const net = i.convert(sw.quote.minus(sellFee));
  const gross = i.convert(sw.quote);
  const rebalanceCost = cost.times(p.rebalanceCostPercent).div(100);
  const legs: [CrossLeg, CrossLeg] = [
    { exchange: buy.market.exchange, symbol: buy.market.symbol, side: 'buy', amount: size, vwap: bw.vwap, worstPrice: bw.worstPrice, quote: cost, fee: buyFee },
    { exchange: sell.market.exchange, symbol: sell.market.symbol, side: 'sell', amount: size, vwap: sw.vwap, worstPrice: sw.worstPrice, quote: sw.quote, fee: sellFee },
  ];
  if (!net || !gross) {
    const rejection = reject('NO_CONVERSION', { from: sell.market.quote, to: buy.market.quote });
    return { ...emptyEvaluation(i, rejection), legs, size, cost, rebalanceCost };
  }
  const grossProfit = gross.amountOutBeforeFee.minus(cost);
  const netProfit = net.amountOut.minus(cost).minus(buyFee).minus(rebalanceCost);
  const ev: CrossEvaluation = {
    ...baseEvaluation(i), legs, size, cost, rebalanceCost, conversionVia: net.via, grossProfit, grossPercent: grossProfit.div(cost).times(100),
    netProfit, netPercent: netProfit.div(cost).times(100),
  };
  const rejection = sizeAndProfitGates(i, ev, binding, figures);
  return rejection ? { ...ev, rejection } : ev;
}

function bindingRejection(binding: Binding, f: Record<string, Decimal | string>): GateRejection {
  if (binding === 'depth') return reject('DEPTH_INSUFFICIENT', f);
  if (binding === 'buy-balance' || binding === 'sell-balance') return reject('INSUFFICIENT_BALANCE', f);
  return reject('BELOW_MIN_AMOUNT', f);
}

function sizeAndProfitGates(i: CrossInput, ev: CrossEvaluation, binding: Binding, f: Record<string, Decimal | string>): GateRejection | undefined {
  const [b, s] = [i.buy.market, i.sell.market];
  const minAmount = Decimal.max(b.minAmount, s.minAmount);
  if (ev.size.lt(minAmount)) return reject('BELOW_MIN_AMOUNT', { size: ev.size, minAmount });
  if (ev.cost.lt(b.minNotional)) return reject('BELOW_MIN_NOTIONAL', { market: `${b.exchange}:${b.symbol}`, notional: ev.cost, minNotional: b.minNotional });
  const proceeds = ev.legs![1].quote;
  if (proceeds.lt(s.minNotional)) return reject('BELOW_MIN_NOTIONAL', { market: `${s.exchange}:${s.symbol}`, notional: proceeds, minNotional: s.minNotional });
  const costUsd = ev.cost.times(i.usdPerBuyQuote);
  if (costUsd.lt(i.params.minTradeUsd)) {
    if (binding !== 'capital') return bindingRejection(binding, { ...f, costUsd, minTradeUsd: i.params.minTradeUsd });
    return reject('BELOW_MIN_TRADE', { costUsd, minTradeUsd: i.params.minTradeUsd });
  }
  const plausible = i.params.maxPlausibleGrossPercent;
  if (plausible && ev.grossPercent.gt(plausible)) return reject('IMPLAUSIBLE_PROFIT', { gross: pct(ev.grossPercent, 4), max: pct(plausible) });
  if (ev.netPercent.lt(i.params.thresholdPercent)) {
    return reject('NET_BELOW_THRESHOLD', { net: pct(ev.netPercent, 4), threshold: pct(i.params.thresholdPercent), gross: pct(ev.grossPercent, 4), netProfit: ev.netProfit });
  }
  return undefined;
}
