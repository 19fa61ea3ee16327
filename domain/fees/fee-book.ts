import { Decimal, ZERO, maxDecimal } from '../money/decimal';
import type { ExchangeId, Symbol } from '../market';
import { allowanceMonth, quoteFee, scheduleFor } from './quote';
import type { AccountFeeSchedule, FeeQuote, FeeQuoteContext, FeeRates, FeeSource } from './types';

function assertPlausible(exchange: ExchangeId, symbol: Symbol, rates: FeeRates): void {
  const bad = (x: Decimal) => !x.isFinite() || x.isNegative() || x.gte(1);
  if (bad(rates.maker) || bad(rates.taker)) {
    throw new Error(`implausible fee rates for ${exchange} ${symbol}: maker ${rates.maker.toFixed()}, taker ${rates.taker.toFixed()}`);
  }
}

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
  private readonly accountRatesAt = new Map<ExchangeId, number>();
  /** The venue's own answer to "pay fees in the discount asset?"; absent: the config's discount applies. */
  private readonly discountSwitch = new Map<ExchangeId, boolean>();
  private readonly listeners = new Set<() => void>();

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

  /**
   * Called whenever a rate a decision would read may have changed (account rates replaced, allowance
   * used): whoever caches rates (the hot path's decision fees, its float prefilters) rebuilds then.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Rates the exchange reported for this account (fetchTradingFees): they win over config. */
  setExchangeRates(exchange: ExchangeId, symbol: Symbol, rates: FeeRates, at: number): void {
    assertPlausible(exchange, symbol, rates);
    this.fromExchange.set(`${exchange}:${symbol}`, { rates, at });
    this.changed();
  }

  /**
   * The account's whole schedule as the exchange reported it, replacing the previous one (a tier
   * change may raise or lower any market). All or nothing: one implausible rate refuses the lot and
   * the schedule in force stays. Markets absent from the answer fall back to the config.
   */
  replaceExchangeRates(exchange: ExchangeId, rates: ReadonlyMap<Symbol, FeeRates>, at: number): { changed: boolean } {
    this.account(exchange);
    for (const [symbol, r] of rates) assertPlausible(exchange, symbol, r);
    const prefix = `${exchange}:`;
    const before = new Map([...this.fromExchange].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k, v.rates]));
    const same = before.size === rates.size && [...rates].every(([s, r]) => {
      const old = before.get(`${prefix}${s}`);
      return old !== undefined && old.maker.eq(r.maker) && old.taker.eq(r.taker);
    });
    for (const k of before.keys()) this.fromExchange.delete(k);
    for (const [symbol, r] of rates) this.fromExchange.set(`${prefix}${symbol}`, { rates: r, at });
    this.accountRatesAt.set(exchange, at);
    if (!same) this.changed();
    return { changed: !same };
  }

  /**
   * The venue's "pay fees with BNB" switch as read from the account: off means no discount whatever
   * BNB is held; on (or never read) means the configured discount applies while BNB covers the fee.
   */
  setDiscountSwitch(exchange: ExchangeId, on: boolean): { changed: boolean } {
    this.account(exchange);
    const changed = this.discountSwitch.get(exchange) !== on;
    this.discountSwitch.set(exchange, on);
    if (changed) this.changed();
    return { changed };
  }

  /** What the venue said about its discount switch (undefined: not read; the config decides). */
  discountSwitchOf(exchange: ExchangeId): boolean | undefined {
    return this.discountSwitch.get(exchange);
  }

  /** When the account's own schedule was last applied (undefined: the config's tiers are in force). */
  accountRatesAppliedAt(exchange: ExchangeId): number | undefined {
    return this.accountRatesAt.get(exchange);
  }

  /** The schedule the book prices a market with before discounts (for views and fill checks). */
  scheduleRates(exchange: ExchangeId, symbol: Symbol): { rates: FeeRates; source: FeeSource } {
    return scheduleFor(this.account(exchange), symbol, this.fromExchange.get(`${exchange}:${symbol}`)?.rates);
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
      discountSwitchedOff: this.discountSwitch.get(exchange) === false,
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
      this.changed();
    }
  }

  /**
   * The month's allowance used as the shared record (the ledger, all processes) says: raised to
   * `totalUsedUsd` when that is more than this book counted; never lowered.
   */
  raiseAllowanceUsed(exchange: ExchangeId, at: number, totalUsedUsd: Decimal): void {
    const mk = `${exchange}:${allowanceMonth(at)}`;
    if (totalUsedUsd.lte(this.allowanceUsed.get(mk) ?? ZERO)) return;
    this.allowanceUsed.set(mk, totalUsedUsd);
    this.changed();
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
