/**
 * `nice node --require tsx/cjs test/bench/tri-eval-micro.ts [rounds]`: one exact triangle
 * evaluation against the float walk of the same cycle on the same books, in one process: the
 * focused before/after comparison for #17 (the full `npm run bench` is too noisy on a loaded
 * machine to see one function move). Run it with `node --cpu-prof` to profile the evaluation.
 */
import { Decimal } from '../../domain/money/decimal';
import { buildTriGraph, evaluateCycle, feesFromMarkets, type MarketBook, type TriInput } from '../../domain/arbitrage';
import { loadConfig } from '../../config/loader';
import { BookCache } from '../../hotpath/book-cache';
import { qbotConfigFrom, triStartCurrencies } from '../../hotpath/qbot-config';
import { usdPrice } from '../../hotpath/valuation';
import { binanceGraph, prng } from './fixtures';
import { floatBook, floatEvaluateCycle, type FloatLegBook, type FloatParams } from './float-tri';

const T0 = Date.UTC(2026, 0, 15);

export interface TriEvalCase {
  input: TriInput;
  fbooks: FloatLegBook[];
  startFree: number;
  capitalUsd: number;
  usdPerStart: number;
}

/** Cycles of the consistently re-priced 2023 graph that the exact evaluation walks in full. */
export function triEvalCases(count: number, capitalUsd: Decimal, depthMultiple: Decimal): { cases: TriEvalCase[]; fparams: FloatParams } {
  const cfg = qbotConfigFrom(loadConfig({ env: {} }), 'laptop');
  const g = binanceGraph(T0, true)!;
  const cache = new BookCache(g.markets);
  for (const b of g.books) cache.apply(b);
  const graph = buildTriGraph(g.markets, triStartCurrencies(cfg));
  const fee = feesFromMarkets(g.markets);
  const params = { thresholdPercent: new Decimal('0.5'), depthLevels: cfg.depth.levels, depthMultiple, minTradeUsd: cfg.minTradeUsd, maxPlausibleGrossPercent: cfg.maxPlausibleGrossPercent };
  const fparams = { thresholdPercent: 0.5, depthLevels: cfg.depth.levels, depthMultiple: depthMultiple.toNumber(), minTradeUsd: cfg.minTradeUsd.toNumber(), maxPlausibleGrossPercent: cfg.maxPlausibleGrossPercent.toNumber() };
  const rnd = prng(11);
  const cases: TriEvalCase[] = [];
  for (let tries = 0; cases.length < count && tries < 20_000; tries += 1) {
    const cycle = graph.cycles[Math.floor(rnd() * graph.cycles.length)]!;
    const books = cycle.legs.map((l) => cache.get('binance', graph.markets[l.market]!.symbol));
    if (books.some((b) => !b || b.book.bids.length === 0 || b.book.asks.length === 0)) continue;
    const usd = usdPrice(cache, cycle.start, cfg.stablecoins);
    if (!usd) continue;
    const startFree = new Decimal(cycle.start === 'BTC' || cycle.start === 'ETH' ? '1' : '10000');
    const input: TriInput = { cycle, books: books as unknown as [MarketBook, MarketBook, MarketBook], startFree, capitalUsd, usdPerStart: usd, fee, params };
    if (evaluateCycle(input).legs.length !== 3) continue;
    const fbooks = cycle.legs.map((l, k) => floatBook(books[k]!.book, books[k]!.market, fee('binance', graph.markets[l.market]!.symbol, l.side).toNumber()));
    cases.push({ input, fbooks, startFree: startFree.toNumber(), capitalUsd: capitalUsd.toNumber(), usdPerStart: usd.toNumber() });
  }
  return { cases, fparams };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function main(): void {
  const rounds = Number(process.argv[2] ?? 12);
  const { cases, fparams } = triEvalCases(300, new Decimal(15000), new Decimal(3));
  const exact: number[] = [];
  const float: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const c of cases) {
      let t0 = process.hrtime.bigint();
      const e = evaluateCycle(c.input);
      const eu = Number(process.hrtime.bigint() - t0) / 1000;
      t0 = process.hrtime.bigint();
      const f = floatEvaluateCycle(c.input.cycle, c.fbooks, c.startFree, c.capitalUsd, c.usdPerStart, fparams);
      const fu = Number(process.hrtime.bigint() - t0) / 1000;
      sink += e.legs.length + f.netPercent;
      if (round >= 2) {
        exact.push(eu);
        float.push(fu);
      }
    }
  }
  const shrunk = cases.filter((c) => evaluateCycle(c.input).rejection?.code !== 'DEPTH_INSUFFICIENT').length;
  console.log(JSON.stringify({
    cycles: cases.length, exact_us_p50: quantile(exact, 0.5), exact_us_p99: quantile(exact, 0.99), float_us_p50: quantile(float, 0.5),
    ratio: quantile(float, 0.5) / quantile(exact, 0.5), not_depth_rejected: shrunk, sink: Number.isFinite(sink),
  }));
}

if (require.main === module) main();
