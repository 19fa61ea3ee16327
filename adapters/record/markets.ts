import ccxt, { type Market as CcxtMarket } from 'ccxt';
import type { Market } from '../../domain/market';
import { toMarket } from '../exchanges/convert';
import { startRawReplay } from './replay-server';

/**
 * The market rules of a recording's venues, read by ccxt itself from the recorded REST metadata
 * (served by the raw replay on a loopback port for the moment it takes), so a backtest sizes and
 * rounds with the same steps, ticks, minimums and listed fees the adapters would have used.
 */
export async function marketsOfRecording(dir: string): Promise<Market[]> {
  const replay = await startRawReplay({ dir, speed: 0 });
  try {
    const out: Market[] = [];
    for (const exchange of replay.meta.exchanges) {
      const Cls = (ccxt as unknown as Record<string, new (o: Record<string, unknown>) => InstanceType<typeof ccxt.Exchange>>)[exchange]!;
      const ex = new Cls(replay.ccxtOptions(exchange));
      await ex.loadMarkets();
      for (const m of Object.values(ex.markets ?? {})) {
        const mk = toMarket(exchange, m as CcxtMarket);
        if (mk) out.push(mk);
      }
    }
    return out;
  } finally {
    await replay.close();
  }
}
