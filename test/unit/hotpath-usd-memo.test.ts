import { BookCache } from '../../hotpath/book-cache';
import { UsdMemo } from '../../hotpath/usd-memo';
import { usdPrice } from '../../hotpath/valuation';
import { book, market } from './arbitrage-fixtures';

/**
 * The triangular scanner's USD values (#17): kept while the books they were read from are the
 * same cache entries, and always what `usdPrice` says on the books as they are now.
 */
const STABLES = { USDT: 'USD', USDC: 'USD' };
const markets = [
  market('kraken', 'USDC/USD'), market('kraken', 'BTC/USD'), market('kraken', 'BTC/USDC'), market('kraken', 'ETH/USDC'), market('kraken', 'SOL/EUR'),
];

function filled(): BookCache {
  const cache = new BookCache(markets);
  cache.apply(book('kraken', 'USDC/USD', [['0.9990', '1000']], [['0.9992', '1000']]));
  cache.apply(book('kraken', 'BTC/USD', [['60000', '1']], [['60010', '1']]));
  cache.apply(book('kraken', 'BTC/USDC', [['60050', '1']], [['60070', '1']]));
  cache.apply(book('kraken', 'ETH/USDC', [['3000', '1']], [['3002', '1']]));
  return cache;
}

describe('UsdMemo', () => {
  it('gives usdPrice, the same instance while nothing it read moved', () => {
    const cache = filled();
    const memo = new UsdMemo(cache, STABLES);
    const eth = memo.of('ETH');
    expect(eth!.toString()).toBe(usdPrice(cache, 'ETH', STABLES)!.toString());
    // A book it never read (SOL/EUR) changes nothing.
    cache.apply(book('kraken', 'SOL/EUR', [['150', '1']], [['151', '1']]));
    expect(memo.of('ETH')).toBe(eth);
  });

  it('reads again when a book it used is replaced: its own, a stable view, or a feed state', () => {
    const cache = filled();
    const memo = new UsdMemo(cache, STABLES);
    const before = memo.of('ETH')!;
    // A view of USDC (BTC/USD against BTC/USDC) moves: ETH's USD value moves with it.
    cache.apply(book('kraken', 'BTC/USDC', [['62490', '1']], [['62510', '1']]));
    const after = memo.of('ETH')!;
    expect(after.toString()).toBe(usdPrice(cache, 'ETH', STABLES)!.toString());
    expect(after.eq(before)).toBe(false);
    // The same prices again in a new entry: read again (the same value, a fresh read).
    cache.setState('kraken', 'ETH/USDC', 'stale');
    expect(memo.of('ETH')).not.toBe(after);
    expect(memo.of('ETH')!.toString()).toBe(after.toString());
  });

  it('notices a book arriving where there was none, and an asset with no value yet', () => {
    const cache = new BookCache(markets);
    const memo = new UsdMemo(cache, STABLES);
    expect(memo.of('BTC')).toBeUndefined();
    cache.apply(book('kraken', 'BTC/USD', [['60000', '1']], [['60010', '1']]));
    expect(memo.of('BTC')!.toString()).toBe('60005');
  });
});
