import type { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import type { Rejected } from './outcomes';

export interface NetworkInfo {
  asset: string;
  /** Our network code (TRC20, SOL, ERC20...). */
  network: string;
  withdrawEnabled: boolean;
  depositEnabled: boolean;
  /** Live withdrawal fee in the asset's units. */
  withdrawFee: Decimal;
  withdrawMin: Decimal;
  /** The venue's own estimate of the arrival time in minutes, where it states one (Binance). */
  expectedMinutes?: number;
}

export interface DepositAddress {
  asset: string;
  network: string;
  address: string;
  tag?: string;
}

export interface WithdrawalRequest {
  asset: string;
  network: string;
  amount: Decimal;
  address: string;
  tag?: string;
  /** Idempotency key: a withdrawal with a key already used is never sent twice. */
  idempotencyKey: string;
}

export interface WithdrawalSubmitted {
  status: 'submitted';
  id: string;
  idempotencyKey: string;
}

export interface TransferConfirmed {
  status: 'confirmed';
  id: string;
  txid: string;
  amount: Decimal;
  fee: Decimal;
}

export interface TransferFailed {
  status: 'failed';
  id: string;
  reason: string;
}

export type WithdrawalStatus = WithdrawalSubmitted | TransferConfirmed | TransferFailed | { status: 'pending'; id: string };

export interface DepositStatus {
  status: 'pending' | 'confirmed' | 'failed' | 'not-found';
  txid?: string;
  amount?: Decimal;
}

export interface Funding {
  readonly exchange: ExchangeId;
  /**
   * How the network fee is charged. Unset (the real venues and the simulator): the amount asked
   * is what leaves the balance and the fee comes out of it, so the destination receives
   * amount - fee. `true` (the paper venue): the fee is taken on top and the amount arrives whole.
   */
  readonly feeOnTop?: boolean;
  networks(asset: string): Promise<NetworkInfo[] | Rejected>;
  depositAddress(asset: string, network: string): Promise<DepositAddress | Rejected>;
  withdraw(req: WithdrawalRequest): Promise<WithdrawalSubmitted | Rejected>;
  withdrawalStatus(id: string): Promise<WithdrawalStatus | Rejected>;
  /** A deposit matched by txid (preferred) or by asset and amount since a time. */
  depositStatus(q: { asset: string; txid?: string; amount?: Decimal; since: number }): Promise<DepositStatus | Rejected>;
}
