import { ZERO, type Decimal } from '../domain/money/decimal';
import {
  bookGate, convertAtBooks, DepegGuard, evaluateCross, lockGate, type CrossEvaluation, type GateRejection,
  type MarketBook, type PegReading,
} from '../domain/arbitrage';
import type { CachedBook } from './book-cache';
import type { ScanDeps } from './scan-deps';
import { usdPrice } from './valuation';

export interface CrossScanResult {
  best?: CrossEvaluation;
  evaluated: CrossEvaluation[];
  prefiltered: number;
}

/** Float slack for the prefilter (see tri-prefilter): far above double rounding error. */
const MARGIN = 1e-9;

/** The depeg guard reads the books at least this often while they move, evaluated or not (its memory needs the readings). */
const GUARD_EVERY_MS = 1_000;

/**
 * Event-driven cross-exchange scanner over BTC/ETH/SOL x USD/USDT/USDC on every venue. A book
 * update re-evaluates only the pairs of its base that involve the updated market, both ways.
 * Float prefilter: top-of-book bid/ask after the lowest taker fees and the rebalance cost, times
 * the best top-of-book stable conversion rate when the quotes differ (its fee ignored): an upper
 * bound of the exact net (walking deeper and rounding only lose). Only survivors are evaluated
 * in Decimal.
 */
