/**
 * `npm run bench [-- --json FILE] [-- --no-tick] [-- --samples N]`: the Q-bot's latency and memory
 * figures. A benchmark, never a timed test: it prints what it measured and the targets, and fails
 * nothing. Every count is named for what it counts; cold (first scan of a fresh process) and
 * steady state (after warm-up) are reported apart; the simulator runs in its own process.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { Decimal } from '../../domain/money/decimal';
import { baselineThresholdSource, evaluateCycle, feesFromMarkets, type MarketBook, type TriEvaluation } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { BookCache } from '../../hotpath/book-cache';
import { createLogger } from '../../hotpath/logger';
import { QbotMetrics } from '../../hotpath/metrics';
import { Qbot } from '../../hotpath/qbot';
import { qbotConfigFrom, triStartCurrencies } from '../../hotpath/qbot-config';
import type { ScanDeps } from '../../hotpath/scan-deps';
import { TriScanner, type TriScanResult } from '../../hotpath/tri-scanner';
import { usdPrice } from '../../hotpath/valuation';
import type { Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { binanceGraph, bookAround, crossMarkets, midOf, prng } from './fixtures';
import { floatBook, floatEvaluateCycle, type FloatLegBook } from './float-tri';
import { tickToOrder } from './tick-to-order';
import { orderStateWrites } from './order-state';

const T0 = Date.UTC(2026, 0, 15);
const cfg = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const usSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1000;
const HELD = { BTC: 1, ETH: 1, SOL: 1 };

function balancesFor(markets: Market[]): Map<string, Decimal> {
  const balances = new Map<string, Decimal>();
  for (const m of markets) for (const a of [m.base, m.quote]) balances.set(`${m.exchange}:${a}`, new Decimal(a in HELD ? '1' : '10000'));
  return balances;
}

function qbotFor(markets: Market[], clock: { now: () => number }): Qbot {
  return new Qbot({
    config: cfg, markets, fee: feesFromMarkets(markets), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth), clock,
    log: createLogger('silent'), metrics: new QbotMetrics(), balances: balancesFor(markets), totalCapitalUsd: new Decimal(90000),
  });
}

/** The triangular scanner alone over a filled cache, wired as the Q-bot wires it. */
function triFor(markets: Market[], books: OrderBook[], clock: { now: () => number }): { cache: BookCache; tri: TriScanner; deps: ScanDeps } {
  const cache = new BookCache(markets);
  for (const b of books) cache.apply(b);
  const balances = balancesFor(markets);
  const q = qbotFor(markets, clock);
  const deps: ScanDeps = {
    cache, config: cfg, fee: feesFromMarkets(markets), thresholds: baselineThresholdSource(cfg.threshold, cfg.depth), now: clock.now, locked: new Set(),
    balance: (ex, asset) => balances.get(`${ex}:${asset}`) ?? new Decimal(0), capital: () => q.capital(),
  };
  // The constructor copies the tops of the books already cached: no scan has run yet.
  return { cache, tri: new TriScanner(deps, triStartCurrencies(cfg)), deps };
}

