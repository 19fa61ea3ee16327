/**
 * Typed outcomes shared by the ports. Expected failures are values with a stable code and a
 * human-readable reason; only broken invariants throw.
 */
export type RejectionCode =
  | 'INSUFFICIENT_FUNDS'
  | 'BELOW_MIN_AMOUNT'
  | 'BELOW_MIN_NOTIONAL'
  | 'INVALID_PRECISION'
  | 'INVALID_ORDER'
  | 'MARKET_CLOSED'
  | 'RATE_LIMITED'
  | 'EXCHANGE_UNAVAILABLE'
  | 'AUTH_FAILED'
  | 'NOT_SUPPORTED'
  | 'NETWORK_DISABLED'
  | 'ADDRESS_NOT_ALLOWED'
  | 'DUPLICATE_CLIENT_ID'
  | 'UNKNOWN_OUTCOME'
  | 'NO_FILL'
  | 'EXCHANGE_REJECTED'
  // Refused by the capital guard before the exchange was called (domain/capital):
  | 'INSUFFICIENT_UNRESERVED'
  | 'OWNED_BY_OTHER_BOT'
  | 'OVER_BUDGET'
  | 'NO_USD_PRICE';

export interface Rejected {
  status: 'rejected';
  code: RejectionCode;
  reason: string;
  /** Whether sending the same request again may succeed (never true for a possibly-executed order). */
  retryable: boolean;
}

export function rejected(code: RejectionCode, reason: string, retryable = false): Rejected {
  return { status: 'rejected', code, reason, retryable };
}
