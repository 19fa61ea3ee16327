import { bookShapeProblem } from '../../domain/arbitrage';
import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { healthOf, sameAsSim, startHarness, waitFor, type Harness } from './helpers/exchange-harness';

/**
 * A crossed book on one venue means a missed update. Through real ccxt against the simulator:
 * the venue pushes a crossed book (its best bid lifted above its best ask, as after a lost
 * delete); the adapter must never hand it out, must mark the feed for a resync, and must serve the
 * book as live again only once a fresh, sound snapshot has arrived.
 */
const cases: Array<[ExchangeId, string]> = [['binance', 'BTC/USDT'], ['kraken', 'BTC/USD']];

describe.each(cases)('%s %s: a crossed book at the adapter edge', (ex, sym) => {
  let h: Harness;
  const served: OrderBook[] = [];
  beforeAll(async () => {
    h = await startHarness(ex);
    await h.ad.marketData.watchBooks([sym], (b) => served.push(b));
    await waitFor(() => sameAsSim(h, ex, sym, 10) && healthOf(h, sym).state === 'live', 4000, `${sym} snapshot`);
  });
  afterAll(async () => h.close());

  it('is never served as live, resyncs, and is live again only after a fresh sound snapshot', async () => {
    const sound = h.sim.control.book(ex, sym);
    const resyncsBefore = healthOf(h, sym).resyncs;
    // The second ask's price as a bid: on the grid, and above the best ask.
    const crossedBids: Array<[string, string]> = [[sound.asks[1]![0], '1'], ...sound.bids];
    h.sim.control.setBook(ex, sym, crossedBids, sound.asks);
    await waitFor(() => healthOf(h, sym).resyncs > resyncsBefore, 5000, 'a resync after the crossed book');
    expect(healthOf(h, sym).state).not.toBe('live');
    expect(served.filter((b) => bookShapeProblem(b)).length).toBe(0);
    expect(bookShapeProblem(h.ad.marketData.latestBook(sym)!)).toBeUndefined();
    // While the venue's book stays crossed, the redial finds it crossed again: still not live.
    await waitFor(() => healthOf(h, sym).resyncs > resyncsBefore + 1, 8000, 'a second resync on the still crossed book');
    expect(healthOf(h, sym).state).not.toBe('live');
    expect(served.filter((b) => bookShapeProblem(b)).length).toBe(0);
    // The venue repairs its book: the next snapshot is sound, served, and live.
    h.sim.control.setBook(ex, sym, sound.bids, sound.asks);
    await waitFor(() => sameAsSim(h, ex, sym, 10) && healthOf(h, sym).state === 'live', 8000, 'live again on a sound snapshot');
    expect(served.filter((b) => bookShapeProblem(b)).length).toBe(0);
  });
});
