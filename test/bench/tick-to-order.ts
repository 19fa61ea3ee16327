import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import { loadConfig } from '../../config/loader';
import type { RunningSimulator } from '../../adapters/sim';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import type { Ledger, LedgerEntry } from '../../ports/ledger';
import { startHotpath } from '../../workers/hotpath';
import type { SimReply, SimRequest } from './sim-child';

export interface TickToOrder {
  /** Tick (simulator applies the book) to the first IOC order booked by the hot path, µs. */
  us: number[];
  /**
   * In the hot path alone: from the Q-bot receiving the dislocated book (ccxt parsed it, our copy
   * made) to that order booked, µs: the decision, the gates, the capital check and reservation.
   */
  bookToOrderUs: number[];
  /** Dislocations that produced no order within the deadline. */
  missed: number;
  /** RSS of the hot path process alone (the simulator runs in its own process). */
  rssMb: number;
  /** Where that RSS is: V8's heap spaces (resident), heap in use, and memory outside the heap. */
  memory: { heapUsedMb: number; newSpaceMb: number; oldSpaceMb: number; codeAndLargeMb: number; externalMb: number };
  /** GC pauses in the hot path process during the measured run. */
  gc: { ms: number; count: number; maxMs: number };
  /** The machine's 1-minute load average when the measured run started and ended (how busy the figures' machine was). */
  load: { start: number; end: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `ok()` (polled on the event loop), or fails after `ms`. */
async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`tick-to-order: timed out waiting for ${what}`);
    await sleep(1);
  }
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`tick-to-order: timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The simulator process and a request/reply helper over its IPC channel. */
function forkSimulator(): Promise<{ child: ChildProcess; ask: (m: SimRequest) => Promise<SimReply>; ready: Extract<SimReply, { type: 'ready' }> }> {
  // Inherits tsx's loader from this process's execArgv.
  const child = fork(path.join(__dirname, 'sim-child.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: ((m: SimReply) => void) | undefined;
  const ask = (m: SimRequest) => new Promise<SimReply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tick-to-order: the simulator did not answer ${m.type}`)), 10_000);
    waiting = (r) => (clearTimeout(timer), resolve(r));
    child.send(m);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
    child.on('message', (m: SimReply) => {
      if (m.type === 'ready') return resolve({ child, ask, ready: m });
      const w = waiting;
      waiting = undefined;
      w?.(m);
    });
  });
}

/**
 * Tick to order through the real stack, two processes as in production: the simulator (forked)
 * publishes a dislocated Binance BTC/USDT book over its WebSocket; in this process ccxt parses it
 * and the hot path caches, scans, gates and sends the first IOC order (to paper trading, which
 * books the attempt in the ledger). Measured from just before the simulator applies the book to
 * the moment the ledger is asked to book that order, both on process.hrtime (CLOCK_MONOTONIC,
 * shared by the processes). Between samples Binance quotes Kraken's book again (no cross), so
 * each sample starts from a calm market; the model keeps ticking every 100 ms meanwhile.
 */
