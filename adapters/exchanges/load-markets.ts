import type { Exchange } from 'ccxt';

const failed = new WeakSet<Exchange>();

/**
 * `ex.loadMarkets()` that recovers: ccxt keeps a rejected load promise and returns it on every
 * later call, so one 429/418/timeout on the first load would refuse that instance's markets for
 * the life of the process. After a failure the next call asks the venue again (reload).
 */
export async function loadMarketsRecovering(ex: Exchange): ReturnType<Exchange['loadMarkets']> {
  try {
    const markets = await ex.loadMarkets(failed.has(ex));
    failed.delete(ex);
    return markets;
  } catch (err) {
    failed.add(ex);
    // ccxt's own methods (fetchBalance, withdraw, ...) call loadMarkets() too and would get the
    // cached rejection forever (a restarted orchestrator's withdrawals stuck on one timed-out load).
    (ex as unknown as { marketsLoading?: unknown }).marketsLoading = undefined;
    throw err;
  }
}
