/**
 * Found by the chaos suite (test/chaos): ccxt keeps a rejected loadMarkets() promise and hands it
 * back on every later call, so one 429/418 on a venue's first market load left that adapter dead
 * (every books watch, every order refused with the same old error) until the process restarted.
 * After a failed load the adapters must ask the venue again.
 */
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import type { ExchangeAdapters } from '../../adapters/exchanges';
import { adaptersFor } from './helpers/exchange-harness';
import { waitUntil } from '../helpers/wait';

describe('market load after a rate-limit answer', () => {
  let sim: RunningSimulator;
  let ad: ExchangeAdapters | undefined;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, seed: 5, autoTick: false, exchanges: ['binance'] });
  });
  afterEach(async () => {
    await ad?.close();
    await sim.close();
  });

  it('market data: the first markets() fails on the 429, a later one loads them', async () => {
    ad = await adaptersFor(sim, 'binance');
    sim.control.injectFault('binance', { type: 'http-status', status: 429, count: 1 });
    await expect(ad.marketData.markets()).rejects.toThrow(/429|rate/i);
    const markets = await waitUntil('markets after the 429 is spent', async () => {
      try {
        return await (ad as ExchangeAdapters).marketData.markets();
      } catch {
        return undefined;
      }
    }, 5_000, 200);
    expect(markets.map((m) => m.symbol)).toContain('BTC/USDT');
  });

  it('account: a balance read after a failed market load asks the venue again (ccxt fetchBalance loads markets itself)', async () => {
    ad = await adaptersFor(sim, 'binance');
    sim.control.injectFault('binance', { type: 'http-status', status: 418, count: 1 });
    // The market load of the REST instance (trading, account, funding) fails once.
    expect(await ad.trading.market('BTC/USDT')).toMatchObject({ status: 'rejected' });
    const b = await waitUntil('binance balances after the 418 is spent', async () => {
      const r = await (ad as ExchangeAdapters).account.balances();
      return 'status' in r ? undefined : r;
    }, 5_000, 200);
    expect(Object.keys(b.assets)).toContain('USDT');
  });

  it('trading: an order refused by the 418 on the market load is accepted once the venue answers again', async () => {
    ad = await adaptersFor(sim, 'binance');
    sim.control.injectFault('binance', { type: 'http-status', status: 418, count: 1 });
    const first = await ad.trading.market('BTC/USDT');
    expect(first).toMatchObject({ status: 'rejected' });
    const m = await waitUntil('BTC/USDT market after the 418 is spent', async () => {
      const r = await (ad as ExchangeAdapters).trading.market('BTC/USDT');
      return r && !('status' in r) ? r : undefined;
    }, 8_000, 200);
    expect(m.symbol).toBe('BTC/USDT');
  });
});
