import { Decimal, ZERO } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { FeeBook } from '../../domain/fees';
import { baselineThresholdSource, type CrossEvaluation, type ThresholdSource, type TriEvaluation } from '../../domain/arbitrage';
import { OpportunityTracker } from '../../domain/backtest/opportunities';
import { countRefusals } from '../../domain/backtest/analysis';
import type { RunResult, TradeRecord } from '../../domain/backtest/report';
import type { Ledger } from '../../ports/ledger';
import type { Confirmed, OrderOutcome } from '../../ports/trading';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { createLogger } from '../logger';
import { QbotMetrics } from '../metrics';
import { Qbot } from '../qbot';
import type { QbotConfig } from '../qbot-config';
import { settle, VirtualTime } from './virtual-time';
import { ConsumedLiquidity } from './consumed-liquidity';
import type { Trade } from '../../ports/market-data';
import { MarketScanner } from '../scanner/scanner';
import type { ScannerConfig } from '../scanner/config';
import { scannerThresholdSource } from '../scanner/threshold-source';

export interface BacktestOptions {
  books: readonly OrderBook[];
  markets: Market[];
  config: QbotConfig;
  feeBook: FeeBook;
  /** Fixed threshold in percent; absent = the configured baseline. */
  thresholdPercent?: Decimal;
  /** Time between a decision and the book its orders fill against. */
  latencyMs: number;
  /** Paper balances per exchange and asset at the start. */
  balances: Partial<Record<ExchangeId, Record<string, Decimal>>>;
  /** Where the executor and paper trading book everything (a fresh SQLite ledger per run). */
  ledger: Ledger;
  onProgress?: (done: number, total: number) => void;
  /** Public trades of the recording (receive time order not required): the market scanner reads them. */
  trades?: readonly Trade[];
  /**
   * Run the market scanner over the recorded books and trades on the recording's clock and let its
   * context set the threshold, as live (without a fixed `thresholdPercent`). Daily ranges come from
   * the trades (a recording holds no daily candles).
   */
  scanner?: ScannerConfig;
}

/** Gates that stop a candidate after it cleared the threshold: the opportunity was there. */
const AFTER_THRESHOLD = new Set(['CYCLE_TIME', 'RATE_BUDGET', 'ASSET_LOCKED', 'KILL_SWITCH', 'PAUSED']);

type Evaluation = CrossEvaluation | TriEvaluation;
const keyOf = (ev: Evaluation): string => (ev.strategy === 'cross' ? `${ev.buyAt} -> ${ev.sellAt}` : `${ev.exchange}: ${ev.path}`);
const marketsOf = (ev: Evaluation): string[] => (ev.strategy === 'cross' ? [ev.buyAt, ev.sellAt] : ev.legs.map((l) => `${l.exchange}:${l.symbol}`));

/**
 * The whole Q-bot over recorded books on the recording's clock: the same scanners, gates,
 * executor, single-leg policy and kill switch as live, trading on paper accounts whose orders
 * fill against the recorded book as it was `latencyMs` after the decision, with each venue's fees
 * from the fee book. Nothing here decides: it feeds books and collects what the Q-bot did.
 */
