import type { Decimal } from './money/decimal';

/** The venues we trade. Binance.US is the `binance` venue with `BINANCE_VARIANT=binanceus`. */
export type ExchangeId = 'binance' | 'kraken' | 'coinbase';
export const EXCHANGE_IDS: readonly ExchangeId[] = ['binance', 'kraken', 'coinbase'];

/** A unified symbol, "BASE/QUOTE" as ccxt spells it: "BTC/USDT". */
export type Symbol = string;

export interface MarketId {
  exchange: ExchangeId;
  symbol: Symbol;
}

/** What the trading rules of one market are (from ccxt's `markets`, TICK_SIZE mode). */
export interface Market {
  exchange: ExchangeId;
  symbol: Symbol;
  base: string;
  quote: string;
  /** Exchange-native id ("BTCUSDT", "XBT/USD", "BTC-USD"). */
  id: string;
  /** Smallest increment of the amount (base units). */
  amountStep: Decimal;
  /** Smallest increment of the price (quote units). */
  priceTick: Decimal;
  minAmount: Decimal;
  /** Minimum order value in quote units (0 when the exchange sets none). */
  minNotional: Decimal;
  /** Fees as fractions (0.001 = 0.1 %). The fee book may know better for an account. */
  takerFee: Decimal;
  makerFee: Decimal;
  active: boolean;
}

export function splitSymbol(symbol: Symbol): { base: string; quote: string } {
  const [base, quote] = symbol.split('/');
  if (!base || !quote) throw new Error(`not a unified symbol: "${symbol}"`);
  return { base, quote };
}

export function marketKey(m: MarketId): string {
  return `${m.exchange}:${m.symbol}`;
}
