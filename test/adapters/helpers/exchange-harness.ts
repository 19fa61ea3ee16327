import { waitUntil } from '../../helpers/wait';
import { loadConfig } from '../../../config/loader';
import type { Settings } from '../../../config/schemas';
import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import type { OrderBook } from '../../../domain/orderbook';
import { createExchangeAdapters, type ExchangeAdapters } from '../../../adapters/exchanges';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../adapters/sim';
import { systemClock } from '../../../ports/clock';

/** The configured stale age for tests: short, and read by the adapter from settings like in production. */
export const TEST_STALE_AFTER_MS = 700;

export interface Harness {
  sim: RunningSimulator;
  ad: ExchangeAdapters;
  settings: Settings;
  close(): Promise<void>;
}

type AdapterOpts = Partial<Parameters<typeof createExchangeAdapters>[0]> & { ccxtExtra?: Record<string, unknown>; envExtra?: Record<string, string> };

export function testConfig(envExtra: Record<string, string> = {}): { cfg: ReturnType<typeof loadConfig>; settings: Settings } {
  const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...envExtra } });
  const settings: Settings = {
    ...cfg.settings,
    latencyProfiles: { ...cfg.settings.latencyProfiles, laptop: { ...cfg.settings.latencyProfiles.laptop, staleAfterMs: TEST_STALE_AFTER_MS, wsSubscriptionsPerSecond: 20 } },
  };
  return { cfg, settings };
}

/** Adapters for one venue of a running simulator (a second call models a restarted process). */
export async function adaptersFor(sim: RunningSimulator, exchange: ExchangeId, opts: AdapterOpts = {}): Promise<ExchangeAdapters> {
  const { ccxtExtra, envExtra, ...rest } = opts;
  const { cfg, settings } = testConfig(envExtra);
  return createExchangeAdapters({
    exchange,
    env: cfg.env,
    settings,
    clock: systemClock,
    networks: cfg.networks,
    ccxtOptions: { ...sim.ccxtOptions(exchange), ...ccxtExtra },
    marketData: { backoffBaseMs: 100, backoffMaxMs: 1000, bookDepth: 20 },
    rateBudget: { backoff429Ms: 400, backoff418Ms: 1500 },
    ...rest,
  });
}

export async function startHarness(exchange: ExchangeId, simOpts: SimulatorOptions = {}, adapterOpts: AdapterOpts = {}): Promise<Harness> {
  const { settings } = testConfig();
  const sim = await startSimulator({ port: 0, seed: 11, autoTick: false, exchanges: [exchange], withdrawalDelayMs: 300, ...simOpts });
  try {
    const ad = await adaptersFor(sim, exchange, adapterOpts);
    return { sim, ad, settings, close: async () => { await ad.close(); await sim.close(); } };
  } catch (e) {
    await sim.close();
    throw e;
  }
}

/** Waits for `cond`; `ms` is a quiet-machine deadline scaled by TEST_TIME_SCALE. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  await waitUntil(what, cond, ms, 20);
}

type Levels = Array<[string, string]>;

/** Our Decimal book as canonical strings, to compare with the simulator's own decimal strings. */
export function levelsOf(book: OrderBook | undefined, depth: number): { bids: Levels; asks: Levels } | undefined {
  if (!book) return undefined;
  const s = (xs: OrderBook['bids']): Levels => xs.slice(0, depth).map((l) => [l.price.toFixed(), l.amount.toFixed()]);
  return { bids: s(book.bids), asks: s(book.asks) };
}

export function simLevels(book: { bids: Levels; asks: Levels }, depth: number): { bids: Levels; asks: Levels } {
  const s = (xs: Levels): Levels => xs.slice(0, depth).map(([p, a]) => [new Decimal(p).toFixed(), new Decimal(a).toFixed()]);
  return { bids: s(book.bids), asks: s(book.asks) };
}

export function sameAsSim(h: Harness, exchange: ExchangeId, symbol: string, depth: number, simSymbol = symbol): boolean {
  const ours = levelsOf(h.ad.marketData.latestBook(symbol), depth);
  return ours !== undefined && JSON.stringify(ours) === JSON.stringify(simLevels(h.sim.control.book(exchange, simSymbol), depth));
}

export function healthOf(h: Harness, symbol: string): { state: string; reconnects: number; resyncs: number; ageMs: number | null } {
  const row = h.ad.marketData.health().find((x) => x.symbol === symbol) as { state: string; reconnects: number; resyncs?: number; ageMs: number | null } | undefined;
  if (!row) throw new Error(`no health row for ${symbol}`);
  return { state: row.state, reconnects: row.reconnects, resyncs: row.resyncs ?? 0, ageMs: row.ageMs };
}

/** Drives the simulator's market model while a test waits (the sim runs with autoTick off). */
export function ticking(h: Harness, everyMs = 40): () => void {
  const t = setInterval(() => h.sim.control.step(1), everyMs);
  return () => clearInterval(t);
}