function benchCross(): { p50: number; p99: number; p999: number; exactP50: number; evaluatedShare: number } {
  const markets = crossMarkets();
  let now = T0;
  const q = qbotFor(markets, { now: () => now });
  const rnd = prng(42);
  // One price per coin (a random walk); each venue quotes it with a few bps of its own noise.
  const mids = new Map(['BTC', 'ETH', 'SOL'].map((b) => [b, midOf({ base: b } as Market)]));
  for (const m of markets) q.onBook(bookAround(m, midOf(m), now, rnd));
  const cross = markets.filter((m) => m.base in HELD);
  const times: number[] = [];
  const exact: number[] = [];
  let evaluated = 0;
  const N = 30_000;
  let dislocated: Market | undefined;
  for (let i = 0; i < N; i += 1) {
    now += 1;
    // One update in 1,000 is a 1 % dislocation, corrected by the next update of that market, so
    // the exact Decimal path is timed too (reported apart: it is the rare path by design).
    const m = dislocated ?? cross[Math.floor(rnd() * cross.length)]!;
    const coin = mids.get(m.base)! * (1 + (rnd() - 0.5) * 0.0002);
    mids.set(m.base, coin);
    const mid = coin * (1 + (rnd() - 0.5) * 0.0006);
    const dislocate = !dislocated && rnd() < 0.001;
    dislocated = dislocate ? m : undefined;
    const book = bookAround(m, dislocate ? mid * 1.01 : mid, now, rnd);
    const t0 = process.hrtime.bigint();
    const entry = q.cache.apply(book)!;
    const r = q.cross.onBook(entry);
    const us = usSince(t0);
    if (i >= 2000) (r.evaluated.length > 0 ? exact : times).push(us);
    evaluated += r.evaluated.length > 0 ? 1 : 0;
  }
  const all = [...times, ...exact];
  return { p50: quantile(all, 0.5), p99: quantile(all, 0.99), p999: quantile(all, 0.999), exactP50: exact.length ? quantile(exact, 0.5) : 0, evaluatedShare: evaluated / N };
}

/** Codes the scanner gives before any exact depth walk (book gates, top-of-book plausibility...). */
function reachedExactWalk(ev: TriEvaluation): boolean {
  if (!ev.rejection) return true;
  const { code, figures } = ev.rejection;
  if (['BOOK_EMPTY', 'BOOK_STALE', 'FEED_NOT_LIVE', 'ASSET_LOCKED', 'NO_CONVERSION'].includes(code)) return false;
  return !(code === 'IMPLAUSIBLE_PROFIT' && 'topOfBookGross' in figures);
}

interface ScanCounts {
  /** Cycles whose float upper bound cleared the threshold (before branch and bound). */
  prefilterSurvivors: number;
  /** Survivors stopped by a gate before any Decimal walk (stale book, implausible top of book...). */
  gatedBeforeWalk: number;
  /** Cycles walked through their books in Decimal (the expensive part). */
  exactWalks: number;
  rejectedBy: Record<string, number>;
}

function counts(cycles: number, r: TriScanResult): ScanCounts {
  const rejectedBy: Record<string, number> = {};
  for (const ev of r.evaluated) if (ev.rejection) rejectedBy[ev.rejection.code] = (rejectedBy[ev.rejection.code] ?? 0) + 1;
  const walks = r.evaluated.filter(reachedExactWalk).length;
  return { prefilterSurvivors: cycles - r.prefiltered, gatedBeforeWalk: r.evaluated.length - walks, exactWalks: walks, rejectedBy };
}

/** Child mode: the first full scan of a fresh process (nothing has run in it before). */
function triCold(consistent: boolean): { coldMs: number; secondMs: number } | undefined {
  const g = binanceGraph(T0, consistent);
  if (!g) return undefined;
  const { tri } = triFor(g.markets, g.books, { now: () => T0 });
  let t0 = process.hrtime.bigint();
  tri.fullScan('binance');
  const coldMs = usSince(t0) / 1000;
  t0 = process.hrtime.bigint();
  tri.fullScan('binance');
  return { coldMs, secondMs: usSince(t0) / 1000 };
}

function forkCold(consistent: boolean): Promise<{ coldMs: number; secondMs: number } | undefined> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--tri-cold', consistent ? 'consistent' : 'recorded'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve((m as { r?: { coldMs: number; secondMs: number } }).r));
    child.once('error', reject);
  });
}

interface TriFigures {
  markets: number;
  cycles: number;
  coldMs?: number;
  steadyMs: number;
  full: ScanCounts;
  incP50: number;
  incP99: number;
  incExactWalksPerUpdate: number;
}

