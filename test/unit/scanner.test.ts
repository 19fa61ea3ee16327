import { Registry } from 'prom-client';
import { cycleTimeMs } from '../../domain/arbitrage/cadence';
import { MarketScanner, scannerConfigFromSettings, ScannerMetrics, type ContextRecord } from '../../hotpath/scanner';
import { DAY, ManualTimer, restCandles, scriptedMarket, shippedSettings, START, type Phase } from './scanner-script';

/**
 * The scanner against a scripted market: 20 calm minutes, a 5-minute spike (1.5 % fall with whale
 * sells and a 6x spread), 16 calm minutes. The shipped settings drive it, except the update
 * interval: 10 s instead of 2 s keeps the file fast (the schedule is what is under test, not 2 s).
 */
function setup() {
  const settings = shippedSettings((raw) => {
    raw.marketContext.updateIntervalMs = 10_000;
  });
  const config = scannerConfigFromSettings(settings);
  let now = START;
  const timer = new ManualTimer();
  const registry = new Registry();
  const changes: ContextRecord[] = [];
  const fetches: string[] = [];
  const scanner = new MarketScanner({
    config,
    clock: { now: () => now },
    timer,
    metrics: new ScannerMetrics(registry),
    onChange: (r) => changes.push(r),
    fetchDailyCandles: async (exchange, symbol, limit) => {
      fetches.push(`${exchange}:${symbol}:${limit}`);
      return restCandles(Math.floor(now / DAY) * DAY);
    },
  });
  scanner.start();
  /** Feeds the script, firing the timer every updateIntervalMs of script time. */
  async function run(phases: Phase[], start: number, opts = {}): Promise<void> {
    for (const s of scriptedMarket(phases, { start, ...opts })) {
      now = s.at;
      scanner.onBook(s.book);
      scanner.onTrade(s.trade);
      if ((s.at - START) % config.updateIntervalMs === 500) {
        await timer.fire();
        await scanner.settled();
      }
    }
  }
  return { settings, config, scanner, timer, registry, changes, fetches, run, setNow: (t: number) => (now = t) };
}

describe('market scanner on a scripted calm -> spike -> calm market', () => {
  it('moves the threshold, depth multiple and volatility flag as configured, and back', async () => {
    const { settings, scanner, timer, registry, changes, fetches, run } = setup();
    expect(timer.intervalMs).toBe(10_000); // marketContext.updateIntervalMs
    const cadence = { baseMs: settings.qbot.cycleTimeMs.cross, latencyMultiplier: settings.latencyProfiles.laptop.cycleTimeMultiplier, slowdownFactor: settings.qbot.volatility.slowdownFactor };

    // Before any data: the baseline.
    const base = scanner.contextFor('kraken', 'BTC/USD');
    expect([base.level, base.thresholdPercent.toFixed(), base.depthMultiple.toFixed(), base.highVolatility]).toEqual(['normal', '0.5', '2.5', false]);

    await run([{ kind: 'calm', minutes: 20 }], START);
    const calm = scanner.contextFor('kraken', 'BTC/USD');
    expect(calm.level).toBe('aggressive');
    // Calm lowers the threshold toward the 0.4 % floor in proportion to how calm it is.
    expect(calm.thresholdPercent.gte('0.4') && calm.thresholdPercent.lt('0.5')).toBe(true);
    expect([calm.depthMultiple.toFixed(), calm.highVolatility]).toEqual(['2.5', false]);
    expect(calm.reasons[0]).toMatch(/^calm: daily range 0\.\dx average$/);
    expect(cycleTimeMs(cadence, calm.highVolatility)).toBe(10_000);
    expect(fetches).toEqual(['kraken:BTC/USD:16']); // once per day per market: averageDays + 2

    const spikeStart = START + 20 * 60_000;
    await run([{ kind: 'spike', minutes: 3 }], spikeStart, { level: 60_000 });
    const spike = scanner.contextFor('kraken', 'BTC/USD');
    expect(spike.level).toBe('careful');
    // High volatility plus spread and whale warnings: the top of both ranges.
    expect([spike.thresholdPercent.toFixed(), spike.depthMultiple.toFixed(), spike.highVolatility]).toEqual(['1', '5', true]);
    expect(spike.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^intraday range \d+\.\dx norm$/), expect.stringMatching(/^spread \d+\.\dx norm$/), expect.stringMatching(/^whale sells \d+$/)]));
    expect(cycleTimeMs(cadence, spike.highVolatility)).toBe(20_000);

    // The spike's last 2 minutes at the new level, then calm until the window (15 min) holds no spike.
    const calmAgain = START + 23 * 60_000;
    await run([{ kind: 'spike', minutes: 2 }, { kind: 'calm', minutes: 16 }], calmAgain, { level: 59_100, dropPercent: 0 });
    const after = scanner.contextFor('kraken', 'BTC/USD');
    expect(after.level).toBe('aggressive');
    expect(after.thresholdPercent.gte('0.4') && after.thresholdPercent.lt('0.5')).toBe(true);
    expect([after.depthMultiple.toFixed(), after.highVolatility]).toEqual(['2.5', false]);
    expect(fetches).toHaveLength(1);

    // Every change was recorded with its reasons, in order: ... aggressive -> ... careful -> ... aggressive
    // (the numbers move continuously, so a single warning while warming up is a change too).
    const levels = changes.map((c) => c.level);
    const firstCareful = levels.indexOf('careful');
    expect(levels.indexOf('aggressive')).toBeGreaterThanOrEqual(0);
    expect(levels.indexOf('aggressive')).toBeLessThan(firstCareful);
    expect(levels[levels.length - 1]).toBe('aggressive');
    expect(Number(changes.find((c) => c.level === 'careful')!.thresholdPercent)).toBeGreaterThan(0.5);
    expect(scanner.history('kraken', 'BTC/USD').length).toBeLessThanOrEqual(50);

    // Snapshot and metrics carry the context.
    const snap = scanner.snapshot();
    expect(snap.markets).toHaveLength(1);
    expect(snap.markets[0]!.context.level).toBe('aggressive');
    expect(snap.markets[0]!.dailyCandles).toBe('rest');
    expect(snap.markets[0]!.indicators.wyckoff).toBeDefined();
    const text = await registry.metrics();
    expect(text).toContain('qbot_market_context_level{exchange="kraken",symbol="BTC/USD"} 0');
    expect(text).toContain(`qbot_market_context_threshold_percent{exchange="kraken",symbol="BTC/USD"} ${after.thresholdPercent.toFixed()}`);
  });

  it('recomputes only on its schedule, never on an event', async () => {
    const { scanner, timer, run } = setup();
    await run([{ kind: 'calm', minutes: 20 }], START);
    expect(scanner.contextFor('kraken', 'BTC/USD').level).toBe('aggressive');
    const updates = scanner.snapshot().updates;
    // Spike events without a timer tick: the context stays as it was.
    scanner.stop();
    await run([{ kind: 'spike', minutes: 2 }], START + 20 * 60_000);
    expect(timer.active).toBe(false);
    expect(scanner.snapshot().updates).toBe(updates);
    expect(scanner.contextFor('kraken', 'BTC/USD').level).toBe('aggressive');
    scanner.updateNow();
    expect(scanner.contextFor('kraken', 'BTC/USD').level).toBe('careful');
  });
});
