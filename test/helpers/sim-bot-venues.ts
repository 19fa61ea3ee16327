import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import type { RunningSimulator } from '../../adapters/sim';
import type { BotVenue } from '../../activities/bot-trading';
import { adaptersFor } from '../adapters/helpers/exchange-harness';

/**
 * The bots' venues over a running simulator through the real ccxt adapters (trading, account,
 * funding by REST). The book source is the simulator's own current book, as the hot path's cache
 * would hold it on a quiet feed: the bots read books, they never subscribe.
 */
export async function simBotVenues(sim: RunningSimulator, exchanges: ExchangeId[]): Promise<{ venues: BotVenue[]; adapters: ExchangeAdapters[]; close(): Promise<void> }> {
  const adapters = await Promise.all(exchanges.map((ex) => adaptersFor(sim, ex)));
  const venues = await Promise.all(adapters.map(async (ad): Promise<BotVenue> => {
    const exchange = ad.exchange;
    const books = (symbol: string): OrderBook | undefined => {
      let b: { bids: Array<[string, string]>; asks: Array<[string, string]> };
      try {
        b = sim.control.book(exchange, symbol);
      } catch {
        return undefined; // not listed on this venue
      }
      const levels = (xs: Array<[string, string]>) => xs.map(([p, a]) => ({ price: new Decimal(p), amount: new Decimal(a) }));
      return { exchange, symbol, receivedAt: Date.now(), bids: levels(b.bids), asks: levels(b.asks) };
    };
    return {
      exchange, trading: ad.trading, account: ad.account, funding: ad.funding, markets: await ad.marketData.markets(), books, paper: false, booksFills: false,
    };
  }));
  return { venues, adapters, close: async () => { await Promise.all(adapters.map((a) => a.close())); } };
}

/** One deep level each side around `mid` (decimal strings), so a test's size never runs out of book. */
export function deepBook(mid: string, halfSpread: string, amount: string): { bids: Array<[string, string]>; asks: Array<[string, string]> } {
  const m = new Decimal(mid);
  return { bids: [[m.minus(halfSpread).toFixed(), amount]], asks: [[m.plus(halfSpread).toFixed(), amount]] };
}
