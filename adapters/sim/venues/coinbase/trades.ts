import type { SimContext } from '../../context';
import type { TradePrint } from '../../model/store';

/** How many prints a market_trades snapshot carries at most (the real one: the latest ~50). */
const SNAPSHOT_TRADES = 50;

const books = new WeakMap<SimContext, Map<string, TradePrint[]>>();

/**
 * The latest Coinbase prints per source symbol, for the snapshot event market_trades opens with.
 * Starts listening the first time it is asked (a simulator nobody asks about trades keeps none).
 */
export function recentTrades(ctx: SimContext, symbol: string): TradePrint[] {
  let byBook = books.get(ctx);
  if (!byBook) {
    const fresh = new Map<string, TradePrint[]>();
    books.set(ctx, (byBook = fresh));
    ctx.store.onTrade((t) => {
      if (t.exchange !== 'coinbase') return;
      const key = t.symbols[0] ?? '';
      const list = fresh.get(key) ?? [];
      list.unshift(t);
      if (list.length > SNAPSHOT_TRADES) list.pop();
      fresh.set(key, list);
    });
  }
  return [...(byBook.get(symbol) ?? [])];
}
