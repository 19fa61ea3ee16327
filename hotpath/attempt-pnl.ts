import { Decimal, ZERO } from '../domain/money/decimal';
import { splitSymbol } from '../domain/market';
import type { Confirmed } from '../ports/trading';

/** Net change per "exchange:ASSET" over a set of fills, fees included. */
export function assetDeltas(fills: readonly Confirmed[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  const add = (k: string, v: Decimal) => out.set(k, (out.get(k) ?? ZERO).plus(v));
  for (const c of fills) {
    if (c.filled.isZero()) continue;
    const { base, quote } = splitSymbol(c.symbol);
    const sign = c.side === 'buy' ? 1 : -1;
    add(`${c.exchange}:${base}`, c.filled.times(sign));
    add(`${c.exchange}:${quote}`, c.cost.times(-sign));
    for (const f of c.fees) add(`${c.exchange}:${f.currency}`, f.amount.negated());
  }
  return out;
}

/**
 * Realised PnL of an attempt in USD: every asset's net change valued at its USD price. A completed
 * arbitrage nets its base to zero, so only quote flows and fees remain; a position left open
 * (hold policy) is valued at the current price, and says so in the ledger line.
 */
export function attemptPnlUsd(fills: readonly Confirmed[], usd: (asset: string) => Decimal | undefined): { pnlUsd: Decimal; open: Record<string, string>; prices: Record<string, string>; unpriced: string[] } {
  let pnlUsd = ZERO;
  const open: Record<string, string> = {};
  const prices: Record<string, string> = {};
  const unpriced: string[] = [];
  for (const [key, delta] of assetDeltas(fills)) {
    if (delta.isZero()) continue;
    const asset = key.split(':')[1]!;
    const price = usd(asset);
    if (!price) {
      unpriced.push(key);
      continue;
    }
    pnlUsd = pnlUsd.plus(delta.times(price));
    open[key] = delta.toFixed();
    prices[asset] = price.toFixed();
  }
  return { pnlUsd, open, prices, unpriced };
}
