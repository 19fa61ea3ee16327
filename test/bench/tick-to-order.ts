import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { startSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath } from '../../workers/hotpath';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Tick to order through the real stack: the simulator publishes a dislocated Binance BTC/USDT
 * book over its WebSocket; ccxt parses it; the hot path caches, scans, gates and sends the first
 * IOC order (to paper trading, which books the attempt). Measured from just before the simulator
 * applies the book to the order's ledger time (one clock: this process). Directions alternate so
 * paper inventory flows back and forth; cycle times are set to 1 ms for the run.
 */
export async function tickToOrder(samples: number): Promise<{ ms: number[]; rssMb: number }> {
  const cfg = loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } });
  cfg.settings.qbot.cycleTimeMs = { cross: 1, triangular: 1 };
  cfg.settings.qbot.killSwitch = { maxDailyLossUsd: new Decimal('1000000'), maxConsecutiveFailures: 1_000_000 };
  const sim = await startSimulator({ port: 0, seed: 5, autoTick: false, dislocationRate: 0 });
  const ledger = SqliteLedger.open({ file: ':memory:' });
  let ticking = setInterval(() => sim.control.step(), 100);
  const hp = await startHotpath({ sim, temporal: false, ledger, config: cfg });
  const out: number[] = [];
  let rssMb = 0;
  try {
    while (new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size < 3) await sleep(50);
    for (let i = 0; i < samples; i += 1) {
      clearInterval(ticking);
      sim.control.step();
      await sleep(30);
      const seen = ledger.entries({ kind: 'order-attempt' }).length;
      const k = sim.control.book('kraken', 'BTC/USDT');
      const down = i % 2 === 0;
      const p = new Decimal(down ? k.bids[0]![0] : k.asks[0]![0]).times(down ? '0.98' : '1.02').toDecimalPlaces(2);
      const t0 = Date.now();
      sim.control.setBook('binance', 'BTC/USDT', [[p.minus(0.5).toFixed(2), '1']], [[p.toFixed(2), '1']]);
      const deadline = t0 + 3000;
      while (ledger.entries({ kind: 'order-attempt' }).length === seen && Date.now() < deadline) await sleep(1);
      const first = ledger.entries({ kind: 'order-attempt' })[seen];
      if (first) out.push(first.at - t0);
      await hp.qbot.drain();
      ticking = setInterval(() => sim.control.step(), 100);
      await sleep(250);
    }
    // The live process (hot path + the in-process simulator): an upper bound of the hot path alone.
    rssMb = process.memoryUsage().rss / 1024 / 1024;
  } finally {
    clearInterval(ticking);
    await hp.close();
    await sim.close();
  }
  return { ms: out, rssMb };
}
