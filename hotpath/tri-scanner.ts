import { ZERO, type Decimal } from '../domain/money/decimal';
import type { ExchangeId, Market } from '../domain/market';
import * as arbitrage from '../domain/arbitrage';
import { buildTriGraph, PREFILTER_MARGIN, TopOfBook, type GateRejection, type MarketBook, type TriCycle, type TriEvaluation, type TriGraph } from '../domain/arbitrage';
import type { CachedBook } from './book-cache';
import type { ScanDeps } from './scan-deps';
import { UsdMemo } from './usd-memo';

// Read once: run under tsx, an imported function is a getter on the module's export object (two
// through the arbitrage index), read again on every call of the scan's per-cycle steps.
const { bookGate, cycleReturnEstimate, evaluateCycle, lockGate, prefilterCycles, reject, topOfBookGross } = arbitrage;

/** A Decimal setting as a float, converted again only when it is another Decimal. */
class FloatOf {
  private from: Decimal | undefined;
  private last: Decimal | undefined;
  private v = 0;
  private w = 0;

  /** Two slots: a scan reads the threshold and the plausibility limit. */
  of(d: Decimal): number {
    if (d === this.from) return this.v;
    if (d === this.last) return this.w;
    this.last = this.from;
    this.w = this.v;
    this.from = d;
    this.v = d.toNumber();
    return this.v;
  }
}

export interface TriScanResult {
  best?: TriEvaluation;
  evaluated: TriEvaluation[];
  /** Cycles the float estimate discarded. */
  prefiltered: number;
}

interface Venue {
  graph: TriGraph;
  top: TopOfBook;
  /** Graph market index -> the book cache's slot (resolved once: no string keys per lookup). */
  slots: Int32Array;
  allIds: readonly number[];
}

/**
 * Triangular scanner: one graph per exchange over all its markets, cycles from held currencies.
 * A book update refreshes that market's float top of book and re-checks only the cycles indexed
 * under it; survivors of the (conservative) float prefilter are evaluated exactly in Decimal.
 */
export class TriScanner {
  private readonly venues = new Map<ExchangeId, Venue>();
  private readonly scratch: number[] = [];
  private readonly usd: UsdMemo;
  private readonly floats = new FloatOf();
  private capitalOfScan: Decimal | undefined;
  private lastCapital: Decimal | undefined;

  constructor(private readonly deps: ScanDeps, startCurrencies: readonly string[]) {
    this.usd = new UsdMemo(deps.cache, deps.config.stablecoins);
    const byExchange = new Map<ExchangeId, Market[]>();
    for (const m of deps.cache.markets()) byExchange.set(m.exchange, [...(byExchange.get(m.exchange) ?? []), m]);
    for (const [ex, markets] of byExchange) {
      const graph = buildTriGraph(markets, startCurrencies);
      const top = new TopOfBook(graph.markets.length);
      const slots = Int32Array.from(graph.markets, (m) => deps.cache.slotOf(m.exchange, m.symbol) ?? -1);
      this.venues.set(ex, { graph, top, slots, allIds: graph.cycles.map((c) => c.id) });
    }
    this.refreshFees();
    for (const e of deps.cache.all()) this.updateTop(e);
  }

  /** Fee floats for the prefilter; call again when the fee book changes (the worker does, on a timer). */
  refreshFees(): void {
    for (const { graph, top } of this.venues.values()) {
      graph.markets.forEach((m, k) => {
        // The lower of buy/sell fee keeps the estimate an upper bound.
        const f = Math.min(this.deps.fee(m.exchange, m.symbol, 'buy').toNumber(), this.deps.fee(m.exchange, m.symbol, 'sell').toNumber());
        top.keep[k] = 1 - f;
      });
    }
  }

  graph(exchange: ExchangeId): TriGraph | undefined {
    return this.venues.get(exchange)?.graph;
  }

  private updateTop(entry: CachedBook): number | undefined {
    const v = this.venues.get(entry.market.exchange);
    const idx = v?.graph.indexOf.get(entry.market.symbol);
    if (!v || idx === undefined) return undefined;
    v.top.bid[idx] = entry.book.bids[0]?.price.toNumber() ?? 0;
    v.top.ask[idx] = entry.book.asks[0]?.price.toNumber() ?? 0;
    v.top.at[idx] = entry.book.receivedAt;
    return idx;
  }

  onBook(entry: CachedBook): TriScanResult {
    const idx = this.updateTop(entry);
    if (idx === undefined) return { evaluated: [], prefiltered: 0 };
    const v = this.venues.get(entry.market.exchange)!;
    return this.scan(entry.market.exchange, v, v.graph.cyclesByMarket[idx]!);
  }

  /** Every cycle of one exchange (start-up, benchmark). */
  fullScan(exchange: ExchangeId): TriScanResult {
    const v = this.venues.get(exchange);
    if (!v) return { evaluated: [], prefiltered: 0 };
    return this.scan(exchange, v, v.allIds);
  }

