import { utcDayStart, type OhlcCandle } from '../../domain/market-context';
import type { ExchangeId, Symbol } from '../../domain/market';
import type { ScannerConfig } from './config';
import type { MarketState } from './market-state';

/** Daily candles by REST (MarketData.fetchDailyCandles fits): not real-time data, once a day. */
export type DailyCandleFetcher = (exchange: ExchangeId, symbol: Symbol, limit: number) => Promise<OhlcCandle[]>;

/**
 * Starts at most `fetchesPerUpdate` fetches this update, for markets whose candles are not yet
 * from today, not in flight, and not backing off after a failure. Returns the promises started
 * (they never reject: a failure is recorded on the market and the trade-built candles stand in).
 */
export function startDailyFetches(
  markets: Iterable<[MarketKeyParts, MarketState]>,
  fetcher: DailyCandleFetcher,
  cfg: ScannerConfig,
  now: number,
): Promise<void>[] {
  const today = utcDayStart(now);
  const started: Promise<void>[] = [];
  for (const [{ exchange, symbol }, state] of markets) {
    if (started.length >= cfg.fetchesPerUpdate) break;
    if (state.fetching || state.fetchedForDay === today || now < state.nextFetchAt) continue;
    state.fetching = true;
    started.push(fetchOne(state, () => fetcher(exchange, symbol, cfg.averageDays + 2), today, now, cfg.fetchRetryMs));
  }
  return started;
}

export interface MarketKeyParts {
  exchange: ExchangeId;
  symbol: Symbol;
}

async function fetchOne(state: MarketState, fetch: () => Promise<OhlcCandle[]>, today: number, now: number, retryMs: number): Promise<void> {
  try {
    const candles = await fetch();
    const misaligned = candles.filter((c) => c.openTime !== utcDayStart(c.openTime));
    if (misaligned.length > 0) {
      // A venue whose day does not start at 00:00 UTC would be merged with the wrong trades.
      throw new Error(`${misaligned.length} daily candle(s) not aligned to 00:00 UTC`);
    }
    state.fetchedDays = [...candles].sort((a, b) => a.openTime - b.openTime);
    state.fetchedForDay = today;
    state.lastFetchError = undefined;
  } catch (err) {
    state.lastFetchError = err instanceof Error ? err.message : String(err);
    state.nextFetchAt = now + retryMs;
  } finally {
    state.fetching = false;
  }
}
