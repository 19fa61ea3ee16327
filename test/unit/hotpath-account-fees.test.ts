import { waitUntil } from '../helpers/wait';
import { loadConfig, type AppConfig } from '../../config/loader';
import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { CrossEvaluation } from '../../domain/arbitrage';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { describeFeeSchedule } from '../../hotpath/fee-schedule-status';

/**
 * Kraken and Coinbase with BTC/USD on both: config tiers 0.40 % + 0.60 % taker, account tiers (the
 * simulator's) 0.10 % + 0.10 %. A 1.2 % gross edge clears the 0.5 % threshold (+0.02 % rebalance)
 * only at the account's fees: 1.2 - 0.2 - 0.02 = 0.98 %, against 1.2 - 1.0 - 0.02 = 0.18 %.
 */
function config(): AppConfig {
  const cfg = loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } });
  return { ...cfg, settings: { ...cfg.settings, exchanges: { ...cfg.settings.exchanges, enabled: ['kraken', 'coinbase'] } } };
}

describe('the account fee schedule prices the hot path decisions (real ccxt against the simulator)', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  const seen: CrossEvaluation[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, autoTick: false, exchanges: ['kraken', 'coinbase'] });
    sim.control.setFeeTier('kraken', { makerPercent: '0.05', takerPercent: '0.10' });
    sim.control.setFeeTier('coinbase', { makerPercent: '0.05', takerPercent: '0.10' });
    // Coinbase's fee answer is garbage at start: its config tier must stay in force, and say so.
    sim.control.injectFault('coinbase', { type: 'garbage-fees' });
    hp = await startHotpath({
      sim, temporal: false, baselineThreshold: true, ledger: SqliteLedger.open({ file: ':memory:' }), config: config(),
      paperBalances: { kraken: { USD: new Decimal(3000) }, coinbase: { BTC: new Decimal('0.1'), USD: new Decimal(100) } },
    });
    // Evaluations are recorded, nothing is traded (a paused Q-bot still evaluates and holds).
    hp.control.pause('test: decisions only');
    const onBook = hp.qbot.onBook.bind(hp.qbot);
    hp.qbot.onBook = (book) => {
      const out = onBook(book);
      seen.push(...out.cross.evaluated.filter((e) => e.buyAt === 'kraken:BTC/USD' && e.sellAt === 'coinbase:BTC/USD'));
      return out;
    };
  }, 60_000);
  afterAll(async () => {
    await hp?.close();
    await sim?.close();
  });

  /** Kraken asks at `p`, Coinbase bids 1.2 % higher; waits until the hot path has both books. */
  async function dislocate(p: number): Promise<void> {
    const levels = (from: number, step: number): Array<[string, string]> => [0, 1, 2, 3, 4].map((i) => [String(from + i * step), '1']);
    const high = Math.round(p * 1.012);
    sim.control.setBook('kraken', 'BTC/USD', levels(p - 10, -10), levels(p, 10));
    sim.control.setBook('coinbase', 'BTC/USD', levels(high, -10), levels(high + 10, 10));
    await waitUntil('both dislocated books in the hot path', () =>
      hp.qbot.cache.get('kraken', 'BTC/USD')?.book.asks[0]?.price.eq(p) === true && hp.qbot.cache.get('coinbase', 'BTC/USD')?.book.bids[0]?.price.eq(high) === true, 15_000);
  }

  // Cleared every money gate: only the pause (a runtime gate) held it.
  const accepted = () => seen.filter((e) => !e.rejection || e.rejection.code === 'PAUSED');

  it('a refused (garbage) answer keeps the config tier for that venue, says so, and the edge does not clear', async () => {
    const [kraken, coinbase] = ['kraken', 'coinbase'].map((ex) => hp.fees().find((s) => s.exchange === ex)!);
    expect(kraken).toMatchObject({ source: 'account', sample: { takerPercent: '0.1' } });
    expect(kraken!.ageMs).toBeGreaterThanOrEqual(0);
    expect(coinbase).toMatchObject({ source: 'fallback', markets: 0, lastError: expect.stringMatching(/invalid answer/) });
    // The dashboard's view (GET /status `fees`), checked against its schema by status() itself.
    const lines = hp.status().fees!.map(describeFeeSchedule);
    expect(lines[0]).toMatch(/^kraken: account schedule, \d+ s old \(BTC\/USD taker 0\.1 %, maker 0\.05 %\)$/);
    expect(lines[1]).toMatch(/^coinbase: config fallback tier \(BTC\/USD taker 0\.6 %, maker 0\.4 %\); last read refused: invalid answer/);
    await dislocate(50_000);
    // Kraken 0.10 % + Coinbase's config 0.60 %: 1.2 - 0.7 - 0.02 = 0.48 % < 0.5 %.
    expect(accepted()).toEqual([]);
  });

  it('once the venue answers, its account tier reaches the decision: the same edge clears', async () => {
    sim.control.clearFaults();
    sim.control.setFeeTier('kraken', { makerPercent: '0.05', takerPercent: '0.10' });
    sim.control.setFeeTier('coinbase', { makerPercent: '0.05', takerPercent: '0.10' });
    expect(await hp.accountFees.refresh('coinbase', 'test')).toMatchObject({ status: 'applied', changed: true });
    expect(hp.fees().find((s) => s.exchange === 'coinbase')).toMatchObject({ source: 'account', sample: { takerPercent: '0.1' } });
    seen.length = 0;
    await dislocate(50_100);
    await waitUntil('an accepted kraken -> coinbase evaluation', () => accepted().length > 0, 5_000);
    const ev = accepted()[0]!;
    const [buy, sell] = ev.legs!;
    // Each leg's fee is the account's 0.10 %, exactly (Decimal).
    expect(formatDecimal(buy.fee.div(buy.quote))).toBe('0.001');
    expect(formatDecimal(sell.fee.div(sell.quote))).toBe('0.001');
    expect(ev.netPercent.gt(ev.thresholdPercent)).toBe(true);
  });
});
