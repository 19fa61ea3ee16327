import { waitUntil } from '../helpers/wait';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';

async function until<T>(what: string, f: () => T | undefined, ms: number): Promise<T> {
  return (await waitUntil(what, f, ms, 20)) as T;
}

/**
 * The whole hot path offline: the simulator's market model drives real ccxt WebSockets; we
 * dislocate Binance's BTC/USDT 2 % under Kraken's; the Q-bot must find it, trade it in paper mode
 * and book decision, fills, fees and the attempt's PnL in the ledger.
 */
describe('e2e: a simulator dislocation found, traded on paper, booked with its PnL', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  const ledger = SqliteLedger.open({ file: ':memory:' });
  let ticking: NodeJS.Timeout;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, autoTick: false, dislocationRate: 0 });
    ticking = setInterval(() => sim.control.step(), 100);
    hp = await startHotpath({ sim, temporal: false, ledger, config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }) });
  }, 60_000);
  afterAll(async () => {
    clearInterval(ticking);
    await hp?.close();
    await sim?.close();
  });

  it('trades it and books the right PnL', async () => {
    await until('books from three venues', () => new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size === 3 || undefined, 20_000);
    clearInterval(ticking);
    const kraken = sim.control.book('kraken', 'BTC/USDT');
    const bid = new Decimal(kraken.bids[0]![0]);
    const ask = bid.times('0.98').toDecimalPlaces(2);
    const t0 = Date.now();
    sim.control.setBook('binance', 'BTC/USDT', [[ask.minus(1).toFixed(2), '1']], [[ask.toFixed(2), '1'], [ask.plus(1).toFixed(2), '1']]);
    const result = await until('the attempt result', () => ledger.entries({ kind: 'decision' }).find((e) => (e.details as { type?: string }).type === 'attempt-result'), 10_000);
    const attempt = ledger.entries({ kind: 'order-attempt', correlationId: result.correlationId });
    console.log(`tick to order: ${Math.min(...attempt.map((a) => a.at)) - t0} ms (setBook -> sim WebSocket -> ccxt -> cache -> scanner -> gates -> paper order)`);
    const details = result.details as { status: string; usdPrices: Record<string, string>; openDeltas: Record<string, string> };
    if (details.status !== 'completed') console.log(JSON.stringify(ledger.entries({ correlationId: result.correlationId }).map((e) => [e.kind, e.details])));
    expect(details.status).toBe('completed');
    // Net asset changes recomputed from the fill and fee lines the paper venue booked.
    const deltas = new Map<string, Decimal>();
    for (const e of ledger.entries({ correlationId: result.correlationId })) {
      if ((e.kind === 'fill' || e.kind === 'fee') && e.delta && e.asset) deltas.set(`${e.exchange}:${e.asset}`, (deltas.get(`${e.exchange}:${e.asset}`) ?? ZERO).plus(e.delta));
    }
    expect(deltas.get('kraken:BTC')!.plus(deltas.get('binance:BTC')!).toFixed()).toBe('0');
    let pnl = ZERO;
    for (const [k, v] of deltas) if (!v.isZero()) pnl = pnl.plus(v.times(details.usdPrices[k.split(':')[1]!]!));
    expect(result.realisedPnlUsd?.toFixed()).toBe(pnl.toFixed());
    // The ledger books exactly that PnL for this attempt. (Its total may hold more: the same
    // dislocation can also feed a triangle on Binance, a separate strategy with its own cycle.)
    const booked = ledger.entries({ correlationId: result.correlationId }).reduce((t, e) => (e.realisedPnlUsd ? t.plus(e.realisedPnlUsd) : t), ZERO);
    expect(booked.toFixed()).toBe(pnl.toFixed());
    // About 2 % of the traded amount minus 0.1 % + 0.4 % taker fees: clearly positive.
    const usdt = deltas.get('kraken:USDT')!.plus(deltas.get('binance:USDT')!);
    const bought = deltas.get('binance:BTC')!;
    expect(pnl.gt(0)).toBe(true);
    expect(usdt.div(bought.times(ask)).toNumber()).toBeGreaterThan(0.012);
  });
});
