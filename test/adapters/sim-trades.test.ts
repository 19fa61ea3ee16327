import type ccxt from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { proClient, waitFor } from './sim-helpers';

type Pro = InstanceType<typeof ccxt.pro.binance>;

const CASES: Array<{ exchange: ExchangeId; symbol: string; price: string; take: string }> = [
  { exchange: 'binance', symbol: 'ETH/USDT', price: '3100.00', take: '0.5' },
  { exchange: 'kraken', symbol: 'ETH/USD', price: '3100.00', take: '0.5' },
  { exchange: 'coinbase', symbol: 'ETH/USD', price: '3100.00', take: '0.5' },
];

describe.each(CASES)('trade prints on the simulated $exchange', ({ exchange, symbol, price, take }) => {
  let sim: RunningSimulator;
  let watcher: Pro;
  let trader: Pro;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 8, autoTick: false, exchanges: [exchange] });
    [watcher, trader] = await Promise.all([proClient(sim, exchange), proClient(sim, exchange)]);
  });
  afterAll(async () => {
    await Promise.all([watcher.close(), trader.close()]);
    await sim.close();
  });

  it('an order that takes liquidity is printed on the trades stream with its price, size and side', async () => {
    sim.control.setBook(exchange, symbol, [['3099.00', '1']], [[price, '2'], ['3101.00', '2']]);
    const next = watcher.watchTrades(symbol);
    // The watch resolves on the next print only: trade once the subscription has landed.
    await waitFor(() => sim.control.stats()[exchange].subscriptions > 0, 5000, 'trade subscription');
    await trader.createOrder(symbol, 'limit', 'buy', Number(take), Number(price), { timeInForce: 'IOC' });
    const trades = await next;
    const t = trades[trades.length - 1];
    expect(t?.symbol).toBe(symbol);
    expect(t?.price).toBe(Number(price));
    expect(t?.amount).toBe(Number(take));
    expect(t?.side).toBe('buy');
  }, 20_000);

  it('fetchTicker and fetchTickers report the best bid and ask of the simulated book', async () => {
    sim.control.setBook(exchange, symbol, [['3099.00', '1.5']], [['3101.00', '2']]);
    const t = await watcher.fetchTicker(symbol);
    expect(t.bid).toBe(3099);
    expect(t.ask).toBe(3101);
    const all = await watcher.fetchTickers([symbol]);
    expect(all[symbol]?.last).toBe(3100);
  });
});