export async function runBacktest(o: BacktestOptions): Promise<RunResult> {
  const time = new VirtualTime();
  // Paper fills see the recorded books less what earlier fills took (until the venue's next update of the level).
  const liquidity = new ConsumedLiquidity();
  const exchanges = [...new Set(o.markets.map((m) => m.exchange))];
  const paper = new Map<ExchangeId, PaperTrading>();
  for (const ex of exchanges) {
    paper.set(ex, new PaperTrading({
      exchange: ex, markets: o.markets, books: (symbol) => liquidity.view(`${ex}:${symbol}`), initialBalances: o.balances[ex] ?? {},
      onTakerFills: (symbol, side, fills) => liquidity.take(`${ex}:${symbol}`, side, fills),
      feeBook: o.feeBook, latencyMs: o.latencyMs, clock: { now: time.now }, sleep: time.sleep, ledger: o.ledger,
    }));
  }
  const scanner = o.scanner && !o.thresholdPercent ? new MarketScanner({ config: { ...o.scanner, dailySource: 'trades' }, clock: { now: time.now } }) : undefined;
  const thresholds: ThresholdSource = o.thresholdPercent
    ? { current: () => ({ thresholdPercent: o.thresholdPercent as Decimal, depthMultiple: o.config.depth.defaultMultiple, highVolatility: false, reason: 'backtest threshold' }) }
    : scanner && o.scanner ? scannerThresholdSource(scanner, o.markets, o.scanner.bounds) : baselineThresholdSource(o.config.threshold, o.config.depth);
  const trades = scanner ? [...(o.trades ?? [])].sort((a, b) => a.timestamp - b.timestamp) : [];
  let nextTrade = 0;
  let nextScan = Number.NEGATIVE_INFINITY;
  let ids = 0;
  const qbot = new Qbot({
    config: o.config, markets: o.markets, fee: o.feeBook.takerFeeFn(time.now), thresholds, clock: { now: time.now },
    log: createLogger('silent'), metrics: new QbotMetrics(), trading: paper, ledger: o.ledger, accounts: paper, balances: new Map(),
    newId: () => `bt-${(ids += 1)}`,
  });
  await qbot.refreshBalances();

  const decisions = new Map<string, { ev: Evaluation; at: number; expectedPnlUsd?: Decimal }>();
  const taken = new Map<string, TradeRecord>();
  const refused: Record<string, number> = {};
  const tracker = new OpportunityTracker();
  const openMarkets = new Map<string, string[]>();
  let evaluated = 0;
  const collect = (results: Awaited<ReturnType<Qbot['drain']>>): void => {
    for (const r of results) {
      const d = decisions.get(r.attemptId);
      if (!d || taken.has(r.attemptId)) continue;
      taken.set(r.attemptId, tradeRecord(d, r.status, r.realisedPnlUsd, r.outcomes, (a) => qbot.usd(a)));
    }
  };

  const total = o.books.length;
  let lastTick = -1;
  for (let i = 0; i < total; i += 1) {
    const book = o.books[i]!;
    await time.advanceTo(book.receivedAt);
    liquidity.onRecorded(book);
    if (scanner && o.scanner) {
      // The scanner's events up to this book, then its scheduled update when one is due (as live, on the recording's clock).
      while (nextTrade < trades.length && trades[nextTrade]!.timestamp <= book.receivedAt) scanner.onTrade(trades[nextTrade++]!);
      scanner.onBook(book);
      if (book.receivedAt >= nextScan) {
        scanner.updateNow();
        nextScan = book.receivedAt + o.scanner.updateIntervalMs;
      }
    }
    for (const p of paper.values()) p.onBook(book);
    const before = ids;
    const out = qbot.onBook(book);
    out.started.forEach((ev, k) => {
      const unit = ev.strategy === 'cross' ? ev.buyQuote : ev.start;
      const usd = qbot.usd(unit);
      decisions.set(`bt-${before + k + 1}`, { ev, at: time.now(), ...(usd ? { expectedPnlUsd: ev.netProfit.times(usd) } : {}) });
    });
    // The float prefilter drops candidates whose upper bound cannot reach the threshold: refused too.
    const evs = [...out.cross.evaluated, ...out.tri.evaluated];
    countRefusals(refused, out.cross.prefiltered + out.tri.prefiltered, evs);
    const passingNow = new Set<string>();
    for (const ev of evs) {
      evaluated += 1;
      const passing = !ev.rejection || AFTER_THRESHOLD.has(ev.rejection.code);
      const key = `${ev.strategy} ${keyOf(ev)}`;
      if (passing) {
        passingNow.add(key);
        openMarkets.set(key, marketsOf(ev));
      }
      tracker.observe(book.receivedAt, key, passing);
    }
    // A candidate the prefilter no longer lets through is not evaluated: its market moved and it is gone.
    const market = `${book.exchange}:${book.symbol}`;
    for (const [key, ms] of openMarkets) {
      if (!passingNow.has(key) && ms.includes(market)) {
        tracker.observe(book.receivedAt, key, false);
        openMarkets.delete(key);
      }
    }
    if (out.started.length) void qbot.drain().then(collect);
    await settle();
    const tick = Math.floor(((i + 1) * 100) / total);
    if (tick !== lastTick) {
      lastTick = tick;
      o.onProgress?.(i + 1, total);
    }
  }
  await time.runOut();
  collect(await qbot.drain());
  await settle();
  return {
    thresholdPercent: o.thresholdPercent ?? null,
    thresholdSource: o.thresholdPercent ? 'fixed' : scanner ? 'market-scanner' : 'baseline',
    trades: [...taken.values()],
    refusedByReason: refused,
    evaluated,
    opportunityDurationsMs: tracker.finish(o.books[total - 1]?.receivedAt ?? 0),
  };
}

function tradeRecord(d: { ev: Evaluation; at: number; expectedPnlUsd?: Decimal }, status: TradeRecord['status'], pnlUsd: Decimal, outcomes: OrderOutcome[], usd: (a: string) => Decimal | undefined): TradeRecord {
  let fees = ZERO;
  for (const o of outcomes) {
    if (o.status !== 'confirmed') continue;
    for (const f of (o as Confirmed).fees) fees = fees.plus(f.amount.times(usd(f.currency) ?? ZERO));
  }
  const ev = d.ev;
  return {
    at: d.at, strategy: ev.strategy, route: keyOf(ev), venues: [...new Set(marketsOf(ev).map((m) => m.split(':')[0]!))],
    status, pnlUsd, feesUsd: fees, ...(d.expectedPnlUsd ? { expectedPnlUsd: d.expectedPnlUsd } : {}),
    decisionNetPercent: ev.netPercent, thresholdPercent: ev.thresholdPercent,
  };
}