export class CrossScanner {
  private readonly slots = new Map<string, number>();
  private readonly markets: MarketBook['market'][] = [];
  private readonly bid: Float64Array;
  private readonly ask: Float64Array;
  /** Lowest taker fee per slot (buy or sell), as a float, for the prefilter only. */
  private readonly fee: Float64Array;
  private readonly peers: number[][];
  private readonly stableKeys = new Set<string>();
  /** Best top-of-book conversion rate "FROM>TO" over all venues, before fees: an upper bound. */
  private readonly rates = new Map<string, number>();
  private stable: StableState | undefined;
  /** The depeg guard, with its memory of trips (qbot.depegGuard.recoverAfterMs). */
  readonly depegGuard: DepegGuard;
  private guardReadAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: ScanDeps) {
    this.depegGuard = new DepegGuard({ stables: deps.config.stablecoins, bandPercent: deps.config.pegBandPercent, recoverAfterMs: deps.config.depegRecoverAfterMs });
    const { arbitrageAssets, quoteCurrencies } = deps.config;
    for (const m of deps.cache.markets()) {
      if (!arbitrageAssets.includes(m.base) || !quoteCurrencies.includes(m.quote) || !m.active) continue;
      this.slots.set(`${m.exchange}:${m.symbol}`, this.markets.length);
      this.markets.push(m);
    }
    this.bid = new Float64Array(this.markets.length);
    this.ask = new Float64Array(this.markets.length);
    this.fee = new Float64Array(this.markets.length);
    this.refreshFees();
    this.peers = this.markets.map((m) => this.markets.flatMap((o, j) => (o.base === m.base && o.exchange !== m.exchange ? [j] : [])));
    const money = new Set([...Object.keys(deps.config.stablecoins), ...Object.values(deps.config.stablecoins)]);
    for (const m of deps.cache.markets()) if (money.has(m.base) && money.has(m.quote)) this.stableKeys.add(`${m.exchange}:${m.symbol}`);
  }

  /** A stable book changed: recompute the float rates and drop the Decimal stable state. */
  private onStableBook(): void {
    this.stable = undefined;
    this.rates.clear();
    for (const key of this.stableKeys) {
      const [ex, symbol] = key.split(':') as [string, string];
      const e = this.deps.cache.get(ex, symbol);
      if (!e || e.state !== 'live') continue;
      const bid = e.book.bids[0]?.price.toNumber() ?? 0;
      const ask = e.book.asks[0]?.price.toNumber() ?? 0;
      const { base, quote } = e.market;
      if (bid > 0) this.rates.set(`${base}>${quote}`, Math.max(this.rates.get(`${base}>${quote}`) ?? 0, bid));
      if (ask > 0) this.rates.set(`${quote}>${base}`, Math.max(this.rates.get(`${quote}>${base}`) ?? 0, 1 / ask));
    }
  }

  /** Fee floats for the prefilter; call again when the fee book changes (the worker does, on a timer). */
  refreshFees(): void {
    this.markets.forEach((m, k) => {
      this.fee[k] = Math.min(this.deps.fee(m.exchange, m.symbol, 'buy').toNumber(), this.deps.fee(m.exchange, m.symbol, 'sell').toNumber());
    });
  }

  get marketCount(): number {
    return this.markets.length;
  }

  onBook(entry: CachedBook): CrossScanResult {
    const key = `${entry.market.exchange}:${entry.market.symbol}`;
    if (this.stableKeys.has(key)) this.onStableBook();
    const s = this.slots.get(key);
    if (s === undefined) return { evaluated: [], prefiltered: 0 };
    // X/STABLE against X/USD is a view of the stable's value: the guard must read it again.
    this.stable = undefined;
    if (this.deps.now() - this.guardReadAt >= GUARD_EVERY_MS) this.stable = this.stableState();
    this.bid[s] = entry.book.bids[0]?.price.toNumber() ?? 0;
    this.ask[s] = entry.book.asks[0]?.price.toNumber() ?? 0;
    const ctx = this.deps.thresholds.current('cross', entry.market.base);
    const exhaustive = this.deps.prefilterFloorPercent !== undefined;
    const floor = (this.deps.prefilterFloorPercent ?? ctx.thresholdPercent).toNumber() / 100;
    const rebalance = this.deps.config.rebalanceCostPercent.toNumber() / 100;
    const out: CrossScanResult = { evaluated: [], prefiltered: 0 };
    const candidates: Array<[number, number, number]> = [];
    for (const t of this.peers[s]!) {
      for (const [b, sl] of [[s, t], [t, s]] as const) {
        const a = this.ask[b]!;
        const bd = this.bid[sl]!;
        if (!(a > 0 && bd > 0)) continue;
        const bq = this.markets[b]!.quote;
        const sq = this.markets[sl]!.quote;
        // Unknown rate: no estimate, so no pruning (the exact evaluation says NO_CONVERSION).
        const rate = bq === sq ? 1 : this.rates.get(`${sq}>${bq}`);
        // Live: net after the lowest fees and the rebalance cost; a scan keeps the gross, so every
        // crossed book is reported with its gate.
        const estimate = rate === undefined ? Infinity
          : exhaustive ? (bd * rate) / a - 1
          : (bd * (1 - this.fee[sl]!) * rate) / (a * (1 + this.fee[b]!)) - 1 - rebalance;
        if (estimate < floor - MARGIN) {
          out.prefiltered += 1;
          continue;
        }
        candidates.push([b, sl, estimate]);
      }
    }
    // Best first. Live, branch and bound: the estimate bounds the exact net from above, so once
    // an accepted candidate beats the next estimate nothing after it can win. A scan sees all.
    candidates.sort((x, y) => y[2] - x[2]);
    for (const [b, sl, estimate] of candidates) {
      if (!exhaustive && out.best && out.best.netPercent.toNumber() / 100 >= estimate + MARGIN) {
        out.prefiltered += 1;
        continue;
      }
      this.stable ??= this.stableState();
      const ev = this.evaluate(b, sl, ctx.thresholdPercent, ctx.depthMultiple, this.stable);
      ev.context = { reason: ctx.reason, depthMultiple: ctx.depthMultiple, highVolatility: ctx.highVolatility };
      out.evaluated.push(ev);
      if (!ev.rejection && (!out.best || ev.netPercent.gt(out.best.netPercent))) out.best = ev;
    }
    return out;
  }

  /**
   * Stable books for conversions, and the guard's verdict from every view: the stable books and
   * the live cross markets (their X/STABLE against X/USD on one venue).
   */
  private stableState(): StableState {
    const books: MarketBook[] = [];
    for (const key of this.stableKeys) {
      const [ex, symbol] = key.split(':') as [string, string];
      const e = this.deps.cache.get(ex, symbol);
      if (e && e.state === 'live') books.push(e);
    }
    const views = books.slice();
    for (const m of this.markets) {
      const e = this.deps.cache.get(m.exchange, m.symbol);
      if (e && e.state === 'live') views.push(e);
    }
    this.guardReadAt = this.deps.now();
    return { books, depegged: this.depegGuard.observe(views, this.guardReadAt) };
  }

  private evaluate(b: number, s: number, threshold: Decimal, depthMultiple: Decimal, stable: StableState): CrossEvaluation {
    const { cache, config, now } = this.deps;
    const bm = this.markets[b]!;
    const sm = this.markets[s]!;
    const buy = cache.get(bm.exchange, bm.symbol)!;
    const sell = cache.get(sm.exchange, sm.symbol)!;
    const gate = bookGate([buy, sell], now(), config.maxBookAgeMs, cache.clocks) ?? lockGate([`${bm.exchange}:${bm.quote}`, `${sm.exchange}:${sm.base}`], this.deps.locked);
    if (gate) return gateOnly(bm, sm, threshold, gate);
    const usdPerBuyQuote = usdPrice(cache, bm.quote, config.stablecoins);
    if (!usdPerBuyQuote) return gateOnly(bm, sm, threshold, { code: 'NO_CONVERSION', figures: { asset: bm.quote }, message: `NO_CONVERSION: asset=${bm.quote} usd=unknown` });
    return evaluateCross({
      buy, sell,
      buyQuoteFree: this.deps.balance(bm.exchange, bm.quote),
      sellBaseFree: this.deps.balance(sm.exchange, sm.base),
      capitalUsd: this.deps.capital().cross,
      usdPerBuyQuote,
      fee: this.deps.fee,
      convert: (x) => convertAtBooks(x, sm.quote, bm.quote, stable.books, this.deps.fee),
      depegged: stable.depegged,
      params: { thresholdPercent: threshold, depthLevels: config.depth.levels, depthMultiple, rebalanceCostPercent: config.rebalanceCostPercent, minTradeUsd: config.minTradeUsd, maxPlausibleGrossPercent: config.maxPlausibleGrossPercent },
    });
  }
}

interface StableState {
  books: MarketBook[];
  depegged: Map<string, PegReading>;
}

function gateOnly(bm: MarketBook['market'], sm: MarketBook['market'], threshold: Decimal, rejection: GateRejection): CrossEvaluation {
  return {
    strategy: 'cross', base: bm.base, buyQuote: bm.quote, sellQuote: sm.quote,
    buyAt: `${bm.exchange}:${bm.symbol}`, sellAt: `${sm.exchange}:${sm.symbol}`, size: ZERO, cost: ZERO,
    grossProfit: ZERO, grossPercent: ZERO, netProfit: ZERO, netPercent: ZERO, rebalanceCost: ZERO, thresholdPercent: threshold, rejection,
  };
}