function benchTri(consistent: boolean, cold?: { coldMs: number }): TriFigures | undefined {
  const g = binanceGraph(T0, consistent);
  if (!g) return undefined;
  let now = T0;
  const { cache, tri } = triFor(g.markets, g.books, { now: () => now });
  const graph = tri.graph('binance')!;
  // Steady state: 20 scans of warm-up, then the median of 30.
  let last: TriScanResult = tri.fullScan('binance');
  for (let k = 0; k < 19; k += 1) tri.fullScan('binance');
  const runs: number[] = [];
  for (let k = 0; k < 30; k += 1) {
    const t0 = process.hrtime.bigint();
    last = tri.fullScan('binance');
    runs.push(usSince(t0) / 1000);
  }
  const rnd = prng(7);
  const inc: number[] = [];
  let walks = 0;
  const N = 5000;
  for (let i = 0; i < N; i += 1) {
    now += 1;
    const b = g.books[Math.floor(rnd() * g.books.length)]!;
    const f = 1 + (rnd() - 0.5) * 0.0002;
    const moved = { ...b, receivedAt: now, bids: b.bids.map((l) => ({ price: l.price.times(f), amount: l.amount })), asks: b.asks.map((l) => ({ price: l.price.times(f), amount: l.amount })) };
    const t0 = process.hrtime.bigint();
    const entry = cache.apply(moved)!;
    const r = tri.onBook(entry);
    const us = usSince(t0);
    if (i >= 500) inc.push(us);
    walks += r.evaluated.filter(reachedExactWalk).length;
  }
  return {
    markets: graph.markets.length, cycles: graph.cycles.length, ...(cold ? { coldMs: cold.coldMs } : {}), steadyMs: median(runs),
    full: counts(graph.cycles.length, last), incP50: quantile(inc, 0.5), incP99: quantile(inc, 0.99), incExactWalksPerUpdate: walks / N,
  };
}

/**
 * One exact triangle evaluation (evaluateCycle: three depth walks, the depth check, the gross
 * walk) against the float walk of the same cycle on the same books, same process, same run.
 * Cycles: a fixed sample of the consistently priced 2023 graph (5 levels a side), each walked in
 * full; the float version is the yardstick only.
 */
