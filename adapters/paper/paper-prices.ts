import { ONE, type Decimal } from '../../domain/money/decimal';
import type { Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { midOf } from './paper-fill';

const USD_LIKE = ['USD', 'USDT', 'USDC'];

/**
 * Values assets for fees: USD per unit (allowance, discount checks) and one asset in another
 * (a BNB fee for a USDT trade). Stablecoins count as $1 here; the depeg guard lives elsewhere.
 */
export function assetPricer(books: (symbol: Symbol) => OrderBook | undefined, override?: (asset: string) => Decimal | undefined) {
  const usdPrice = (asset: string): Decimal | undefined => {
    if (override) return override(asset);
    if (USD_LIKE.includes(asset)) return ONE;
    for (const q of USD_LIKE) {
      const mid = midOf(books(`${asset}/${q}`));
      if (mid) return mid;
    }
    return undefined;
  };
  const priceIn = (asset: string, quote: string): Decimal | undefined => {
    const direct = midOf(books(`${asset}/${quote}`));
    if (direct) return direct;
    const a = usdPrice(asset);
    const q = usdPrice(quote);
    return a && q && !q.isZero() ? a.div(q) : undefined;
  };
  return { usdPrice, priceIn };
}
