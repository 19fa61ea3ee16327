import type { Decimal } from '../money/decimal';
import type { ExchangeId } from '../market';

/**
 * One network as an exchange reports it for an asset (the shape of ports/funding NetworkInfo,
 * restated here because domain/ imports nothing outward). The fee may be unknown (Kraken's
 * currency list has none): such a network cannot be costed, so it cannot be chosen.
 */
export interface NetworkAvailability {
  asset: string;
  /** Our network code (networks.json key: TRC20, SOL, ERC20...). */
  network: string;
  withdrawEnabled: boolean;
  depositEnabled: boolean;
  /** Live withdrawal fee in the asset's units. */
  withdrawFee: Decimal | undefined;
  /** 0 when the exchange states none. */
  withdrawMin: Decimal;
  /**
   * The venue's own estimate of how long a withdrawal takes to arrive, in minutes (Binance
   * states one per network); undefined when the venue gives none, and networks.json's
   * typicalMinutes stands in.
   */
  expectedMinutes?: number | undefined;
}

/** networks.json, as the domain needs it (config's zod-parsed value fits this shape). */
export type NetworkRule = 'preferred' | 'fee-confirmed-under-limit' | 'large-transfers-only';
export interface NetworkCatalogue {
  networks: Record<string, { name: string; ccxtCode: string; preferenceRank: number; typicalMinutes: number; rule: NetworkRule }>;
  preferredRoutes: Array<{ from: ExchangeId; to: ExchangeId; asset: string; networks: string[] }>;
}

/** settings.transfers, as the domain needs it. */
export interface TransferRules {
  minimumUsd: Decimal;
  costTargetUsd: Decimal;
  /** Percent (0.05 means 0.05 %). */
  costBudgetPercentOfAmount: Decimal;
  erc20MinimumUsd: Decimal;
  avalancheMaxFeeUsd: Decimal;
}

/**
 * Where money may go: an exchange of ours or the configured cold wallet. There is no variant
 * with a free-form address: the address is resolved later from the exchange's API or config.
 */
export type TransferTarget = { kind: 'exchange'; exchange: ExchangeId } | { kind: 'cold-wallet' };

export function describeTarget(t: TransferTarget): string {
  return t.kind === 'exchange' ? t.exchange : 'cold wallet';
}

export type NetworkRejectionCode =
  | 'ASSET_MISMATCH'
  | 'UNKNOWN_NETWORK'
  | 'NOT_AT_SENDER'
  | 'WITHDRAW_DISABLED'
  | 'NOT_AT_RECEIVER'
  | 'DEPOSIT_DISABLED'
  | 'FEE_UNKNOWN'
  | 'BELOW_NETWORK_MINIMUM'
  | 'LARGE_TRANSFERS_ONLY'
  | 'FEE_NOT_UNDER_LIMIT'
  | 'FEE_EXCEEDS_AMOUNT'
  | 'OVER_BUDGET';

export interface NetworkRejection {
  network: string;
  code: NetworkRejectionCode;
  reason: string;
}

export interface TransferPlan {
  status: 'planned';
  asset: string;
  amount: Decimal;
  amountUsd: Decimal;
  from: ExchangeId;
  to: TransferTarget;
  network: string;
  networkName: string;
  /** Withdrawal fee in asset units; it comes out of the amount. */
  fee: Decimal;
  feeUsd: Decimal;
  slippageUsd: Decimal;
  /** fee + conversion slippage, the figure held against the budget. */
  costUsd: Decimal;
  budgetUsd: Decimal;
  /** What the receiver is credited: amount - fee. */
  receives: Decimal;
  arrivesInMinutes: number;
  /** True when the network came from networks.json preferredRoutes for this route. */
  preferredRoute: boolean;
  /** Other networks that passed every rule, best first. */
  alternatives: string[];
  rejected: NetworkRejection[];
}

export type TransferRefusalCode = 'INVALID_REQUEST' | 'SAME_EXCHANGE' | 'BELOW_TRANSFER_MINIMUM' | 'NO_SHARED_NETWORK' | 'NO_ELIGIBLE_NETWORK';

export interface TransferRefusal {
  status: 'refused';
  code: TransferRefusalCode;
  reason: string;
  asset: string;
  amount: Decimal;
  amountUsd: Decimal;
  from: ExchangeId;
  to: TransferTarget;
  budgetUsd: Decimal;
  rejected: NetworkRejection[];
}

export type TransferDecision = TransferPlan | TransferRefusal;