  private scan(exchange: ExchangeId, v: Venue, ids: readonly number[]): TriScanResult {
    const ctx = this.deps.thresholds.current('triangular');
    const floor = 1 + this.floats.of(this.deps.prefilterFloorPercent ?? ctx.thresholdPercent) / 100;
    const exhaustive = this.deps.prefilterFloorPercent !== undefined;
    // Live, the prefilter also drops cycles the book-age or plausibility gate would reject (same
    // expressions); scans keep evaluating them so each is reported with its gate.
    const { config } = this.deps;
    const gates = exhaustive || this.deps.reportGated ? undefined : { now: this.deps.now(), maxBookAgeMs: config.maxBookAgeMs, maxPlausibleGross: this.floats.of(config.maxPlausibleGrossPercent) / 100 };
    this.scratch.length = 0;
    const survivors = prefilterCycles(v.graph, v.top, ids, floor, this.scratch, gates);
    const out: TriScanResult = { evaluated: [], prefiltered: ids.length - survivors.length };
    if (survivors.length === 0) return out;
    // Best estimate first; live, stop once an accepted cycle beats every remaining upper bound.
    const ranked: Array<readonly [number, number]> = [];
    for (const id of survivors) ranked.push([id, cycleReturnEstimate(v.graph.cycles[id]!, v.top)]);
    ranked.sort(byEstimateDescending);
    this.capitalOfScan = undefined;
    for (const [id, estimate] of ranked) {
      if (!exhaustive && out.best && 1 + out.best.netPercent.toNumber() / 100 >= estimate + PREFILTER_MARGIN) {
        out.prefiltered += 1;
        continue;
      }
      const ev = this.evaluate(exchange, v, id, ctx.thresholdPercent, ctx.depthMultiple);
      ev.context = { reason: ctx.reason, depthMultiple: ctx.depthMultiple, highVolatility: ctx.highVolatility };
      out.evaluated.push(ev);
      if (!ev.rejection && (!out.best || ev.netPercent.gt(out.best.netPercent))) out.best = ev;
    }
    return out;
  }

  /**
   * The triangular capital, read once per scan and only when a cycle gets that far; the previous
   * Decimal instance while the value is equal (the evaluator keeps its capital / USD value per instance).
   */
  private capitalUsd(): Decimal {
    if (this.capitalOfScan) return this.capitalOfScan;
    const c = this.deps.capital().triangular;
    this.capitalOfScan = this.lastCapital?.eq(c) ? this.lastCapital : c;
    this.lastCapital = this.capitalOfScan;
    return this.capitalOfScan;
  }

  private rejectedWith(exchange: ExchangeId, cycle: TriCycle, threshold: Decimal, rejection: GateRejection): TriEvaluation {
    return {
      strategy: 'triangular', exchange, path: cycle.path, start: cycle.start, legs: [], size: ZERO, grossProfit: ZERO, grossPercent: ZERO,
      netProfit: ZERO, netPercent: ZERO, thresholdPercent: threshold, rejection,
    };
  }

  private evaluate(exchange: ExchangeId, v: Venue, id: number, threshold: Decimal, depthMultiple: Decimal): TriEvaluation {
    const { cache, config } = this.deps;
    const cycle = v.graph.cycles[id]!;
    const legs = cycle.legs;
    const b0 = cache.at(v.slots[legs[0].market]!);
    const b1 = cache.at(v.slots[legs[1].market]!);
    const b2 = cache.at(v.slots[legs[2].market]!);
    if (!b0 || !b1 || !b2) return this.rejectedWith(exchange, cycle, threshold, { code: 'BOOK_EMPTY', figures: { path: cycle.path }, message: `BOOK_EMPTY: path=${cycle.path} missing=book` });
    const books = [b0, b1, b2] as const;
    const gate = bookGate(books, this.deps.now(), config.maxBookAgeMs, cache.clocks) ?? lockGate([`${exchange}:${cycle.start}`], this.deps.locked);
    if (gate) return this.rejectedWith(exchange, cycle, threshold, gate);
    // Plausibility on the top of book, before any Decimal work: an edge the best prices already
    // show above the limit is bad data (frozen or delisted pairs), whatever the walk would say.
    const topGross = topOfBookGross(cycle, v.top);
    const maxPlausible = this.floats.of(config.maxPlausibleGrossPercent) / 100;
    if (topGross > maxPlausible) {
      return this.rejectedWith(exchange, cycle, threshold, reject('IMPLAUSIBLE_PROFIT', { topOfBookGross: `${(topGross * 100).toFixed(4)}%`, max: `${config.maxPlausibleGrossPercent.toFixed(2)}%`, path: cycle.path }));
    }
    const usdPerStart = this.usd.of(cycle.start);
    if (!usdPerStart) return this.rejectedWith(exchange, cycle, threshold, { code: 'NO_CONVERSION', figures: { asset: cycle.start }, message: `NO_CONVERSION: asset=${cycle.start} usd=unknown` });
    return evaluateCycle({
      cycle, books: books as unknown as [MarketBook, MarketBook, MarketBook],
      startFree: this.deps.balance(exchange, cycle.start),
      capitalUsd: this.capitalUsd(),
      usdPerStart, fee: this.deps.fee,
      params: { thresholdPercent: threshold, depthLevels: config.depth.levels, depthMultiple, minTradeUsd: config.minTradeUsd, maxPlausibleGrossPercent: config.maxPlausibleGrossPercent },
    });
  }
}

const byEstimateDescending = (a: readonly [number, number], b: readonly [number, number]): number => b[1] - a[1];
