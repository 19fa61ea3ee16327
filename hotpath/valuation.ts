import { Decimal, ONE } from '../domain/money/decimal';
import { midPrice } from '../domain/orderbook';
import { pessimisticPegValue, type MarketBook } from '../domain/arbitrage/stablecoins';
import type { BookCache } from './book-cache';

/** What the valuation reads of the book cache (a scanner may hand it a view that records the reads). */
export type BookReader = Pick<BookCache, 'get'>;

const USD_QUOTES = ['USD', 'USDT', 'USDC', 'BUSD'];
const VENUES = ['kraken', 'coinbase', 'binance'];
/** Assets whose X/PEG against X/STABLE books give a view of a stable's value. */
const BRIDGES = ['BTC', 'ETH', 'SOL'];

/**
 * USD per unit of an asset from live books: USD is 1; a stablecoin is the most pessimistic of
 * every view the books give (its STABLE/USD book on each venue, and X/USD against X/STABLE on
 * each venue), and unknown with none (never assumed at par); anything else is its mid against a
 * USD-like quote (valued as above), or via BTC. For sizing and reporting; the depeg guard and
 * the conversion books decide.
 */
export function usdPrice(cache: BookReader, asset: string, stables: Record<string, string>): Decimal | undefined {
  if (asset === 'USD') return ONE;
  if (asset in stables) return stableValue(cache, asset, stables[asset]!);
  for (const q of USD_QUOTES) {
    const m = midAnywhere(cache, `${asset}/${q}`);
    if (!m) continue;
    if (q === 'USD') return m;
    // A configured stable by its views (none: skip it); another USD-like quote (BUSD) as before.
    const perQuote = q in stables ? stableValue(cache, q, stables[q]!) : (midAnywhere(cache, `${q}/USD`) ?? ONE);
    if (perQuote) return m.times(perQuote);
  }
  const viaBtc = midAnywhere(cache, `${asset}/BTC`);
  const btc = asset === 'BTC' ? undefined : usdPrice(cache, 'BTC', stables);
  return viaBtc && btc ? viaBtc.times(btc) : undefined;
}

/** The lowest value of a stable in its peg over every view (pegViews); the peg is taken at 1. */
function stableValue(cache: BookReader, stable: string, peg: string): Decimal | undefined {
  const books: MarketBook[] = [];
  for (const ex of VENUES) {
    for (const symbol of [`${stable}/${peg}`, `${peg}/${stable}`, ...BRIDGES.flatMap((b) => [`${b}/${peg}`, `${b}/${stable}`])]) {
      const e = cache.get(ex, symbol);
      if (e) books.push(e);
    }
  }
  return pessimisticPegValue(stable, peg, books);
}

function midAnywhere(cache: BookReader, symbol: string): Decimal | undefined {
  for (const ex of VENUES) {
    const e = cache.get(ex, symbol);
    const m = e ? midPrice(e.book) : undefined;
    if (m) return m;
  }
  return undefined;
}
