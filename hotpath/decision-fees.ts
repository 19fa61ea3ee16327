import type { ExchangeId, Symbol } from '../domain/market';
import type { Decimal } from '../domain/money/decimal';
import type { FeeBook } from '../domain/fees';
import type { TakerFeeFn } from '../domain/arbitrage';

/** What only the running hot path knows, read once per rebuild. */
export interface DecisionFeeContext {
  /**
   * The largest notional (USD) one trade may have: the Q-bot's capital. The zero-fee allowance and
   * the BNB discount are priced for a trade this large, which bounds every smaller trade's fee.
   */
  maxNotionalUsd?: Decimal;
  /** USD value of the discount asset (BNB) free on the venue; undefined = unknown (no discount). */
  discountAssetValueUsd(exchange: ExchangeId): Decimal | undefined;
}

/**
 * The taker fee every Q-bot decision prices with: the fee book's schedule in force (the account's
 * own rates, else the config's fallback tier), the BNB discount when the venue's BNB covers the
 * discounted fee of the largest trade, and Coinbase One's allowance blended over that trade.
 *
 * Cached as one snapshot, rebuilt whenever the fee book changes (account schedule applied, allowance
 * used) or the caller says its context moved (balances, capital). The float prefilters are
 * refreshed from the same snapshot inside the rebuild, synchronously, so they always read the very
 * fee the exact path will read: the prefilter stays an upper bound when a fee falls.
 */
export class DecisionFees {
  /** Per exchange, then per symbol: no key string built and hashed on every decision. */
  private readonly cache = new Map<ExchangeId, Map<Symbol, Decimal>>();
  private context: DecisionFeeContext | undefined;
  private readonly listeners: Array<() => void> = [];
  private rebuilds = 0;

  constructor(private readonly book: FeeBook, private readonly now: () => number, private readonly readContext: () => DecisionFeeContext) {
    book.onChange(() => this.invalidate());
  }

  readonly fee: TakerFeeFn = (exchange: ExchangeId, symbol: Symbol): Decimal => {
    let bySymbol = this.cache.get(exchange);
    if (!bySymbol) {
      bySymbol = new Map();
      this.cache.set(exchange, bySymbol);
    }
    let rate = bySymbol.get(symbol);
    if (rate === undefined) {
      const ctx = (this.context ??= this.readContext());
      rate = this.book.effectiveTakerFee(exchange, symbol, ctx.maxNotionalUsd, this.now(), { discountAssetValueUsd: ctx.discountAssetValueUsd(exchange) }).rate;
      bySymbol.set(symbol, rate);
    }
    return rate;
  };

  /** Runs after every rebuild (the scanners refresh their float prefilters here). */
  onRebuild(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Drops the snapshot and rebuilds what depends on it, before any other work can read it. */
  invalidate(): void {
    this.cache.clear();
    this.context = undefined;
    this.rebuilds += 1;
    for (const l of this.listeners) l();
  }

  /** How many times the snapshot was rebuilt (metrics, tests). */
  get version(): number {
    return this.rebuilds;
  }
}

/** Headroom on the largest trade: capital is re-valued with the books between two rebuilds. */
const NOTIONAL_HEADROOM = 2;

/**
 * The context from a running Q-bot: twice its capital as the largest trade, and the discount
 * asset's free balance valued at its live USD price (unknown price or balance: no discount).
 */
export function qbotDecisionContext(
  q: { capital(): { cross: Decimal; triangular: Decimal }; balanceEntries(): Array<{ exchange: string; asset: string; amount: Decimal }>; usd(asset: string): Decimal | undefined } | undefined,
  discountAsset: (exchange: ExchangeId) => string | undefined,
): DecisionFeeContext {
  if (!q) return { discountAssetValueUsd: () => undefined };
  const c = q.capital();
  const capital = c.cross.plus(c.triangular);
  const balances = q.balanceEntries();
  return {
    // No capital known yet: no largest trade, so neither allowance nor discount is assumed.
    ...(capital.gt(0) ? { maxNotionalUsd: capital.times(NOTIONAL_HEADROOM) } : {}),
    discountAssetValueUsd: (exchange) => {
      const asset = discountAsset(exchange);
      const held = asset ? balances.find((b) => b.exchange === exchange && b.asset === asset)?.amount : undefined;
      const price = asset ? q.usd(asset) : undefined;
      return held && price && held.gt(0) ? held.times(price) : undefined;
    },
  };
}
