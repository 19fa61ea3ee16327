import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';

/**
 * The markets each simulated venue lists, with the trading rules the real venue uses (tick, step,
 * minimum notional, taker/maker fee). Kept close to the real listings so adapters meet the same
 * quantization and minimum-size problems they meet in production.
 */
export interface SimMarket {
  exchange: ExchangeId;
  symbol: string;
  base: string;
  quote: string;
  /** Exchange-native id: BTCUSDT, XBT/USD (ws) with REST id XXBTZUSD, BTC-USD. */
  id: string;
  tick: Decimal;
  step: Decimal;
  minQty: Decimal;
  minNotional: Decimal;
  takerFee: Decimal;
  makerFee: Decimal;
  /** Spread in basis points around the model mid. */
  spreadBps: number;
  /** Size of the best level in base units; deeper levels grow. */
  baseSize: Decimal;
  /** When set, this market shows another market's book (Coinbase BTC/USDC is the BTC/USD book). */
  aliasOf?: string;
}

type Row = [symbol: string, tick: string, step: string, minNotional: string, spreadBps: number, baseSize: string];

const BINANCE: Row[] = [
  ['BTC/USDT', '0.01', '0.00001', '5', 1, '0.05'],
  ['BTC/USDC', '0.01', '0.00001', '5', 1, '0.04'],
  ['ETH/USDT', '0.01', '0.0001', '5', 1.5, '0.8'],
  ['ETH/USDC', '0.01', '0.0001', '5', 1.5, '0.6'],
  ['SOL/USDT', '0.01', '0.001', '5', 2, '10'],
  ['SOL/USDC', '0.01', '0.001', '5', 2, '8'],
  ['PAXG/USDT', '0.01', '0.0001', '5', 3, '0.5'],
  ['BNB/USDT', '0.01', '0.001', '5', 2, '3'],
  ['USDC/USDT', '0.0001', '1', '5', 1, '50000'],
  ['ETH/BTC', '0.00001', '0.0001', '0.0001', 2, '0.8'],
  ['SOL/BTC', '0.0000001', '0.001', '0.0001', 3, '10'],
  ['SOL/ETH', '0.000001', '0.001', '0.001', 3, '10'],
  ['PAXG/BTC', '0.00001', '0.0001', '0.0001', 5, '0.5'],
];

const KRAKEN: Row[] = [
  ['BTC/USD', '0.1', '0.00000001', '0.5', 1, '0.05'],
  ['BTC/USDT', '0.1', '0.00000001', '0.5', 2, '0.03'],
  ['BTC/USDC', '0.01', '0.00000001', '0.5', 2, '0.03'],
  ['ETH/USD', '0.01', '0.00000001', '0.5', 1.5, '0.8'],
  ['ETH/USDT', '0.01', '0.00000001', '0.5', 2, '0.5'],
  ['ETH/USDC', '0.01', '0.00000001', '0.5', 2, '0.5'],
  ['SOL/USD', '0.01', '0.00000001', '0.5', 2, '10'],
  ['SOL/USDT', '0.01', '0.00000001', '0.5', 3, '8'],
  ['PAXG/USD', '0.01', '0.00000001', '0.5', 3, '0.5'],
  ['USDT/USD', '0.00001', '0.00000001', '0.5', 1, '50000'],
  ['USDC/USD', '0.00001', '0.00000001', '0.5', 1, '50000'],
  ['ETH/BTC', '0.00001', '0.00000001', '0.5', 2, '0.8'],
];

const COINBASE: Row[] = [
  ['BTC/USD', '0.01', '0.00000001', '1', 1, '0.05'],
  ['ETH/USD', '0.01', '0.00000001', '1', 1.5, '0.8'],
  ['SOL/USD', '0.01', '0.00000001', '1', 2, '10'],
  ['PAXG/USD', '0.01', '0.00000001', '1', 3, '0.5'],
  ['USDT/USD', '0.00001', '0.01', '1', 1, '50000'],
  ['ETH/BTC', '0.00001', '0.00000001', '0.00001', 2, '0.8'],
];

/** Coinbase serves X/USDC from the X/USD book: one book, two symbols. */
const COINBASE_ALIASES: Array<[string, string]> = [
  ['BTC/USDC', 'BTC/USD'],
  ['ETH/USDC', 'ETH/USD'],
  ['SOL/USDC', 'SOL/USD'],
];

const FEES: Record<ExchangeId, [taker: string, maker: string]> = {
  binance: ['0.001', '0.001'],
  kraken: ['0.004', '0.0025'],
  coinbase: ['0.006', '0.004'],
};

const KRAKEN_ASSET: Record<string, string> = { BTC: 'XBT' };

function krakenWsName(base: string, quote: string): string {
  return `${KRAKEN_ASSET[base] ?? base}/${KRAKEN_ASSET[quote] ?? quote}`;
}

function nativeId(exchange: ExchangeId, base: string, quote: string): string {
  if (exchange === 'binance') return `${base}${quote}`;
  if (exchange === 'coinbase') return `${base}-${quote}`;
  return krakenWsName(base, quote);
}

function build(exchange: ExchangeId, rows: Row[]): SimMarket[] {
  const [taker, maker] = FEES[exchange];
  return rows.map(([symbol, tick, step, minNotional, spreadBps, baseSize]) => {
    const [base = '', quote = ''] = symbol.split('/');
    return {
      exchange, symbol, base, quote, id: nativeId(exchange, base, quote),
      tick: new Decimal(tick), step: new Decimal(step), minQty: new Decimal(step),
      minNotional: new Decimal(minNotional), takerFee: new Decimal(taker), makerFee: new Decimal(maker),
      spreadBps, baseSize: new Decimal(baseSize),
    };
  });
}

export function defaultMarkets(exchange: ExchangeId): SimMarket[] {
  if (exchange === 'binance') return build('binance', BINANCE);
  if (exchange === 'kraken') return build('kraken', KRAKEN);
  const own = build('coinbase', COINBASE);
  const aliases = COINBASE_ALIASES.map(([symbol, of]) => {
    const target = own.find((m) => m.symbol === of);
    if (!target) throw new Error(`alias target ${of} missing`);
    const [base = '', quote = ''] = symbol.split('/');
    return { ...target, symbol, base, quote, id: `${base}-${quote}`, aliasOf: of };
  });
  return [...own, ...aliases];
}

/** A market for a symbol seen only in a replay file: rules guessed from the prices it carries. */
export function replayMarket(exchange: ExchangeId, symbol: string, prices: string[], amounts: string[]): SimMarket {
  const dp = (xs: string[]): number => Math.max(0, ...xs.map((x) => (x.split('.')[1] ?? '').length));
  const [base = '', quote = ''] = symbol.split('/');
  const [taker, maker] = FEES[exchange];
  const tick = new Decimal(1).div(new Decimal(10).pow(dp(prices)));
  const step = new Decimal(1).div(new Decimal(10).pow(Math.max(dp(amounts), 8)));
  return {
    exchange, symbol, base, quote, id: nativeId(exchange, base, quote), tick, step, minQty: step,
    minNotional: new Decimal(1), takerFee: new Decimal(taker), makerFee: new Decimal(maker), spreadBps: 1,
    baseSize: new Decimal('0.1'),
  };
}

export const KRAKEN_ASSET_CODES: Record<string, string> = {
  BTC: 'XXBT', ETH: 'XETH', USD: 'ZUSD', USDT: 'USDT', USDC: 'USDC', SOL: 'SOL', PAXG: 'PAXG',
};
