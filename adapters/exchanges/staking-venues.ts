import type { Exchange } from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import type { Decimal } from '../../domain/money/decimal';
import type { StakingPosition, StakingProduct } from '../../ports/staking';
import { decOr } from './convert';
import { loadMarketsRecovering } from './load-markets';

/** The venue-specific earn calls, over ccxt's implicit endpoints. */
export interface EarnApi {
  products(ex: Exchange, exchange: ExchangeId, asset?: string): Promise<StakingProduct[]>;
  stake(ex: Exchange, productId: string, amount: Decimal): Promise<string>;
  unstake(ex: Exchange, productId: string, amount: Decimal): Promise<string>;
  positions(ex: Exchange): Promise<StakingPosition[]>;
}

type Row = Record<string, unknown>;
type Implicit = Record<string, (params: Row) => Promise<unknown>>;

function call(ex: Exchange, name: string, params: Row): Promise<unknown> {
  const fn = (ex as unknown as Implicit)[name];
  if (typeof fn !== 'function') throw new Error(`ccxt has no implicit endpoint ${name}`);
  return fn.call(ex, params);
}

const str = (x: unknown): string => (x === undefined || x === null ? '' : String(x));

/** Binance Simple Earn, flexible products (no lock: unbonding 0). */
export const binanceEarn: EarnApi = {
  async products(ex, exchange, asset) {
    const r = (await call(ex, 'sapiGetSimpleEarnFlexibleList', asset ? { asset, size: 100 } : { size: 100 })) as { rows?: Row[] };
    return (r.rows ?? [])
      .filter((p) => p.canPurchase !== false)
      .map((p) => ({ exchange, asset: str(p.asset), productId: str(p.productId), apy: decOr(p.latestAnnualPercentageRate), unbondingMs: 0, minAmount: decOr(p.minPurchaseAmount) }));
  },
  async stake(ex, productId, amount) {
    const r = (await call(ex, 'sapiPostSimpleEarnFlexibleSubscribe', { productId, amount: amount.toFixed() })) as Row;
    return str(r.purchaseId);
  },
  async unstake(ex, productId, amount) {
    const r = (await call(ex, 'sapiPostSimpleEarnFlexibleRedeem', { productId, amount: amount.toFixed() })) as Row;
    return str(r.redeemId);
  },
  async positions(ex) {
    const r = (await call(ex, 'sapiGetSimpleEarnFlexiblePosition', { size: 100 })) as { rows?: Row[] };
    return (r.rows ?? []).map((p) => ({ asset: str(p.asset), productId: str(p.productId), amount: decOr(p.totalAmount), rewards: decOr(p.cumulativeTotalRewards) }));
  },
};

const SECOND = 1000;

/**
 * Kraken Earn strategies (APR range: we take the low end, the conservative one). `unbonding_period`
 * is in seconds; a flexible strategy has none.
 */
export const krakenEarn: EarnApi = {
  async products(ex, exchange, asset) {
    await loadMarketsRecovering(ex);
    // Kraken speaks its own asset ids (XETH, XXBT); the port speaks unified codes.
    const r = (await call(ex, 'privatePostEarnStrategies', asset ? { asset: ex.currency(asset).id } : {})) as { result?: { items?: Row[] } };
    return (r.result?.items ?? []).map((s) => {
      const apr = (s.apr_estimate ?? {}) as Row;
      const lock = (s.lock_type ?? {}) as Row;
      return {
        exchange,
        asset: ex.safeCurrencyCode(str(s.asset)) ?? str(s.asset),
        productId: str(s.id),
        apy: decOr(apr.low).div(100),
        unbondingMs: Number(lock.unbonding_period ?? 0) * SECOND,
        minAmount: decOr(s.user_min_allocation),
      };
    });
  },
  async stake(ex, productId, amount) {
    await call(ex, 'privatePostEarnAllocate', { strategy_id: productId, amount: amount.toFixed() });
    return `allocate:${productId}:${amount.toFixed()}`;
  },
  async unstake(ex, productId, amount) {
    await call(ex, 'privatePostEarnDeallocate', { strategy_id: productId, amount: amount.toFixed() });
    return `deallocate:${productId}:${amount.toFixed()}`;
  },
  async positions(ex) {
    const r = (await call(ex, 'privatePostEarnAllocations', {})) as { result?: { items?: Row[] } };
    return (r.result?.items ?? []).map((a) => {
      const allocated = ((a.amount_allocated ?? {}) as Row).total as Row | undefined;
      const rewarded = (a.total_rewarded ?? {}) as Row;
      return { asset: ex.safeCurrencyCode(str(a.native_asset)) ?? str(a.native_asset), productId: str(a.strategy_id), amount: decOr(allocated?.native), rewards: decOr(rewarded.native) };
    });
  },
};
