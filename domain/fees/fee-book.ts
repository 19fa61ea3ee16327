import { Decimal, ZERO, maxDecimal } from '../money/decimal';
import type { ExchangeId, Symbol } from '../market';
import { allowanceMonth, quoteFee } from './quote';
import type { AccountFeeSchedule, FeeQuote, FeeQuoteContext, FeeRates } from './types';

export interface FeePaid {
  exchange: ExchangeId;
  at: number;
  currency: string;
  amount: Decimal;
  /** Notional (USD) this trade took from the zero-fee allowance. */
  allowanceUsedUsd?: Decimal;
}

export interface AllowanceUsage {
  name: string;
  month: string;
  limitUsd: Decimal;
  usedUsd: Decimal;
  remainingUsd: Decimal;
}

/**
 * Per account: the fee schedule in force per market, fees paid, and zero-fee allowance usage.
 * Pure state (no I/O, no clock): time comes in as arguments, and the adapter that owns the
 * ledger replays booked fees into it on start (`hydrateFeeBookFromLedger`).
 */
export class FeeBook {
  private readonly accounts = new Map<ExchangeId, AccountFeeSchedule>();
  private readonly fromExchange = new Map<string, { rates: FeeRates; at: number }>();
  private readonly allowanceUsed = new Map<string, Decimal>();
  private readonly paid = new Map<string, { exchange: ExchangeId; currency: string; amount: Decimal }>();

  constructor(accounts: AccountFeeSchedule[]) {
    for (const a of accounts) this.accounts.set(a.exchange, a);
  }

  private account(exchange: ExchangeId): AccountFeeSchedule {
    const a = this.accounts.get(exchange);
    // A missing schedule is a wiring bug: guessing a fee would misprice every trade.
    if (!a) throw new Error(`fee book has no schedule for ${exchange}`);
    return a;
  }

  /** The asset that earns a fee discount on this account (BNB on Binance), if any. */
  discountAsset(exchange: ExchangeId): string | undefined {
    return this.account(exchange).discount?.asset;
  }

  /** Rates the exchange reported for this account (fetchTradingFees): they win over config. */
  setExchangeRates(exchange: ExchangeId, symbol: Symbol, rates: FeeRates, at: number): void {
    if (rates.maker.isNegative() || rates.taker.isNegative() || rates.taker.gte(1) || rates.maker.gte(1)) {
      throw new Error(`implausible fee rates for ${exchange} ${symbol}: maker ${rates.maker.toFixed()}, taker ${rates.taker.toFixed()}`);
    }
    this.fromExchange.set(`${exchange}:${symbol}`, { rates, at });
  }

  effectiveTakerFee(exchange: ExchangeId, symbol: Symbol, notionalUsd: Decimal | undefined, at: number, ctx?: FeeQuoteContext): FeeQuote {
    return this.quote('taker', exchange, symbol, notionalUsd, at, ctx);
  }

  effectiveMakerFee(exchange: ExchangeId, symbol: Symbol, notionalUsd: Decimal | undefined, at: number, ctx?: FeeQuoteContext): FeeQuote {
    return this.quote('maker', exchange, symbol, notionalUsd, at, ctx);
  }

  private quote(liquidity: 'taker' | 'maker', exchange: ExchangeId, symbol: Symbol, notionalUsd: Decimal | undefined, at: number, ctx?: FeeQuoteContext): FeeQuote {
    return quoteFee({
      account: this.account(exchange),
      symbol,
      liquidity,
      notionalUsd,
      allowanceUsedUsd: this.allowanceUsed.get(`${exchange}:${allowanceMonth(at)}`) ?? ZERO,
      fromExchange: this.fromExchange.get(`${exchange}:${symbol}`)?.rates,
      ctx,
    });
  }

  /** Books a fee paid (and the allowance it consumed) into the in-memory totals. */
  recordFee(f: FeePaid): void {
    if (!f.amount.isFinite()) throw new Error('fee amount must be finite');
    const key = `${f.exchange}:${f.currency}`;
    const prev = this.paid.get(key);
    this.paid.set(key, { exchange: f.exchange, currency: f.currency, amount: (prev?.amount ?? ZERO).plus(f.amount) });
    if (f.allowanceUsedUsd && f.allowanceUsedUsd.gt(ZERO)) {
      const mk = `${f.exchange}:${allowanceMonth(f.at)}`;
      this.allowanceUsed.set(mk, (this.allowanceUsed.get(mk) ?? ZERO).plus(f.allowanceUsedUsd));
    }
  }

  allowanceUsage(exchange: ExchangeId, at: number): AllowanceUsage | undefined {
    const allowance = this.account(exchange).allowance;
    if (!allowance) return undefined;
    const month = allowanceMonth(at);
    const usedUsd = this.allowanceUsed.get(`${exchange}:${month}`) ?? ZERO;
    return { name: allowance.name, month, limitUsd: allowance.monthlyVolumeUsd, usedUsd, remainingUsd: maxDecimal(ZERO, allowance.monthlyVolumeUsd.minus(usedUsd)) };
  }

  /** Fees recorded since this book was built or hydrated, per exchange and currency. */
  feesPaid(exchange?: ExchangeId): Array<{ exchange: ExchangeId; currency: string; amount: Decimal }> {
    return [...this.paid.values()].filter((p) => !exchange || p.exchange === exchange);
  }

  /** Adapter for the profit maths (domain/arbitrage TakerFeeFn): no notional, so no allowance. */
  takerFeeFn(now: () => number): (exchange: ExchangeId, symbol: Symbol) => Decimal {
    return (exchange, symbol) => this.effectiveTakerFee(exchange, symbol, undefined, now()).rate;
  }
}
