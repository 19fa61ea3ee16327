import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import type { Rejected } from './outcomes';

export interface StakingProduct {
  exchange: ExchangeId;
  asset: string;
  productId: string;
  /** Annual yield as a fraction (0.045 = 4.5 %). */
  apy: Decimal;
  /** Time to get coins back after unstaking, ms (0 for flexible products). */
  unbondingMs: number;
  minAmount: Decimal;
}

export interface StakeConfirmed {
  status: 'confirmed';
  productId: string;
  asset: string;
  amount: Decimal;
  /** For unstakes: when the coins become free. */
  availableAt?: number;
  id: string;
  /** Unstakes: staking rewards paid out with it, when the venue reports them. */
  rewardsPaid?: Decimal;
}

export interface StakingPosition {
  asset: string;
  productId: string;
  amount: Decimal;
  rewards: Decimal;
}

export interface Staking {
  readonly exchange: ExchangeId;
  /** Coinbase has no staking API: it answers Rejected with NOT_SUPPORTED. */
  products(asset?: string): Promise<StakingProduct[] | Rejected>;
  stake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected>;
  unstake(productId: string, amount: Decimal, idempotencyKey: string): Promise<StakeConfirmed | Rejected>;
  positions(): Promise<StakingPosition[] | Rejected>;
}
