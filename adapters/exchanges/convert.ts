import type { Market as CcxtMarket } from 'ccxt';
import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';

/**
 * The adapter edge: ccxt numbers become Decimals here and nowhere else. `String(x)` of a double is
 * the shortest round-trip text, i.e. exactly what the venue sent for <= 15 significant digits.
 */
export function dec(x: unknown): Decimal {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
    return new Decimal(String(x));
  }
  if (typeof x === 'string' && x.trim() !== '') return new Decimal(x.trim());
  throw new Error(`not a number: ${String(x)}`);
}

/** Like `dec` but undefined/null/'' become `fallback` (ccxt leaves many fields undefined). */
export function decOr(x: unknown, fallback: Decimal = ZERO): Decimal {
  return x === undefined || x === null || x === '' ? fallback : dec(x);
}

export function toMarket(exchange: ExchangeId, m: CcxtMarket | undefined): Market | undefined {
  if (!m) return undefined;
  const step = m.precision?.amount;
  const tick = m.precision?.price;
  if (!m.spot || step === undefined || tick === undefined || m.base === undefined || m.quote === undefined) return undefined;
  return {
    exchange,
    symbol: m.symbol,
    base: m.base,
    quote: m.quote,
    id: m.id ?? m.symbol,
    amountStep: dec(step),
    priceTick: dec(tick),
    minAmount: decOr(m.limits?.amount?.min),
    minNotional: decOr(m.limits?.cost?.min),
    takerFee: decOr(m.taker),
    makerFee: decOr(m.maker),
    active: m.active !== false,
  };
}
