/**
 * `nice node --require tsx/cjs test/bench/tri-incremental-micro.ts [updates]`: the bench's
 * triangular incremental run on the recorded 2023 ticker alone (same books, same updates, same
 * wiring), with the updates that lead to an exact walk reported apart: the focused before/after
 * comparison for #17's incremental p99. Run it with `node --cpu-prof` to profile those updates.
 */
import { Decimal } from '../../domain/money/decimal';
import { baselineThresholdSource, feesFromMarkets } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { BookCache } from '../../hotpath/book-cache';
import { createLogger } from '../../hotpath/logger';
import { QbotMetrics } from '../../hotpath/metrics';
import { Qbot } from '../../hotpath/qbot';
import { qbotConfigFrom, triStartCurrencies } from '../../hotpath/qbot-config';
import type { ScanDeps } from '../../hotpath/scan-deps';
import { TriScanner } from '../../hotpath/tri-scanner';
import type { Market } from '../../domain/market';
import { binanceGraph, prng } from './fixtures';

const T0 = Date.UTC(2026, 0, 15);
const HELD = { BTC: 1, ETH: 1, SOL: 1 };

const quantile = (xs: number[], q: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!);

function balancesFor(markets: Market[]): Map<string, Decimal> {
  const balances = new Map<string, Decimal>();
  for (const m of markets) for (const a of [m.base, m.quote]) balances.set(`${m.exchange}:${a}`, new Decimal(a in HELD ? '1' : '10000'));
  return balances;
}

function main(): void {
  const updates = Number(process.argv[2] ?? 5000);
  const consistent = process.argv.includes('--consistent');
  const cfg = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');
  const g = binanceGraph(T0, consistent)!;
  let now = T0;
  const clock = { now: () => now };
  const cache = new BookCache(g.markets);
  for (const b of g.books) cache.apply(b);
  const balances = balancesFor(g.markets);
  const fee = feesFromMarkets(g.markets);
  const thresholds = baselineThresholdSource(cfg.threshold, cfg.depth);
  const q = new Qbot({ config: cfg, markets: g.markets, fee, thresholds, clock, log: createLogger('silent'), metrics: new QbotMetrics(), balances, totalCapitalUsd: new Decimal(90000) });
  const deps: ScanDeps = {
    cache, config: cfg, fee, thresholds, now: clock.now, locked: new Set(),
    balance: (ex, asset) => balances.get(`${ex}:${asset}`) ?? new Decimal(0), capital: () => q.capital(),
  };
  const tri = new TriScanner(deps, triStartCurrencies(cfg));
  for (let k = 0; k < 20; k += 1) tri.fullScan('binance');
  const rnd = prng(7);
  const quiet: number[] = [];
  const walked: number[] = [];
  const all: number[] = [];
  // CPU time of the updates that evaluate (process.cpuUsage: less moved by other processes than wall time).
  const walkedCpu: number[] = [];
  for (let i = 0; i < updates; i += 1) {
    now += 1;
    const b = g.books[Math.floor(rnd() * g.books.length)]!;
    const f = 1 + (rnd() - 0.5) * 0.0002;
    const moved = { ...b, receivedAt: now, bids: b.bids.map((l) => ({ price: l.price.times(f), amount: l.amount })), asks: b.asks.map((l) => ({ price: l.price.times(f), amount: l.amount })) };
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const entry = cache.apply(moved)!;
    const r = tri.onBook(entry);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    if (i < 500) continue;
    all.push(us);
    (r.evaluated.length > 0 ? walked : quiet).push(us);
    if (r.evaluated.length > 0) walkedCpu.push(c1.user + c1.system);
  }
  console.log(JSON.stringify({
    updates, consistent, p50: quantile(all, 0.5), p99: quantile(all, 0.99),
    evaluated_updates: walked.length, evaluated_p50: quantile(walked, 0.5), evaluated_p99: quantile(walked, 0.99),
    evaluated_cpu_us_p50: quantile(walkedCpu, 0.5), evaluated_cpu_us_p90: quantile(walkedCpu, 0.9),
    quiet_p50: quantile(quiet, 0.5), quiet_p99: quantile(quiet, 0.99),
  }));
}

if (require.main === module) main();
