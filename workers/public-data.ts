import { simulatorCcxtOptions } from '../adapters/sim';
import { ConfigError } from '../config';
import type { ExchangeId } from '../domain/market';

/**
 * `SIM_PUBLIC_URL`: the public market data (markets, books, candles, fee schedules) comes from a
 * local simulator while the private side stays paper: `npm start` run offline, end to end, with
 * the paper inventory of the real thing. Unlike SIM_URL (the simulator is the exchange of record,
 * orders go to it) nothing is ever sent to it but public reads. Never with live trading: real
 * money is not decided on simulated prices.
 */
export function publicDataSource(env: NodeJS.ProcessEnv): ((exchange: ExchangeId) => { urlsOverride: Record<string, unknown>; ccxtOptions: Record<string, unknown> }) | undefined {
  const url = env.SIM_PUBLIC_URL || undefined;
  if (!url) return undefined;
  if (env.TRADING_MODE === 'live') {
    throw new ConfigError([{ source: 'environment', key: 'SIM_PUBLIC_URL', message: 'public data from a simulator is for paper trading only; unset it, or unset TRADING_MODE=live' }]);
  }
  return (exchange) => {
    const { urls, ccxtOptions } = simulatorCcxtOptions(url, exchange);
    return { urlsOverride: urls, ccxtOptions };
  };
}