function benchExactVsFloat(): { exactP50: number; exactP99: number; floatP50: number; ratio: number; cycles: number; sameBest: boolean } | undefined {
  const g = binanceGraph(T0, true);
  if (!g) return undefined;
  const { cache, tri, deps } = triFor(g.markets, g.books, { now: () => T0 });
  const graph = tri.graph('binance')!;
  const ctx = deps.thresholds.current('triangular');
  const params = { thresholdPercent: ctx.thresholdPercent, depthLevels: cfg.depth.levels, depthMultiple: ctx.depthMultiple, minTradeUsd: cfg.minTradeUsd, maxPlausibleGrossPercent: cfg.maxPlausibleGrossPercent };
  const fparams = { thresholdPercent: ctx.thresholdPercent.toNumber(), depthLevels: cfg.depth.levels, depthMultiple: ctx.depthMultiple.toNumber(), minTradeUsd: cfg.minTradeUsd.toNumber(), maxPlausibleGrossPercent: cfg.maxPlausibleGrossPercent.toNumber() };
  const capitalUsd = deps.capital().triangular;
  const rnd = prng(11);
  type Case = { input: Parameters<typeof evaluateCycle>[0]; fbooks: FloatLegBook[]; startFree: number; capital: number; usd: number };
  const cases: Case[] = [];
  for (let tries = 0; cases.length < 300 && tries < 20_000; tries += 1) {
    const cycle = graph.cycles[Math.floor(rnd() * graph.cycles.length)]!;
    const books = cycle.legs.map((l) => cache.get('binance', graph.markets[l.market]!.symbol));
    if (books.some((b) => !b || b.book.bids.length === 0 || b.book.asks.length === 0)) continue;
    const usd = usdPrice(cache, cycle.start, cfg.stablecoins);
    if (!usd) continue;
    const startFree = deps.balance('binance', cycle.start);
    const input = { cycle, books: books as unknown as [MarketBook, MarketBook, MarketBook], startFree, capitalUsd, usdPerStart: usd, fee: deps.fee, params };
    // Only cycles the exact evaluation walks in full (no depth or minimum stop on the way).
    const probe = evaluateCycle(input);
    if (probe.legs.length !== 3) continue;
    const fbooks = cycle.legs.map((l, k) => floatBook(books[k]!.book, books[k]!.market, deps.fee('binance', graph.markets[l.market]!.symbol, l.side).toNumber()));
    cases.push({ input, fbooks, startFree: startFree.toNumber(), capital: capitalUsd.toNumber(), usd: usd.toNumber() });
  }
  if (cases.length === 0) return undefined;
  const exact: number[] = [];
  const float: number[] = [];
  let sink = 0;
  for (let round = 0; round < 12; round += 1) {
    for (const c of cases) {
      let t0 = process.hrtime.bigint();
      const e = evaluateCycle(c.input);
      const eu = usSince(t0);
      t0 = process.hrtime.bigint();
      const f = floatEvaluateCycle(c.input.cycle, c.fbooks, c.startFree, c.capital, c.usd, fparams);
      const fu = usSince(t0);
      sink += e.legs.length + f.netPercent;
      // Two rounds of warm-up for both.
      if (round >= 2) {
        exact.push(eu);
        float.push(fu);
      }
    }
  }
  if (Number.isNaN(sink)) console.log('');
  const bestOf = (score: (c: Case) => number) => cases.reduce((b, c) => (score(c) > score(b) ? c : b), cases[0]!).input.cycle.id;
  const sameBest = bestOf((c) => evaluateCycle(c.input).netPercent.toNumber()) === bestOf((c) => floatEvaluateCycle(c.input.cycle, c.fbooks, c.startFree, c.capital, c.usd, fparams).netPercent);
  const exactP50 = median(exact);
  const floatP50 = median(float);
  return { exactP50, exactP99: quantile(exact, 0.99), floatP50, ratio: floatP50 / exactP50, cycles: cases.length, sameBest };
}

