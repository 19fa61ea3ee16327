import type { Market } from '../domain/market';
import type { QbotConfig } from './qbot-config';

/**
 * Which books one venue's process watches: the cross markets, the stable books (conversion and
 * depeg guard), then markets that touch a currency the triangular scanner starts from, up to
 * `max` symbols so a 2,000-market venue does not open more streams than its limits allow.
 */
export function watchList(markets: readonly Market[], c: QbotConfig, max: number): string[] {
  const stables = new Set([...Object.keys(c.stablecoins), ...Object.values(c.stablecoins)]);
  const starts = new Set([...c.quoteCurrencies, ...c.arbitrageAssets]);
  const rank = (m: Market): number => {
    if (c.arbitrageAssets.includes(m.base) && c.quoteCurrencies.includes(m.quote)) return 0;
    if (stables.has(m.base) && stables.has(m.quote)) return 1;
    if (starts.has(m.base) && starts.has(m.quote)) return 2;
    if (starts.has(m.quote)) return 3;
    return 4;
  };
  return markets
    .filter((m) => m.active && rank(m) < 4)
    .sort((a, b) => rank(a) - rank(b) || a.symbol.localeCompare(b.symbol))
    .slice(0, max)
    .map((m) => m.symbol);
}
