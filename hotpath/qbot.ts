import { performance } from 'node:perf_hooks';
import { Decimal, ZERO } from '../domain/money/decimal';
import type { ExchangeId, Market } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';
import { lockGate, type CrossEvaluation, type TakerFeeFn, type ThresholdSource, type TriEvaluation } from '../domain/arbitrage';
import type { Account } from '../ports/account';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { Trading } from '../ports/trading';
import { BookCache } from './book-cache';
import { CrossScanner, type CrossScanResult } from './cross-scanner';
import { Executor, type AttemptResult } from './executor';
import type { LegRecovery } from './leg-recovery';
import type { Logger } from './logger';
import type { QbotMetrics } from './metrics';
import { evaluationJson } from './opportunity-json';
import { qbotCapital, triStartCurrencies, type QbotConfig } from './qbot-config';
import { RuntimeGates, type KillSwitchStore } from './runtime-gates';
import { TriScanner, type TriScanResult } from './tri-scanner';
import { usdPrice } from './valuation';

export interface QbotDeps {
  config: QbotConfig;
  markets: Market[];
  fee: TakerFeeFn;
  thresholds: ThresholdSource;
  clock: Clock;
  log: Logger;
  metrics: QbotMetrics;
  /** Absent in offline scans: accepted opportunities are then only counted, never sent. */
  trading?: ReadonlyMap<ExchangeId, Trading>;
  ledger?: Ledger;
  accounts?: ReadonlyMap<ExchangeId, Account>;
  /** Pause flag and capital split from the Temporal control surface (hotpath/control.ts). */
  control?: { isPaused(): boolean; snapshot(): { pausedReason: string | null }; allocation(): { percent: { qbot: Decimal } } | null } & Partial<KillSwitchStore>;
  /** Fixed balances instead of Account reads (paper scans, tests): "exchange:ASSET" -> amount. */
  balances?: Map<string, Decimal>;
  /** Total account value in USD when known up front; else valued from balances and books. */
  totalCapitalUsd?: Decimal;
  prefilterFloorPercent?: Decimal;
  /** Offline scans: report candidates the book-age/plausibility gates reject (see ScanDeps). */
  reportGated?: boolean;
  newId?: () => string;
}

export interface BookOutcome {
  cross: CrossScanResult;
  tri: TriScanResult;
  /** Accepted opportunities that a runtime gate stopped (the gate is set on them). */
  held: Array<CrossEvaluation | TriEvaluation>;
  started: Array<CrossEvaluation | TriEvaluation>;
}

/**
 * The Q-bot: books in, decisions out. Each book update goes to the cache and to both scanners;
 * the best accepted opportunity of each strategy passes the runtime gates and is executed
 * without blocking the next update. Every evaluation is logged and counted.
 */
export class Qbot {
  readonly cache: BookCache;
  readonly cross: CrossScanner;
  readonly tri: TriScanner;
  readonly gates: RuntimeGates;
  readonly locked = new Set<string>();
  private readonly executor?: Executor;
  private legRecovery?: Pick<LegRecovery, 'adopt'>;
  private readonly balances: Map<string, Decimal>;
  private readonly inFlight = new Set<Promise<AttemptResult>>();
  private seq = 0;

  constructor(private readonly deps: QbotDeps) {
    const { config, clock } = deps;
    this.cache = new BookCache(deps.markets);
    this.balances = deps.balances ?? new Map();
    const now = () => clock.now();
    const scan = {
      cache: this.cache, config, fee: deps.fee, thresholds: deps.thresholds, now, locked: this.locked,
      balance: (ex: string, asset: string) => this.balances.get(`${ex}:${asset}`) ?? ZERO,
      capital: () => this.capital(),
      ...(deps.prefilterFloorPercent ? { prefilterFloorPercent: deps.prefilterFloorPercent } : {}),
      ...(deps.reportGated ? { reportGated: true } : {}),
    };
    this.cross = new CrossScanner(scan);
    this.tri = new TriScanner(scan, triStartCurrencies(config));
    this.gates = new RuntimeGates(config, now, () => (deps.control?.isPaused() ? (deps.control.snapshot().pausedReason ?? 'paused') : null), deps.control);
    if (deps.trading && deps.ledger) {
      this.executor = new Executor({
        trading: deps.trading, ledger: deps.ledger, cache: this.cache, config, locked: this.locked, now, log: deps.log,
        usd: (a) => this.usd(a), newId: deps.newId ?? (() => `qbot-${clock.now()}-${(this.seq += 1)}`),
        spend: (ex, n) => this.gates.spend(ex, n), recovery: () => this.legRecovery,
      });
    }
  }

  /** A triangle's short leg goes to the leg recovery (built after the Q-bot: it reads its books and locks). */
  adoptShortLegsWith(recovery: Pick<LegRecovery, 'adopt'>): void {
    this.legRecovery = recovery;
  }

  usd(asset: string): Decimal | undefined {
    return usdPrice(this.cache, asset, this.deps.config.stablecoins);
  }

  capital(): { cross: Decimal; triangular: Decimal } {
    const percent = this.deps.control?.allocation()?.percent.qbot ?? this.deps.config.qbotPercent[this.deps.config.initialMode];
    return qbotCapital(this.deps.config, this.totalUsd(), percent);
  }

  private total?: { at: number; usd: Decimal };

