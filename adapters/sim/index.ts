import type { ExchangeId } from '../../domain/market';
import { EXCHANGE_IDS } from '../../domain/market';
import { Accounts } from './accounts/accounts';
import { readSimState, SimStateWriter } from './accounts/state-file';
import { Funding } from './accounts/funding';
import { Earn } from './accounts/earn';
import type { SimContext, Venue, VenueStats } from './context';
import { createControl, type SimControl } from './control';
import { emptyFaults, parseFaultSpec } from './faults';
import { ModelDriver } from './model/driver';
import { defaultMarkets, replayMarket } from './model/markets';
import { readReplayFile } from './replay/format';
import { ReplayDriver } from './replay/driver';
import { BookStore } from './model/store';
import { SimServer } from './server';
import { binanceVenue } from './venues/binance';
import { krakenVenue } from './venues/kraken';
import { coinbaseVenue } from './venues/coinbase';
import { generateKeyPairSync } from 'node:crypto';

export type { SimControl, SimOrderView, SimWithdrawalView } from './control';
export type { ReplaySnapshot } from './replay/format';
export { parseSnapshotLine, readReplayFile, toJsonl } from './replay/format';
export { convertInterdex, convertInterdexFile } from './replay/convert-interdex';
export type { Fault } from './faults';
export { parseFaultSpec } from './faults';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  replayFile?: string;
  /** Replay speed: 1 = recorded pace, 10 = ten times faster, 0 = as fast as step() is called. */
  replaySpeed?: number;
  faults?: string;
  exchanges?: ExchangeId[];
  /** Market model step in ms (default 250). */
  tickMs?: number;
  /** Default true; tests may set false and call control.step(). */
  autoTick?: boolean;
  /** Chance per model step and venue that a price dislocation starts (default 0.002). */
  dislocationRate?: number;
  /** How long a withdrawal stays pending before it confirms (default 2000 ms). */
  withdrawalDelayMs?: number;
  /** How long a bonded unstake (Kraken ETH/SOL) takes (default 3000 ms). */
  unbondingMs?: number;
  /**
   * Keep the accounts (balances, orders, transfers, staking, id counters) in this JSON file: read
   * at start when it exists, written within `stateSaveMs` (default 500 ms) of a change and at close.
   */
  stateFile?: string;
  stateSaveMs?: number;
  /**
   * Coinbase stops a level2 channel that has been quiet this long unless the connection also
   * subscribed to heartbeats (the real venue does so after ~60-90 s). 0 (default) = never.
   */
  coinbaseQuietDropMs?: number;
  /**
   * Levels a side each model book can grow to (default 2000): what a Coinbase level2 snapshot (the
   * full book) and a large Binance/Kraken REST depth carry. Books start with 60 levels and grow
   * when a client asks for more. Replayed books keep their own depth.
   */
  bookDepth?: number;
}

export interface RunningSimulator {
  port: number;
  /** ccxt `urls` overrides per exchange: deep-merge into the exchange's urls. */
  urls: Record<ExchangeId, Record<string, unknown>>;
  /** Constructor options for ccxt: { urls: deep-merged, apiKey/secret demo values, options... }. */
  ccxtOptions(exchange: ExchangeId): Record<string, unknown>;
  control: SimControl;
  close(): Promise<void>;
}