async function main(): Promise<void> {
  const coldAt = process.argv.indexOf('--tri-cold');
  if (coldAt >= 0) {
    process.send!({ r: triCold(process.argv[coldAt + 1] === 'consistent') });
    return;
  }
  const jsonAt = process.argv.indexOf('--json');
  const samplesAt = process.argv.indexOf('--samples');
  const samples = samplesAt >= 0 ? Number(process.argv[samplesAt + 1]) : 1000;
  // First, in a fresh process: the live hot path over the simulator process (its RSS is the
  // hot path's own) and the cold scans, each in a fresh child process of its own.
  const live = process.argv.includes('--no-tick') ? undefined : await tickToOrder(samples);
  const states = orderStateWrites(500);
  const ticksMs = (live?.us ?? []).map((u) => u / 1000);
  const cold = await forkCold(false);
  const coldConsistent = await forkCold(true);
  const c = benchCross();
  const t = benchTri(false, cold);
  const tc = benchTri(true, coldConsistent);
  const ev = benchExactVsFloat();
  const n = (x: number | undefined | null) => (x === undefined || x === null || Number.isNaN(x) ? null : round(x));
  const figures: Record<string, number | string | boolean | null | Record<string, number>> = {
    tick_to_order_ms_p50: n(quantile(ticksMs, 0.5)), tick_to_order_ms_p99: n(quantile(ticksMs, 0.99)), tick_to_order_ms_max: n(quantile(ticksMs, 1)),
    tick_to_order_samples: ticksMs.length, tick_to_order_missed: live?.missed ?? null,
    book_to_order_us_p50: n(quantile(live?.bookToOrderUs ?? [], 0.5)), book_to_order_us_p99: n(quantile(live?.bookToOrderUs ?? [], 0.99)),
    book_to_order_note: 'in the hot path alone: the Q-bot receives the dislocated book (parsed by ccxt, copied) -> decision, gates, capital reservation -> order booked',
    tick_to_order_note: 'simulator process WebSocket -> ccxt -> cache -> scanners -> gates -> first IOC order booked (paper); process.hrtime (CLOCK_MONOTONIC) in both processes, µs resolution',
    gc_ms_total: n(live?.gc.ms), gc_count: live?.gc.count ?? null, gc_ms_max: n(live?.gc.maxMs),
    gc_note: 'GC pauses in the hot path process during the tick-to-order run',
    tick_to_order_load_avg_start: n(live?.load.start), tick_to_order_load_avg_end: n(live?.load.end),
    hotpath_rss_mb: n(live?.rssMb),
    hotpath_heap_used_mb: n(live?.memory.heapUsedMb), hotpath_new_space_mb: n(live?.memory.newSpaceMb), hotpath_old_space_mb: n(live?.memory.oldSpaceMb),
    hotpath_code_and_large_objects_mb: n(live?.memory.codeAndLargeMb), hotpath_external_mb: n(live?.memory.externalMb),
    hotpath_memory_note: 'V8 heap spaces resident at the end of the tick-to-order run (new space = 3 x --max-semi-space-size at most); external: outside the JS heap (SQLite, buffers)',
    order_state_write_us_p50: n(quantile(states.writeUs, 0.5)), order_state_write_us_p99: n(quantile(states.writeUs, 0.99)),
    order_state_writes_per_order_us_p50: n(quantile(states.perOrderUs, 0.5)), order_state_writes_per_order_us_p99: n(quantile(states.perOrderUs, 0.99)),
    order_ledger_attempt_us_p50: n(quantile(states.ledgerAttemptUs, 0.5)), order_ledger_attempt_us_p99: n(quantile(states.ledgerAttemptUs, 0.99)),
    order_state_note: 'a live order: its in-flight record (state.sqlite, fsynced) before it is sent and its removal after the answer (500 orders on a real file in the temp dir); the ledger order-attempt line (fsynced) for comparison',
    cross_decision_us_p50: n(c.p50), cross_decision_us_p99: n(c.p99), cross_decision_us_p999: n(c.p999),
    cross_exact_decision_us_p50: n(c.exactP50), cross_updates_reaching_decimal_percent: n(c.evaluatedShare * 100),
    tri_markets: t?.markets ?? null, tri_cycles: t?.cycles ?? null,
    tri_full_scan_ms_cold: n(t?.coldMs), tri_full_scan_ms_steady: n(t?.steadyMs),
    tri_full_scan_prefilter_survivors: t?.full.prefilterSurvivors ?? null,
    tri_full_scan_gated_before_walk: t?.full.gatedBeforeWalk ?? null,
    tri_full_scan_exact_walks: t?.full.exactWalks ?? null,
    tri_full_scan_rejected_by: t?.full.rejectedBy ?? null,
    tri_incremental_us_p50: n(t?.incP50), tri_incremental_us_p99: n(t?.incP99), tri_incremental_exact_walks_per_update: n(t?.incExactWalksPerUpdate),
    tri_full_scan_ms_cold_consistent_prices: n(tc?.coldMs), tri_full_scan_ms_steady_consistent_prices: n(tc?.steadyMs),
    tri_full_scan_prefilter_survivors_consistent_prices: tc?.full.prefilterSurvivors ?? null,
    tri_full_scan_exact_walks_consistent_prices: tc?.full.exactWalks ?? null,
    tri_incremental_us_p99_consistent_prices: n(tc?.incP99),
    tri_exact_eval_us_p50: n(ev?.exactP50), tri_exact_eval_us_p99: n(ev?.exactP99), tri_float_eval_us_p50: n(ev?.floatP50),
    exact_vs_float_ratio: n(ev?.ratio), exact_vs_float_cycles: ev?.cycles ?? null, exact_and_float_pick_same_best: ev?.sameBest ?? null,
    bench_process_rss_mb: n(process.memoryUsage().rss / 1024 / 1024),
  };
  const num = (k: string) => figures[k] as number | null;
  const target = (k: string, max: number, unit: string, atLeast = false) => {
    const v = num(k);
    const miss = v !== null && (atLeast ? v < max : v > max);
    console.log(`${k.padEnd(44)} ${v === null ? 'n/a' : v.toString().padStart(10)} ${unit.padEnd(3)} (target ${atLeast ? '>=' : '<='} ${max})${miss ? '  MISSED' : ''}`);
  };
  target('tick_to_order_ms_p50', 2, 'ms');
  target('tick_to_order_ms_p99', 10, 'ms');
  console.log(`  ${ticksMs.length} samples (${live?.missed ?? '-'} missed), max ${figures.tick_to_order_ms_max} ms; GC in the hot path ${figures.gc_ms_total} ms in ${figures.gc_count} pauses, longest ${figures.gc_ms_max} ms; load average ${figures.tick_to_order_load_avg_start} -> ${figures.tick_to_order_load_avg_end}`);
  console.log(`  in the hot path alone, book received -> order booked: ${figures.book_to_order_us_p50} / ${figures.book_to_order_us_p99} us p50/p99`);
  target('hotpath_rss_mb', 200, 'MB');
  console.log(`  heap in use ${figures.hotpath_heap_used_mb} MB; resident: new space ${figures.hotpath_new_space_mb}, old space ${figures.hotpath_old_space_mb}, code and large objects ${figures.hotpath_code_and_large_objects_mb} MB; external ${figures.hotpath_external_mb} MB`);
  console.log(`  a live order's state writes (fsynced): ${figures.order_state_write_us_p50} / ${figures.order_state_write_us_p99} us p50/p99 each, ${figures.order_state_writes_per_order_us_p50} / ${figures.order_state_writes_per_order_us_p99} us both; ledger order-attempt line ${figures.order_ledger_attempt_us_p50} / ${figures.order_ledger_attempt_us_p99} us`);
  target('cross_decision_us_p99', 50, 'us');
  target('cross_decision_us_p999', 1000, 'us');
  target('tri_full_scan_ms_cold', 20, 'ms');
  target('tri_full_scan_ms_steady', 5, 'ms');
  target('tri_incremental_us_p99', 100, 'us');
  console.log(`  graph: ${t?.markets ?? '-'} markets, ${t?.cycles ?? '-'} cycles; a full scan: ${t?.full.prefilterSurvivors ?? '-'} prefilter survivors, ${t?.full.gatedBeforeWalk ?? '-'} stopped by a gate before any walk, ${t?.full.exactWalks ?? '-'} exact depth walks ${JSON.stringify(t?.full.rejectedBy ?? {})}`);
  console.log(`  consistent prices: full scan cold ${figures.tri_full_scan_ms_cold_consistent_prices} / steady ${figures.tri_full_scan_ms_steady_consistent_prices} ms, incremental p99 ${figures.tri_incremental_us_p99_consistent_prices} us, ${tc?.full.exactWalks ?? '-'} exact walks`);
  target('tri_exact_eval_us_p50', 25, 'us');
  target('exact_vs_float_ratio', 0.2, '', true);
  console.log(`  float walk p50 ${figures.tri_float_eval_us_p50} us over ${ev?.cycles ?? '-'} cycles; exact and float pick the same best: ${ev?.sameBest ?? '-'}`);
  if (jsonAt >= 0 && process.argv[jsonAt + 1]) fs.writeFileSync(process.argv[jsonAt + 1]!, JSON.stringify(figures, null, 2));
}

const round = (x: number) => Math.round(x * 1000) / 1000;
main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
