import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';

/**
 * Market rules for the interdex BTC/USDC recording (the books themselves are converted by the
 * simulator's `convertInterdex`, adapters/sim/replay): steps and ticks as the venues list BTC/USDC,
 * taker fees at the entry tier.
 */
const RULES: Record<ExchangeId, { step: string; tick: string; minNotional: string; fee: string }> = {
  binance: { step: '0.00001', tick: '0.01', minNotional: '5', fee: '0.001' },
  coinbase: { step: '0.00000001', tick: '0.01', minNotional: '1', fee: '0.006' },
  kraken: { step: '0.00000001', tick: '0.01', minNotional: '0.5', fee: '0.004' },
};

export function interdexMarkets(books: ReadonlyArray<{ exchange: ExchangeId; symbol: string }>): Market[] {
  const seen = new Map<string, Market>();
  for (const b of books) {
    const r = RULES[b.exchange];
    const [base, quote] = b.symbol.split('/') as [string, string];
    seen.set(`${b.exchange}:${b.symbol}`, {
      exchange: b.exchange, symbol: b.symbol, base, quote, id: `${base}${quote}`, amountStep: new Decimal(r.step), priceTick: new Decimal(r.tick),
      minAmount: new Decimal(r.step), minNotional: new Decimal(r.minNotional), takerFee: new Decimal(r.fee), makerFee: new Decimal(r.fee), active: true,
    });
  }
  return [...seen.values()];
}
