import type ccxt from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { scaled } from '../helpers/wait';
import { proClient } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

describe('a ticking simulator (autoTick) streams consistent books to all three ccxt clients', () => {
  let sim: RunningSimulator;
  const clients: Pro[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 17, tickMs: 50 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim.close();
  });

  it.each<[ExchangeId, string[]]>([
    ['binance', ['BTC/USDT', 'ETH/USDT', 'USDC/USDT']],
    ['kraken', ['BTC/USD', 'USDT/USD']],
    ['coinbase', ['BTC/USD', 'ETH/USD']],
  ])('%s: a steady stream of updates, never crossed, no sequence errors', async (id, symbols) => {
    const ex = await proClient(sim, id);
    clients.push(ex);
    await ex.watchOrderBookForSymbols(symbols); // markets, snapshots and subscription first
    // Ten updates in a row, each sound: a deadline (scaled for a busy machine) instead of counting
    // what arrives in a fixed window, which a loaded 2-core box could not meet.
    let updates = 0;
    const until = Date.now() + scaled(5000);
    while (updates < 10 && Date.now() < until) {
      const ob = await ex.watchOrderBookForSymbols(symbols);
      updates++;
      const bid = ob.bids[0]?.[0];
      const ask = ob.asks[0]?.[0];
      expect(bid !== undefined && ask !== undefined && bid < ask).toBe(true);
    }
    expect(updates).toBe(10);
  });
});
