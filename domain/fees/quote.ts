import { Decimal, ZERO, ONE, maxDecimal, minDecimal } from '../money/decimal';
import { formatDecimal } from '../money/format';
import { splitSymbol, type Symbol } from '../market';
import type { AccountFeeSchedule, FeeQuote, FeeQuoteContext, FeeRates, FeeSource, Liquidity } from './types';

const pct = (fraction: Decimal) => `${formatDecimal(fraction.times(100))} %`;
const usd = (x: Decimal) => `$${formatDecimal(x, 2)}`;

/** The schedule in force for one market: what the exchange said, else config per market, else default. */
export function scheduleFor(account: AccountFeeSchedule, symbol: Symbol, fromExchange?: FeeRates): { rates: FeeRates; source: FeeSource } {
  if (fromExchange) return { rates: fromExchange, source: 'exchange' };
  const m = account.markets[symbol];
  return m ? { rates: m, source: 'config-market' } : { rates: account.defaults, source: 'config-default' };
}

export interface QuoteInput {
  account: AccountFeeSchedule;
  symbol: Symbol;
  liquidity: Liquidity;
  /** Notional of the trade in USD; undefined when unknown (then no allowance and no discount). */
  notionalUsd: Decimal | undefined;
  /** Allowance already used this month (USD of notional). */
  allowanceUsedUsd: Decimal;
  fromExchange?: FeeRates;
  ctx?: FeeQuoteContext;
  /** The venue said the account does not pay fees in the discount asset (Binance's BNB switch off). */
  discountSwitchedOff?: boolean;
}

/**
 * The fee a trade will really pay. Order: schedule rate -> zero-fee allowance (blended when it
 * covers only part of the notional) -> discount asset (only when its balance is known to cover
 * the whole discounted fee, else the exchange would charge the quote at the full rate).
 * Unknown inputs never lower the fee: pricing a trade too cheaply is the costly mistake.
 */
export function quoteFee(q: QuoteInput): FeeQuote {
  const { rates, source } = scheduleFor(q.account, q.symbol, q.fromExchange);
  const scheduleRate = q.liquidity === 'taker' ? rates.taker : rates.maker;
  const reasons = [`${q.account.exchange} ${q.symbol} ${q.liquidity} ${pct(scheduleRate)} (${source})`];
  let rate = scheduleRate;
  let covered = ZERO;

  const allowance = q.account.allowance;
  if (allowance && rate.gt(ZERO)) {
    const remaining = maxDecimal(ZERO, allowance.monthlyVolumeUsd.minus(q.allowanceUsedUsd));
    if (q.notionalUsd === undefined) {
      reasons.push(`${allowance.name} allowance not applied: notional in USD unknown`);
    } else if (remaining.isZero()) {
      reasons.push(`${allowance.name} allowance used up this month (${usd(allowance.monthlyVolumeUsd)})`);
    } else if (q.notionalUsd.gt(ZERO)) {
      covered = minDecimal(remaining, q.notionalUsd);
      rate = rate.times(q.notionalUsd.minus(covered)).div(q.notionalUsd);
      reasons.push(`${allowance.name} covers ${usd(covered)} of ${usd(q.notionalUsd)} (${usd(remaining)} left this month)`);
    }
  }

  const { quote } = splitSymbol(q.symbol);
  let feeCurrency = quote;
  let discountApplied = false;
  const discount = q.account.discount;
  if (discount && rate.gt(ZERO) && q.discountSwitchedOff) {
    reasons.push(`no ${discount.asset} discount: paying fees in ${discount.asset} is switched off at the venue`);
  } else if (discount && rate.gt(ZERO)) {
    const discounted = rate.times(ONE.minus(discount.fraction));
    const needUsd = q.notionalUsd?.times(discounted);
    const have = q.ctx?.discountAssetValueUsd;
    if (needUsd !== undefined && have !== undefined && have.gte(needUsd)) {
      rate = discounted;
      feeCurrency = discount.asset;
      discountApplied = true;
      reasons.push(`paid in ${discount.asset}: ${pct(discount.fraction)} off`);
    } else {
      reasons.push(`no ${discount.asset} discount: ${have === undefined || needUsd === undefined ? 'balance or notional unknown' : `${usd(have)} of ${discount.asset} < fee ${usd(needUsd)}`}`);
    }
  }
  reasons.push(`=> ${pct(rate)} in ${feeCurrency}`);
  return { rate, scheduleRate, source, feeCurrency, discountApplied, allowanceCoveredUsd: covered, reason: reasons.join('; ') };
}

/** "2026-11" for a timestamp (ms, UTC): the period a monthly allowance counts in. */
export function allowanceMonth(at: number): string {
  const t = new Date(at);
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Start of the UTC calendar month containing `at` (ms). */
export function monthStartUtc(at: number): number {
  const t = new Date(at);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
}
