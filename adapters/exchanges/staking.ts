import type { Exchange } from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import type { Decimal } from '../../domain/money/decimal';
import type { Clock } from '../../ports/clock';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { StakeConfirmed, Staking, StakingPosition, StakingProduct } from '../../ports/staking';
import { guarded, isRejected } from './errors';
import type { RateBudget } from './rate-budget';
import { binanceEarn, krakenEarn, type EarnApi } from './staking-venues';

/** Coinbase has no staking API for Advanced Trade accounts: every call says so, typed. */
export class UnsupportedStaking implements Staking {
  constructor(readonly exchange: ExchangeId) {}
  private no(): Rejected {
    return rejected('NOT_SUPPORTED', `${this.exchange} offers no staking API`);
  }
  async products(): Promise<StakingProduct[] | Rejected> {
    return this.no();
  }
  async stake(): Promise<StakeConfirmed | Rejected> {
    return this.no();
  }
  async unstake(): Promise<StakeConfirmed | Rejected> {
    return this.no();
  }
  async positions(): Promise<StakingPosition[] | Rejected> {
    return this.no();
  }
}

/**
 * Staking through the venue's own earn endpoints (ccxt has no unified call). Stake and unstake
 * remember their idempotency keys so a retried request is answered, not repeated.
 */
export class EarnStaking implements Staking {
  private readonly done = new Map<string, StakeConfirmed>();
  constructor(readonly exchange: ExchangeId, private readonly ex: Exchange, private readonly api: EarnApi, private readonly budget: RateBudget, private readonly clock: Clock) {}

  async products(asset?: string): Promise<StakingProduct[] | Rejected> {
    return guarded(this.budget, 'read', () => this.api.products(this.ex, this.exchange, asset));
  }

  private async move(kind: 'stake' | 'unstake', productId: string, amount: Decimal, key: string): Promise<StakeConfirmed | Rejected> {
    const prior = this.done.get(`${kind}:${key}`);
    if (prior) return prior;
    if (!amount.isFinite() || amount.lte(0)) return rejected('INVALID_ORDER', `${kind} amount must be positive`);
    const list = await this.products();
    if (isRejected(list)) return list;
    const product = list.find((p) => p.productId === productId);
    if (!product) return rejected('INVALID_ORDER', `${this.exchange} has no staking product ${productId}`);
    if (kind === 'stake' && amount.lt(product.minAmount)) return rejected('BELOW_MIN_AMOUNT', `stake ${amount.toFixed()} < min ${product.minAmount.toFixed()}`);
    const id = await guarded(this.budget, 'withdrawal', () => this.api[kind](this.ex, productId, amount));
    if (isRejected(id)) return id;
    const out: StakeConfirmed = { status: 'confirmed', productId, asset: product.asset, amount, id };
    if (kind === 'unstake') out.availableAt = this.clock.now() + product.unbondingMs;
    this.done.set(`${kind}:${key}`, out);
    return out;
  }

  stake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected> {
    return this.move('stake', productId, amount, idempotencyKey);
  }

  unstake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected> {
    return this.move('unstake', productId, amount, idempotencyKey);
  }

  positions(): Promise<StakingPosition[] | Rejected> {
    return guarded(this.budget, 'read', () => this.api.positions(this.ex));
  }
}

export function earnApiFor(exchange: ExchangeId): EarnApi | undefined {
  return exchange === 'binance' ? binanceEarn : exchange === 'kraken' ? krakenEarn : undefined;
}