const VENUES: Partial<Record<ExchangeId, Venue>> = { binance: binanceVenue, kraken: krakenVenue, coinbase: coinbaseVenue };

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const exchanges = (opts.exchanges ?? [...EXCHANGE_IDS]).filter((e) => VENUES[e]);
  const host = opts.host ?? '127.0.0.1';
  // Bad options fail here, before anything listens.
  const faults = opts.faults ? parseFaultSpec(opts.faults) : [];
  for (const f of faults) if (!exchanges.includes(f.exchange)) throw new Error(`fault for ${f.exchange}, which is not running`);
  const now = (): number => Date.now();
  const store = new BookStore(now);
  for (const ex of exchanges) for (const m of defaultMarkets(ex)) store.addMarket(m);
  const replay = opts.replayFile ? readReplayFile(opts.replayFile).filter((s) => exchanges.includes(s.exchange)) : undefined;
  for (const s of replay ?? []) {
    if (!store.market(s.exchange, s.symbol)) store.addMarket(replayMarket(s.exchange, s.symbol, [...s.bids, ...s.asks].map((l) => l[0]), [...s.bids, ...s.asks].map((l) => l[1])));
  }
  let port = 0;
  const accounts = new Accounts(store, now, exchanges);
  const ctx: SimContext = {
    store,
    accounts,
    funding: new Funding(accounts, exchanges, () => ctx.faults, now, opts.withdrawalDelayMs ?? 2000),
    earn: new Earn(accounts, now, opts.unbondingMs ?? 3000),
    faults: perExchange(exchanges, emptyFaults),
    stats: perExchange(exchanges, (): VenueStats => ({ requests: 0, connections: 0, subscriptions: 0 })),
    sockets: perExchange(exchanges, () => new Set()),
    now,
    options: { coinbaseQuietDropMs: opts.coinbaseQuietDropMs ?? 0, seed: opts.seed ?? 1 },
    httpBase: () => `http://${host}:${port}`,
    wsBase: () => `ws://${host}:${port}`,
  };
  const driver = replay ? new ReplayDriver(store, replay, opts.replaySpeed ?? 1) : new ModelDriver(store, opts.seed ?? 1, exchanges, opts.dislocationRate, opts.bookDepth);
  if (driver instanceof ModelDriver) driver.step(1);
  const saved = opts.stateFile ? readSimState(opts.stateFile) : undefined;
  if (saved) {
    accounts.importState(saved.accounts);
    ctx.funding.importState(saved.funding);
    ctx.earn.importState(saved.earn);
  }
  const writer = opts.stateFile ? new SimStateWriter(opts.stateFile, () => ({ version: 1, accounts: accounts.exportState(), funding: ctx.funding.exportState(), earn: ctx.earn.exportState() })) : undefined;
  writer?.save();
  const saving = writer ? setInterval(() => writer.save(), opts.stateSaveMs ?? 500) : undefined;
  saving?.unref();
  const venues = exchanges.map((e) => VENUES[e] as Venue);
  const server = new SimServer(ctx, venues);
  port = await server.listen(opts.port ?? 0, host);
  const control = createControl({ ctx, exchanges, step: (n) => driver.step(n), dropSockets: (e) => server.dropSockets(e) });
  for (const { exchange, fault } of faults) control.injectFault(exchange, fault);
  let timer: NodeJS.Timeout | undefined;
  if (opts.autoTick !== false) {
    if (driver instanceof ReplayDriver) driver.start();
    else timer = setInterval(() => driver.step(1), opts.tickMs ?? 250);
  }
  const urls = Object.fromEntries(venues.map((v) => [v.id, v.urls(ctx.httpBase(), ctx.wsBase())])) as Record<ExchangeId, Record<string, unknown>>;
  return {
    port,
    urls,
    ccxtOptions(exchange) {
      const v = VENUES[exchange];
      if (!v || !exchanges.includes(exchange)) throw new Error(`sim: ${exchange} is not running`);
      return { urls: urls[exchange], ...demoKeys(exchange), enableRateLimit: false, ...v.ccxtExtras() };
    },
    control,
    async close() {
      if (timer) clearInterval(timer);
      if (driver instanceof ReplayDriver) driver.stop();
      if (saving) clearInterval(saving);
      writer?.save();
      ctx.funding.close();
      ctx.earn.close();
      await server.close();
    },
  };
}

/**
 * The ccxt options for a simulator another process runs at `baseUrl` (e.g. SIM_URL=
 * http://127.0.0.1:8790): the same urls, demo keys and extras a RunningSimulator hands out.
 */
export function simulatorCcxtOptions(baseUrl: string, exchange: ExchangeId): { urls: Record<string, unknown>; ccxtOptions: Record<string, unknown> } {
  const v = VENUES[exchange];
  if (!v) throw new Error(`sim: ${exchange} is not simulated`);
  const http = baseUrl.replace(/\/+$/, '');
  const urls = v.urls(http, http.replace(/^http/, 'ws'));
  return { urls, ccxtOptions: { urls, ...demoKeys(exchange), enableRateLimit: false, ...v.ccxtExtras() } };
}

function perExchange<T>(exchanges: ExchangeId[], make: () => T): Record<ExchangeId, T> {
  return Object.fromEntries(exchanges.map((e) => [e, make()])) as Record<ExchangeId, T>;
}

/** Any key works against the sim; these only satisfy ccxt's own credential checks. */
function demoKeys(exchange: ExchangeId): Record<string, string> {
  if (exchange === 'coinbase') return { apiKey: 'organizations/sim/apiKeys/sim-key', secret: simEcPem() };
  if (exchange === 'kraken') return { apiKey: 'sim-kraken-key', secret: Buffer.from('sim-kraken-secret-0123456789abcdef').toString('base64') };
  return { apiKey: 'sim-binance-key', secret: 'sim-binance-secret' };
}

/** A throwaway EC key so ccxt can sign its ES256 JWT; the sim accepts any bearer token. */
let simPem: string | undefined;
function simEcPem(): string {
  simPem ??= generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  return simPem;
}
