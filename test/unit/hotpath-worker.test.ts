import { waitUntil } from '../helpers/wait';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  await waitUntil(what, ok, ms);
}

describe('hot path worker against the local simulator (real ccxt)', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, tickMs: 100 });
    hp = await startHotpath({
      sim, temporal: false, metricsPort: 0, ledger: SqliteLedger.open({ file: ':memory:' }),
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } }),
    });
  }, 60_000);
  afterAll(async () => {
    await hp?.close();
    await sim?.close();
  });

  it('fills the cache from all three venues, scans every update and serves metrics', async () => {
    await until('books from three venues', () => new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size === 3, 20_000);
    await until('cross candidates evaluated or pruned', () => hp.qbot.cross.marketCount > 0, 5_000);
    const body = await (await fetch(`http://127.0.0.1:${hp.metricsPort}/metrics`)).text();
    expect(body).toMatch(/qbot_scan_seconds_count\{strategy="cross"\} [1-9]/);
    expect(body).toContain('qbot_book_age_ms{exchange=');
    expect(hp.control.snapshot().paused).toBe(false);
  });
});