  /** Account value in USD, re-valued at most once a second (it sizes trades, it is not PnL). */
  private totalUsd(): Decimal {
    if (this.deps.totalCapitalUsd) return this.deps.totalCapitalUsd;
    const now = this.deps.clock.now();
    if (this.total && now - this.total.at < 1000) return this.total.usd;
    let usd = ZERO;
    for (const [key, amount] of this.balances) usd = usd.plus(amount.times(this.usd(key.split(':')[1]!) ?? ZERO));
    this.total = { at: now, usd };
    return usd;
  }

  /** The last balance snapshot per exchange and asset (free amounts), for read-only views. */
  balanceEntries(): Array<{ exchange: string; asset: string; amount: Decimal }> {
    return [...this.balances].map(([key, amount]) => {
      const [exchange = '', asset = ''] = key.split(':');
      return { exchange, asset, amount };
    });
  }

  async refreshBalances(): Promise<void> {
    for (const [ex, account] of this.deps.accounts ?? []) {
      const b = await account.balances();
      if ('status' in b) {
        this.deps.log.warn({ exchange: ex, code: b.code, reason: b.reason }, 'balances unavailable; keeping the last snapshot');
        continue;
      }
      for (const [asset, v] of Object.entries(b.assets)) this.balances.set(`${ex}:${asset}`, v.free);
    }
    delete this.total;
  }

  onBook(book: OrderBook): BookOutcome {
    const t0 = performance.now();
    const entry = this.cache.apply(book);
    const out: BookOutcome = { cross: { evaluated: [], prefiltered: 0 }, tri: { evaluated: [], prefiltered: 0 }, held: [], started: [] };
    if (!entry) return out;
    // Cross first and sent at once: its orders leave before the triangular scan starts.
    out.cross = this.cross.onBook(entry);
    const t1 = performance.now();
    if (out.cross.best) this.consider(out.cross.best, out);
    const t2 = performance.now();
    out.tri = this.tri.onBook(entry);
    const t3 = performance.now();
    if (out.tri.best) this.consider(out.tri.best, out);
    const m = this.deps.metrics;
    m.scanSeconds.observe({ strategy: 'cross' }, (t1 - t0) / 1000);
    m.scanSeconds.observe({ strategy: 'triangular' }, (t3 - t2) / 1000);
    m.bookAgeMs.set({ exchange: book.exchange, symbol: book.symbol }, this.deps.clock.now() - book.receivedAt);
    for (const ev of [...out.cross.evaluated, ...out.tri.evaluated]) this.account(ev);
    return out;
  }

  private account(ev: CrossEvaluation | TriEvaluation): void {
    const m = this.deps.metrics;
    m.opportunitiesSeen.inc({ strategy: ev.strategy });
    if (ev.rejection) m.rejections.inc({ strategy: ev.strategy, code: ev.rejection.code });
    // Every evaluation's wire form (a dozen decimal strings) only when debug lines are written.
    if (this.deps.log.isLevelEnabled('debug')) this.deps.log.debug({ evaluation: evaluationJson(ev, this.deps.clock.now()) }, 'evaluated');
  }

  private consider(ev: CrossEvaluation | TriEvaluation, out: BookOutcome): void {
    const orders: Record<string, number> = ev.strategy === 'cross'
      ? countBy([ev.buyAt.split(':')[0]!, ev.sellAt.split(':')[0]!])
      : { [ev.exchange]: ev.legs.length };
    const ctx = this.deps.thresholds.current(ev.strategy);
    // Both strategies may want the same coins on one update: the first one started holds them.
    const keys = ev.strategy === 'cross' ? [`${ev.buyAt.split(':')[0]}:${ev.buyQuote}`, `${ev.sellAt.split(':')[0]}:${ev.base}`] : [`${ev.exchange}:${ev.start}`];
    const stop = lockGate(keys, this.locked) ?? this.gates.check(ev.strategy, orders, ctx.highVolatility);
    if (stop) {
      ev.rejection = stop;
      this.deps.metrics.rejections.inc({ strategy: ev.strategy, code: stop.code });
      out.held.push(ev);
      return;
    }
    this.gates.take(ev.strategy, orders);
    this.deps.metrics.opportunitiesTaken.inc({ strategy: ev.strategy });
    out.started.push(ev);
    if (!this.executor) return this.deps.log.info({ evaluation: evaluationJson(ev, this.deps.clock.now()) }, 'opportunity taken');
    // The orders leave (within this call) before the log line is serialized and written.
    const attempt = ev.strategy === 'cross' ? this.executor.executeCross(ev) : this.executor.executeTri(ev);
    this.deps.log.info({ evaluation: evaluationJson(ev, this.deps.clock.now()) }, 'opportunity taken');
    const p = attempt.then(async (r) => {
      // An adopted short leg is counted once, by the recovery's onResolved / onLeftOpen.
      if (!r.recovery) this.gates.recordOutcome(r.status === 'completed', r.realisedPnlUsd);
      this.deps.metrics.attempts.inc({ strategy: r.strategy, status: r.status });
      this.deps.metrics.killSwitch.set(this.gates.kill.tripped ? 1 : 0);
      if (this.gates.kill.tripped) this.deps.log.error({ reason: this.gates.kill.tripped.reason.message }, 'kill switch tripped: trading stopped');
      await this.refreshBalances();
      return r;
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch((err: unknown) => this.deps.log.error({ err }, 'attempt failed unexpectedly'));
  }

  /** Waits for attempts in flight (shutdown, tests). */
  async drain(): Promise<AttemptResult[]> {
    return Promise.all([...this.inFlight]);
  }
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
