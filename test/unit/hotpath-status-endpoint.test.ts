import { waitUntil } from '../helpers/wait';
import { freePort } from '../helpers/processes';
import { loadConfig } from '../../config/loader';
import { startSimulator, type RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startHotpath, type HotpathProcess } from '../../workers/hotpath';
import { parseHotpathStatus } from '../../hotpath/status-schema';
import { httpHotpaths, inProcessHotpath } from '../../dashboard/hotpath-source';

const TOKEN = 'status-token-0123456789';
const noClient = () => Promise.reject(new Error('no Temporal in this test'));

describe('the hot path status endpoint (real hot path over ccxt against the simulator, real HTTP)', () => {
  let sim: RunningSimulator;
  let hp: HotpathProcess;
  let url: string;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, tickMs: 100 });
    hp = await startHotpath({
      sim, temporal: false, metricsPort: 0, ledger: SqliteLedger.open({ file: ':memory:' }), maxSymbolsPerVenue: 20,
      config: loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', DASHBOARD_TOKEN: TOKEN } }),
    });
    url = `http://127.0.0.1:${hp.metricsPort}/status`;
  }, 60_000);
  afterAll(async () => {
    await hp?.close();
    await sim?.close();
  });

  it('needs the dashboard token when one is set, and answers GET only', async () => {
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-dashboard-token': 'wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { 'x-dashboard-token': TOKEN } })).status).toBe(405);
    // Prometheus keeps scraping without a token.
    expect((await fetch(`http://127.0.0.1:${hp.metricsPort}/metrics`)).status).toBe(200);
  });

  it('serves the feeds, balances (decimal strings) and control state that the schema accepts', async () => {
    await waitUntil('books live on three venues', () => hp.venues.every((v) => v.marketData.health().some((h) => h.state === 'live')), 20_000);
    const r = await fetch(url, { headers: { 'x-dashboard-token': TOKEN } });
    expect(r.status).toBe(200);
    const raw = (await r.json()) as { balances: Array<{ amount: unknown }> };
    expect(typeof raw.balances[0]?.amount).toBe('string');
    const parsed = parseHotpathStatus(raw);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.status.feeds.map((f) => f.exchange).sort()).toEqual(['binance', 'coinbase', 'kraken']);
    expect(parsed.status.balances.find((b) => b.exchange === 'binance' && b.asset === 'USDT')?.amount.eq(1000)).toBe(true);
    expect(parsed.status.control.paused).toBe(false);
    expect(parsed.status.counters.books).toBeGreaterThan(0);
  });

  it('the HTTP source reads it like the in-process one; a pause shows; a dead or foreign hot path is a reading with its reason', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/status`;
    const source = httpHotpaths({ urls: [url, dead], token: TOKEN, client: noClient });
    hp.control.pause('operator test');
    try {
      const [up, down] = await source.read();
      expect(up).toMatchObject({ source: url, ok: true });
      if (up?.ok) expect(up.status.control).toMatchObject({ paused: true, pausedReason: 'operator test' });
      expect(down).toEqual({ source: dead, ok: false, reason: 'unreachable (ECONNREFUSED)' });
      const [local] = await inProcessHotpath(hp).read();
      expect(local).toMatchObject({ ok: true, status: { control: { paused: true } } });
    } finally {
      hp.control.resume();
    }
    const [foreign] = await httpHotpaths({ urls: [url], token: 'another-token-0123456789', client: noClient }).read();
    expect(foreign).toMatchObject({ ok: false, reason: expect.stringMatching(/answered 401/) as unknown });
    // Without Temporal the HTTP source's pause is refused with the reason, never sent over HTTP.
    await expect(source.pause('x')).rejects.toThrow(/no Temporal/);
  });
});
