import { waitUntil } from '../helpers/wait';
import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';

/**
 * The hot path as the supervised demo runs it: SIM_URL names a simulator in another process, and
 * the Q-bot's orders go to it through the real ccxt private calls (the live code path, no paper
 * inventory): the simulator's own order list shows them, with the hot path's client order ids.
 */
describe('hot path with SIM_URL: trades through ccxt against the simulator process', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  let ticking: NodeJS.Timeout;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, autoTick: false, dislocationRate: 0 });
    ticking = setInterval(() => sim.control.step(), 100);
    hp = await startHotpath({
      simUrl: `http://127.0.0.1:${sim.port}`, temporal: false, ledger,
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }),
    });
  }, 60_000);
  afterAll(async () => {
    clearInterval(ticking);
    await hp?.close();
    await sim?.close();
  });

  it('a dislocation is traded as orders at the simulator, each with the hot path client order id', async () => {
    expect(hp.paper).toBeUndefined();
    await waitUntil('books from three venues', () => new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size === 3 || undefined, 20_000, 20);
    clearInterval(ticking);
    const kraken = sim.control.book('kraken', 'BTC/USDT');
    const ask = new Decimal(kraken.bids[0]![0]).times('0.98').toDecimalPlaces(2);
    sim.control.setBook('binance', 'BTC/USDT', [[ask.minus(1).toFixed(2), '1']], [[ask.toFixed(2), '1'], [ask.plus(1).toFixed(2), '1']]);
    // The cheap Binance ask also opens a triangle inside Binance (USDT -> BTC -> ... -> USDT), a trade
    // the hot path may take first on a busy machine (CI did): this test is about the cross trade.
    const isCrossResult = (d: { type?: string; strategy?: string }) => d.type === 'attempt-result' && d.strategy === 'cross';
    const result = await waitUntil('the cross attempt result', () => ledger.entries({ kind: 'decision' }).find((e) => isCrossResult(e.details as { type?: string; strategy?: string })), 15_000, 20);
    const attempts = ledger.entries({ kind: 'order-attempt', correlationId: result.correlationId });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    // The sell leg goes where BTC pays most: Kraken BTC/USDT or Coinbase BTC/USDC (the seed's market decides).
    // Only this attempt's orders: on a busy machine the hot path may trade again before we look.
    const ids = new Set(attempts.map((e) => (e.details as { clientOrderId: string }).clientOrderId));
    const atSim = [...sim.control.orders('binance'), ...sim.control.orders('kraken'), ...sim.control.orders('coinbase')].filter((o) => ids.has(o.clientOrderId ?? ''));
    expect(atSim).toHaveLength(attempts.length);
    expect(atSim.map((o) => o.exchange).sort()).toEqual(['binance', expect.stringMatching(/^(kraken|coinbase)$/) as string]);
    for (const o of atSim) expect(o.clientOrderId).toBeTruthy();
    expect(atSim.every((o) => new Decimal(o.filled).gt(0))).toBe(true);
  });
});
