import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';

/**
 * Decimals a venue settles a trade's quote amount to, as the real one does (Kraken: the pairs'
 * `cost_decimals`; Binance: 8, its quote quantities and balances); the figure is what the account
 * moves by and what the trade reports. A venue absent here moves by the exact price x amount.
 * Without it the simulated Kraken moved accounts by 13 decimals (5-decimal prices x 8-decimal
 * amounts) and Binance by 9 (ETH/BTC) while reporting balances to 10 and 8: no ledger of their
 * reported trades could equal them.
 */
export const COST_DECIMALS: Partial<Record<ExchangeId, number>> = { kraken: 5, binance: 8 };

export function settledCost(exchange: ExchangeId, price: Decimal, amount: Decimal): Decimal {
  const dp = COST_DECIMALS[exchange];
  const cost = price.times(amount);
  return dp === undefined ? cost : cost.toDecimalPlaces(dp, Decimal.ROUND_HALF_EVEN);
}
