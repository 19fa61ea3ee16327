/**
 * Back-off for a G-bot sale that the exchange refused or filled only in part on a flip to BTC.
 * The unsold gold stays on the exchange (it is never withdrawn: a withdrawal is irreversible)
 * and the sale is tried again on a durable timer, a bounded number of times; then an operator
 * decides. Pure: the workflow passes the attempt count.
 */
export const SALE_RETRY_DEFAULT_MS = 60_000;
export const SALE_RETRY_MAX_MS = 30 * 60_000;
export const SALE_RETRY_DEFAULT_ATTEMPTS = 8;

/** Pause before retry number `attempt` (1-based): `baseMs` doubling, capped at 30 minutes. */
export function saleRetryDelayMs(attempt: number, baseMs = SALE_RETRY_DEFAULT_MS): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 20), SALE_RETRY_MAX_MS);
}
