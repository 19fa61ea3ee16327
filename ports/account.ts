import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import type { Rejected } from './outcomes';

export interface AssetBalance {
  free: Decimal;
  used: Decimal;
  total: Decimal;
}

export interface Balances {
  exchange: ExchangeId;
  assets: Record<string, AssetBalance>;
  /** Our clock when the balances were read. */
  at: number;
}

export interface Account {
  readonly exchange: ExchangeId;
  balances(): Promise<Balances | Rejected>;
}