export async function tickToOrder(samples: number): Promise<TickToOrder> {
  const cfg = loadConfig({ env: { LOG_LEVEL: 'silent', TRADING_MODE: 'paper', LATENCY_MODE: 'laptop' } });
  cfg.settings.qbot.cycleTimeMs = { cross: 1, triangular: 1 };
  cfg.settings.qbot.killSwitch = { maxDailyLossUsd: new Decimal('1000000'), maxConsecutiveFailures: 1_000_000 };
  // ~10 samples a second send ~1,200 orders a minute: the REST budget would refuse most of them.
  cfg.settings.latencyProfiles.laptop.restRequestsPerMinute = 1_000_000;
  const { child, ask, ready } = await forkSimulator();
  const sim = {
    port: ready.port, urls: ready.urls, ccxtOptions: (e: ExchangeId) => ready.ccxtOptions[e]!,
  } as unknown as RunningSimulator;
  // The order time: when paper trading books the attempt (the ledger sees it synchronously).
  const inner = SqliteLedger.open({ file: ':memory:' });
  let orderAt: bigint | undefined;
  let bookAt: bigint | undefined;
  let bookAtOrder: bigint | undefined;
  let onOrder: (() => void) | undefined;
  const ledger = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return (entries: LedgerEntry[]) => {
          if (orderAt === undefined && entries.some((e) => e.kind === 'order-attempt')) {
            orderAt = process.hrtime.bigint();
            bookAtOrder = bookAt;
            onOrder?.();
          }
          return target.append(entries);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Ledger;
  const hp = await startHotpath({ sim, temporal: false, ledger, config: cfg, baselineThreshold: true });
  // The book that triggers the order is the last Binance BTC/USDT book the Q-bot received before it.
  const onBook = hp.qbot.onBook.bind(hp.qbot);
  hp.qbot.onBook = (book) => {
    if (book.exchange === 'binance' && book.symbol === 'BTC/USDT') bookAt = process.hrtime.bigint();
    return onBook(book);
  };
  const us: number[] = [];
  const bookToOrderUs: number[] = [];
  let missed = 0;
  const gc = { ms: 0, count: 0, maxMs: 0 };
  const load = { start: 0, end: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.count += 1;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  });
  let rssMb = 0;
  let memory: TickToOrder['memory'] = { heapUsedMb: 0, newSpaceMb: 0, oldSpaceMb: 0, codeAndLargeMb: 0, externalMb: 0 };
  try {
    await until(() => new Set([...hp.qbot.cache.all()].map((e) => e.market.exchange)).size === 3, 60_000, 'books from 3 venues');
    const binanceAsk = () => hp.qbot.cache.get('binance', 'BTC/USDT')?.book.asks[0]?.price.toFixed(2);
    const calm = async () => {
      const r = await ask({ type: 'restore' });
      if (r.type !== 'restored') throw new Error(`simulator: ${JSON.stringify(r)}`);
      // A later model tick may move it again: calm = no longer the dislocated price.
      await until(() => binanceAsk() !== undefined && !dislocatedAsk.has(binanceAsk()!), 5_000, 'the calm Binance book');
    };
    const dislocatedAsk = new Set<string>();
    await calm();
    obs.observe({ entryTypes: ['gc'] });
    load.start = os.loadavg()[0]!;
    for (let i = 0; i < samples; i += 1) {
      orderAt = undefined;
      const r = await ask({ type: 'dislocate', down: i % 2 === 0 });
      if (r.type !== 'dislocated') throw new Error(`simulator: ${JSON.stringify(r)}`);
      dislocatedAsk.add(r.price);
      const t0 = BigInt(r.t0);
      if (orderAt === undefined) {
        await new Promise<void>((res) => {
          const timer = setTimeout(res, 2_000);
          onOrder = () => (clearTimeout(timer), res());
        });
        onOrder = undefined;
      }
      if (orderAt === undefined) missed += 1;
      else {
        us.push(Number((orderAt as bigint) - t0) / 1000);
        if (bookAtOrder !== undefined && bookAtOrder >= t0) bookToOrderUs.push(Number((orderAt as bigint) - bookAtOrder) / 1000);
      }
      await within(hp.qbot.drain(), 10_000, 'the attempts in flight');
      await calm();
      if ((i + 1) % 100 === 0) process.stderr.write(`tick-to-order: ${i + 1}/${samples} samples, ${missed} missed\n`);
      dislocatedAsk.clear();
    }
    obs.disconnect();
    load.end = os.loadavg()[0]!;
    const mu = process.memoryUsage();
    rssMb = mu.rss / 1024 / 1024;
    const space = (name: string) => (v8.getHeapSpaceStatistics().find((x) => x.space_name === name)?.physical_space_size ?? 0) / 1024 / 1024;
    memory = {
      heapUsedMb: mu.heapUsed / 1024 / 1024, newSpaceMb: space('new_space'), oldSpaceMb: space('old_space'),
      codeAndLargeMb: space('code_space') + space('large_object_space') + space('code_large_object_space'), externalMb: mu.external / 1024 / 1024,
    };
  } finally {
    obs.disconnect();
    await hp.close();
    child.send({ type: 'close' } satisfies SimRequest);
  }
  return { us, bookToOrderUs, missed, rssMb, memory, gc, load };
}
