import { z } from 'zod';
import { Decimal, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { decimalString } from '../domain/money/schemas';
import { splitSymbol, type ExchangeId, type Market, type Symbol } from '../domain/market';
import type { OrderBook } from '../domain/orderbook';
import {
  decideCrossRecovery, decideTriRecovery, type PathStep, type TriHolding, type RecoveryAction, type RecoveryDecision, type SingleLegPolicy, type TakerFeeFn,
} from '../domain/arbitrage';
import type { Ledger, LedgerEntry, StoredLedgerEntry } from '../ports/ledger';
import type { Trading } from '../ports/trading';
import type { Logger } from './logger';

/**
 * A trade cut between its legs by a crash (kill -9, power) shows in the ledger as an attempt with
 * a decision line and no result line. At start, once the unanswered orders are booked from the
 * exchange, every such attempt is recovered by the single-leg policy against the current books:
 * the legs never sent are finished while the trade stays within the loss bound, else what filled
 * is unwound to the starting currency, else the position is held and shown. The ledger is the
 * durable record: the chosen action (`attempt:<id>:recovery`), every recovery order (client order
 * id `<id>-finish-l<leg>` / `<id>-unwind-l<leg>` / `<id>-finish-x` / `<id>-unwind-x`, from the
 * trade id and the step) and the result (`attempt:<id>:result`), so a second crash during the
 * recovery resumes it and books nothing twice.
 */

const legSchema = z.object({ exchange: z.string(), symbol: z.string(), side: z.enum(['buy', 'sell']) });
const planSchema = z.object({ type: z.literal('opportunity'), strategy: z.enum(['cross', 'triangular']), sizeAsset: z.string(), legs: z.array(legSchema).min(2) });
type Plan = z.infer<typeof planSchema>;
const committedSchema = z.object({ action: z.enum(['finish', 'unwind']) });
const fillDetails = z.object({ clientOrderId: z.string(), filled: decimalString, cost: decimalString });

/** One position a cut trade left open, as the log and /status show it. */
export interface OpenExposure {
  attemptId: string;
  strategy: 'cross' | 'triangular';
  exchange: string;
  asset: string;
  /** Signed: negative is a coin sold and not yet bought back. */
  amount: Decimal;
  state: 'recovering' | 'holding';
  /** Why it is held (no live book, beyond the loss bound, an order still being looked up). */
  reason: string | null;
  since: number;
}

export interface RecoveryResult {
  attemptId: string;
  strategy: 'cross' | 'triangular';
  /** What closed it: the action taken, or `nothing-open` when the fills left nothing to close. */
  outcome: RecoveryAction | 'nothing-open';
  realisedPnlUsd: Decimal;
  /** It was held open before (and `onLeftOpen` told so): its failure is already counted. */
  countedOpen: boolean;
}

export interface LegRecoveryDeps {
  ledger: Ledger;
  trading: ReadonlyMap<ExchangeId, Trading>;
  markets: readonly Market[];
  /** A market's book while its feed is live (undefined otherwise: no recovery on a stale book). */
  book: (exchange: ExchangeId, symbol: Symbol) => OrderBook | undefined;
  fee: TakerFeeFn;
  singleLeg: { policy: SingleLegPolicy; maxLossPercent: Decimal };
  usd: (asset: string) => Decimal | undefined;
  /** Correlation ids of orders sent and still not looked up at the exchange: their attempt waits. */
  unansweredAttempts: () => ReadonlySet<string>;
  /** Why no order may leave now (an operator's pause, a tripped kill switch), else null: recovery waits too. */
  halted?: () => string | null;
  now: () => number;
  log: Logger;
  /** The Q-bot's coin locks: a cut trade's coins are not traded while it is being recovered (not while held). */
  locked?: Set<string>;
  onResolved?: (r: RecoveryResult) => void;
  /**
   * Once per cut trade, when the recovery holds it with exposure left for a reason of its own
   * (beyond the loss bound, orders refused, tries spent, no book once the wait is over); not for a
   * wait: the books after a start, an order being looked up, an operator's pause or kill switch.
   */
  onLeftOpen?: (o: { attemptId: string; reason: string }) => void;
  /** How far back the ledger is searched for cut trades (default 7 days). */
  lookbackMs?: number;
  /**
   * How long a path whose books are not live yet is waited for before the other path is taken
   * (default 30 s): right after a start the feeds are still coming up, and an unwind chosen only
   * because the finish's book had not arrived would throw away a good trade.
   */
  bookWaitMs?: number;
}

type Step =
  | { kind: 'resolved'; outcome: RecoveryResult['outcome'] }
  | { kind: 'hold'; reason: string; exposure: Array<Pick<OpenExposure, 'exchange' | 'asset' | 'amount'>>; waiting?: true }
  | { kind: 'order'; decision: Extract<RecoveryDecision, { order: unknown }>; clientOrderId: string; exposure: Array<Pick<OpenExposure, 'exchange' | 'asset' | 'amount'>> };

interface Open {
  id: string;
  plan: Plan;
  since: number;
  locks: string[];
  exposure: OpenExposure[];
  lastReason?: string;
  /** When this process first tried it (the book wait counts from here). */
  firstTry?: number;
  /** onLeftOpen was called for it. */
  countedOpen?: boolean;
}

const MAX_TRIES_PER_STEP = 3;
const MAX_ORDERS_PER_PASS = 6;

export class LegRecovery {
  private readonly open = new Map<string, Open>();
  private running?: Promise<RecoveryResult[]>;
  private timer?: NodeJS.Timeout;
  private readonly markets = new Map<string, Market>();
  private everyMs?: number;
  private stopped = false;

  constructor(private readonly deps: LegRecoveryDeps) {
    for (const m of deps.markets) this.markets.set(`${m.exchange}:${m.symbol}`, m);
  }

  /**
   * Finds the cut trades in the ledger (decision without result) and locks their coins; run once at
   * start, before trading, so attempts this process starts later are never taken for cut ones.
   */
  find(): string[] {
    const since = this.deps.now() - (this.deps.lookbackMs ?? 7 * 24 * 3_600_000);
    const decisions = new Map<string, StoredLedgerEntry>();
    const results = new Set<string>();
    for (const e of this.deps.ledger.entries({ kind: 'decision', since })) {
      const m = /^attempt:(.+):(decision|result)$/.exec(e.idempotencyKey ?? '');
      if (!m) continue;
      if (m[2] === 'decision') decisions.set(m[1]!, e);
      else results.add(m[1]!);
    }
    for (const [id, e] of decisions) {
      if (results.has(id) || this.open.has(id)) continue;
      const plan = planSchema.safeParse(e.details);
      if (!plan.success) {
        this.deps.log.error({ attemptId: id, problem: plan.error.issues[0]?.message }, 'cut trade with an unreadable decision line: operator attention needed');
        continue;
      }
      this.register(id, plan.data, e.at);
      this.deps.log.error({ attemptId: id, strategy: plan.data.strategy, legs: plan.data.legs }, 'trade cut between its legs by a crash: recovering it before its coins trade again');
    }
    return [...this.open.keys()];
  }

  /**
   * Takes over a live trade whose leg fell short after something filled (the executor stops there):
   * registered from its decision line like a cut trade found at start and recovered at once, so
   * the finish / unwind / hold, the recovery orders' client ids and the result line are the
   * restart's, and a kill -9 meanwhile leaves a decision without result for the next start.
   * Undefined when the decision line cannot be read (the caller keeps its own correction).
   */
  async adopt(attemptId: string): Promise<{ result?: RecoveryResult } | undefined> {
    if (!this.open.has(attemptId)) {
      const line = this.deps.ledger.entries({ kind: 'decision', correlationId: attemptId }).find((e) => e.idempotencyKey === `attempt:${attemptId}:decision`);
      const plan = planSchema.safeParse(line?.details);
      if (!line || !plan.success) {
        this.deps.log.error({ attemptId, problem: plan.success ? 'no decision line' : plan.error.issues[0]?.message }, 'short leg not adopted by the leg recovery');
        return undefined;
      }
      this.register(attemptId, plan.data, line.at);
      // Its books are live (it just traded on them): no wait for books to arrive after a start.
      this.open.get(attemptId)!.firstTry = this.deps.now() - (this.deps.bookWaitMs ?? 30_000);
    }
    // One pass at a time: a pass already running may hold other trades' orders in flight.
    await this.running?.catch(() => undefined);
    const result = (await this.recover()).find((r) => r.attemptId === attemptId);
    if (this.open.size && this.everyMs !== undefined && !this.timer && !this.stopped) this.start(this.everyMs);
    return result ? { result } : {};
  }

  private register(id: string, plan: Plan, since: number): void {
    const locks = lockKeys(plan);
    for (const k of locks) this.deps.locked?.add(k);
    this.open.set(id, { id, plan, since, locks, exposure: [] });
  }

  /** Every position a cut trade still leaves open (log and /status). */
  exposure(): OpenExposure[] {
    return [...this.open.values()].flatMap((o) => o.exposure);
  }

  pending(): number {
    return this.open.size;
  }

  /** Recovers what it can now; the rest stays open (and shown) for the next pass. */
  recover(): Promise<RecoveryResult[]> {
    this.running ??= this.pass().finally(() => delete this.running);
    return this.running;
  }

  /** A pass after `everyMs` (books arrive first) and again every `everyMs` while something is open. */
  start(everyMs: number): void {
    this.everyMs = everyMs;
    if (!this.open.size || this.stopped) return;
    const tick = () => void this.recover().catch((err: unknown) => this.deps.log.error({ err }, 'leg recovery pass failed')).finally(() => {
      if (this.open.size && this.timer) this.timer = setTimeout(tick, everyMs);
      else delete this.timer;
    });
    this.timer = setTimeout(tick, everyMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    delete this.timer;
  }

  private async pass(): Promise<RecoveryResult[]> {
    const done: RecoveryResult[] = [];
    for (const o of [...this.open.values()]) {
      const r = await this.recoverOne(o);
      if (r) done.push(r);
    }
    return done;
  }

  private async recoverOne(o: Open): Promise<RecoveryResult | undefined> {
    o.firstTry ??= this.deps.now();
    for (let n = 0; n < MAX_ORDERS_PER_PASS; n += 1) {
      const lines = this.deps.ledger.entries({ correlationId: o.id });
      if (lines.some((e) => e.idempotencyKey === `attempt:${o.id}:result`)) return this.close(o, undefined);
      if (this.deps.unansweredAttempts().has(o.id)) {
        this.hold(o, 'an order of this trade is still being looked up at the exchange', [], 'waiting');
        return undefined;
      }
      const committed = committedAction(o.id, lines);
      const step = o.plan.strategy === 'triangular' ? this.triStep(o, lines, committed) : this.crossStep(o, lines, committed);
      if (step.kind === 'resolved') return this.close(o, lines, step.outcome);
      if (step.kind === 'hold') {
        this.hold(o, step.reason, step.exposure, step.waiting ? 'waiting' : 'left-open');
        return undefined;
      }
      const halt = this.deps.halted?.();
      if (halt) {
        this.hold(o, `no orders while ${halt}: recovery waits for the operator`, step.exposure, 'waiting');
        return undefined;
      }
      o.exposure = step.exposure.map((x) => ({ ...x, attemptId: o.id, strategy: o.plan.strategy, state: 'recovering', reason: null, since: o.since }));
      for (const k of o.locks) this.deps.locked?.add(k);
      const { decision, clientOrderId } = step;
      if (!committed) this.book([commitLine(o.id, this.deps.now(), decision)]);
      const t = this.deps.trading.get(decision.order.exchange);
      if (!t) {
        this.hold(o, `no trading adapter for ${decision.order.exchange}`, step.exposure, 'left-open');
        return undefined;
      }
      const ord = decision.order;
      this.deps.log.warn({ attemptId: o.id, action: decision.action, clientOrderId, exchange: ord.exchange, symbol: ord.symbol, side: ord.side, amount: formatDecimal(ord.amount), limitPrice: formatDecimal(ord.limitPrice), lossPercent: formatDecimal(decision.lossPercent, 4) }, 'cut trade: recovery order');
      const out = await t.placeOrder({ exchange: ord.exchange, symbol: ord.symbol, side: ord.side, type: 'ioc', amount: ord.amount, price: ord.limitPrice, clientOrderId, correlationId: o.id });
      if (out.status === 'rejected') {
        this.hold(o, `${decision.action} order ${clientOrderId} rejected: ${out.code} ${out.reason}`, step.exposure, 'left-open');
        return undefined;
      }
    }
    this.hold(o, `still open after ${MAX_ORDERS_PER_PASS} recovery orders`, o.exposure, 'left-open');
    return undefined;
  }

  private triStep(o: Open, lines: StoredLedgerEntry[], committed: RecoveryAction | undefined): Step {
    const legs = o.plan.legs;
    const ex = legs[0]!.exchange;
    // The coin each leg hands on: assets[k] -> assets[k + 1] by leg k.
    const assets = [o.plan.sizeAsset, ...legs.map((l) => (l.side === 'buy' ? splitSymbol(l.symbol).base : splitSymbol(l.symbol).quote))];
    const deltas = netDeltas(lines);
    const d = (asset: string) => deltas.get(`${ex}:${asset}`) ?? ZERO;
    const fee = (m: Market, side: 'buy' | 'sell') => this.deps.fee(m.exchange, m.symbol, side);
    const spent = d(o.plan.sizeAsset).negated();
    // Every coin still on hand (a partly filled leg leaves two), the last one handed on first.
    const holdings: Array<TriHolding & { j: number; missing: string[] }> = [];
    for (let j = assets.length - 2; j >= 1; j -= 1) {
      const held = d(assets[j]!);
      if (held.lte(0)) continue;
      const finish = legs.slice(j).map((l) => ({ l, side: l.side }));
      const unwind = legs.slice(0, j).reverse().map((l) => ({ l, side: flip(l.side) }));
      const paths: TriHolding['paths'] = {};
      const missing: string[] = [];
      for (const [action, steps] of [['finish', finish], ['unwind', unwind]] as const) {
        if (committed && committed !== action) continue;
        const built = this.steps(steps);
        if (typeof built === 'string') missing.push(`${action}: ${built}`);
        else paths[action] = built;
      }
      // Less than the next order's minimum on every path back: dust, nothing left to close.
      const firsts = Object.values(paths).map((p) => p[0]!);
      if (firsts.length && firsts.every((s) => belowMinimum(held, s))) continue;
      holdings.push({ j, held, paths, missing });
    }
    const [first, ...others] = holdings;
    if (!first) return { kind: 'resolved', outcome: committed ?? 'nothing-open' };
    const exposure = holdings.map((h) => ({ exchange: ex, asset: assets[h.j]!, amount: h.held }));
    const missing = holdings.flatMap((h) => h.missing);
    if (missing.length && this.waitingForBooks(o)) return { kind: 'hold', reason: `waiting for live books: ${missing.join('; ')}`, exposure, waiting: true };
    const decision = decideTriRecovery({
      held: first.held, paths: first.paths, alsoHeld: others, spent, spentGross: spentOf(lines, ex, o.plan.sizeAsset), fee, policy: this.deps.singleLeg.policy, maxLossPercent: this.deps.singleLeg.maxLossPercent,
    });
    if (decision.action === 'hold') return { kind: 'hold', reason: [...missing, decision.reason].join('; '), exposure };
    const leg = decision.action === 'finish' ? first.j + 1 : first.j;
    const cid = this.clientOrderId(lines, `${o.id}-${decision.action}-l${leg}`);
    if (!cid) return { kind: 'hold', reason: `${decision.action} of leg ${leg} tried ${MAX_TRIES_PER_STEP} times`, exposure };
    return { kind: 'order', decision, clientOrderId: cid, exposure };
  }

  private crossStep(o: Open, lines: StoredLedgerEntry[], committed: RecoveryAction | undefined): Step {
    const buy = o.plan.legs.find((l) => l.side === 'buy')!;
    const sell = o.plan.legs.find((l) => l.side === 'sell')!;
    const base = splitSymbol(buy.symbol).base;
    const deltas = netDeltas(lines);
    const net = (deltas.get(`${buy.exchange}:${base}`) ?? ZERO).plus(deltas.get(`${sell.exchange}:${base}`) ?? ZERO);
    if (net.isZero()) return { kind: 'resolved', outcome: committed ?? 'nothing-open' };
    const filled = net.gt(0) ? buy : sell;
    const missing = net.gt(0) ? sell : buy;
    const exposure = [{ exchange: filled.exchange, asset: base, amount: net }];
    const books: Partial<Record<RecoveryAction, { market: Market; book: OrderBook }>> = {};
    const why: string[] = [];
    for (const [action, leg] of [['finish', missing], ['unwind', filled]] as const) {
      if (committed && committed !== action) continue;
      const built = this.steps([{ l: leg, side: flip(filled.side) }]);
      if (typeof built === 'string') why.push(`${action}: ${built}`);
      else books[action] = built[0]!;
    }
    if (why.length && this.waitingForBooks(o)) return { kind: 'hold', reason: `waiting for live books: ${why.join('; ')}`, exposure, waiting: true };
    const markets = Object.values(books);
    if (markets.length && markets.every((mb) => net.abs().lt(mb.market.minAmount) || net.abs().lt(mb.market.amountStep))) return { kind: 'resolved', outcome: committed ?? 'nothing-open' };
    const entry = entryPrice(lines, `${o.id}-${filled.side}`);
    if (!entry) return { kind: 'hold', reason: `no fill of ${o.id}-${filled.side} in the ledger to price the loss bound`, exposure };
    const decision = decideCrossRecovery({
      filledSide: filled.side, excess: net.abs(), entryPrice: entry, books, policy: this.deps.singleLeg.policy, maxLossPercent: this.deps.singleLeg.maxLossPercent,
      fee: (m, side) => this.deps.fee(m.exchange, m.symbol, side),
    });
    if (decision.action === 'hold') return { kind: 'hold', reason: [...why, decision.reason].join('; '), exposure };
    const cid = this.clientOrderId(lines, `${o.id}-${decision.action}-x`);
    if (!cid) return { kind: 'hold', reason: `${decision.action} tried ${MAX_TRIES_PER_STEP} times`, exposure };
    return { kind: 'order', decision, clientOrderId: cid, exposure };
  }

  private waitingForBooks(o: Open): boolean {
    return this.deps.now() - (o.firstTry ?? 0) < (this.deps.bookWaitMs ?? 30_000);
  }

  /** The steps' markets with their live books, or what is missing. */
  private steps(steps: ReadonlyArray<{ l: Plan['legs'][number]; side: 'buy' | 'sell' }>): PathStep[] | string {
    const out: PathStep[] = [];
    for (const { l, side } of steps) {
      const market = this.markets.get(`${l.exchange}:${l.symbol}`);
      if (!market) return `${l.exchange}:${l.symbol} is not a known market`;
      const book = this.deps.book(market.exchange, market.symbol);
      if (!book) return `no live book for ${l.exchange}:${l.symbol}`;
      out.push({ market, book, side });
    }
    return out;
  }

  /** The step's id, or the next retry of it when the exchange already has that id (a partial fill). */
  private clientOrderId(lines: StoredLedgerEntry[], base: string): string | undefined {
    const tried = new Set(lines.filter((e) => e.kind === 'order-attempt').map((e) => String((e.details as { clientOrderId?: unknown } | undefined)?.clientOrderId)));
    for (let n = 1; n <= MAX_TRIES_PER_STEP; n += 1) {
      const id = n === 1 ? base : `${base}-r${n}`;
      if (!tried.has(id)) return id;
    }
    return undefined;
  }

  private hold(o: Open, reason: string, exposure: Array<Pick<OpenExposure, 'exchange' | 'asset' | 'amount'>>, why: 'waiting' | 'left-open'): void {
    // A held position is the operator's to judge: the rest of those coins trade on meanwhile.
    for (const k of o.locks) this.deps.locked?.delete(k);
    o.exposure = exposure.map((x) => ({ ...x, attemptId: o.id, strategy: o.plan.strategy, state: 'holding', reason, since: o.since }));
    if (why === 'left-open' && exposure.length && !o.countedOpen) {
      o.countedOpen = true;
      this.deps.onLeftOpen?.({ attemptId: o.id, reason });
    }
    // Logged when the reason changes, not on every pass.
    if (o.lastReason === reason) return;
    o.lastReason = reason;
    this.deps.log.error({ attemptId: o.id, strategy: o.plan.strategy, reason, exposure: exposure.map((x) => ({ ...x, amount: formatDecimal(x.amount) })) }, 'cut trade held open: operator attention needed until it is recovered');
    // The ledger's typed outcome is the hold that leaves exposure for a reason of its own (once per
    // trade, the reason it was counted for); a wait (books, a lookup, a pause) is only shown and
    // logged, or its line would take the key and the real reason would never be booked.
    if (why === 'left-open' && exposure.length) {
      this.book([{ kind: 'decision', at: this.deps.now(), correlationId: o.id, idempotencyKey: `attempt:${o.id}:recovery-held`, details: { type: 'leg-recovery-held', reason, exposure: exposure.map((x) => ({ exchange: x.exchange, asset: x.asset, amount: formatDecimal(x.amount) })) } }]);
    }
  }

  private close(o: Open, lines: StoredLedgerEntry[] | undefined, outcome?: RecoveryResult['outcome']): RecoveryResult | undefined {
    this.open.delete(o.id);
    for (const k of o.locks) this.deps.locked?.delete(k);
    // Booked by an earlier run (a crash after the result line): nothing more to do.
    if (!lines || !outcome) return undefined;
    let pnl = ZERO;
    const open: Record<string, string> = {};
    const unpriced: string[] = [];
    for (const [key, delta] of netDeltas(lines)) {
      if (delta.isZero()) continue;
      const price = this.deps.usd(key.split(':')[1]!);
      if (!price) unpriced.push(key);
      else pnl = pnl.plus(delta.times(price));
      open[key] = formatDecimal(delta);
    }
    const result: RecoveryResult = { attemptId: o.id, strategy: o.plan.strategy, outcome, realisedPnlUsd: pnl, countedOpen: o.countedOpen ?? false };
    this.book([{
      kind: 'decision', at: this.deps.now(), correlationId: o.id, idempotencyKey: `attempt:${o.id}:result`, realisedPnlUsd: pnl,
      details: { type: 'attempt-result', strategy: o.plan.strategy, status: 'recovered', recovery: outcome, realisedPnlUsd: formatDecimal(pnl), openDeltas: open, unpriced },
    }]);
    this.deps.log.warn({ attemptId: o.id, strategy: o.plan.strategy, recovery: outcome, realisedPnlUsd: formatDecimal(pnl), deltas: open }, 'cut trade recovered');
    this.deps.onResolved?.(result);
    return result;
  }

  private book(lines: LedgerEntry[]): void {
    this.deps.ledger.append(lines);
  }
}

function commitLine(id: string, at: number, d: Extract<RecoveryDecision, { order: unknown }>): LedgerEntry {
  const o = d.order;
  return {
    kind: 'decision', at, correlationId: id, idempotencyKey: `attempt:${id}:recovery`,
    details: {
      type: 'leg-recovery', action: d.action, ...(d.passedOver ? { passedOver: d.passedOver } : {}), expectedReturn: formatDecimal(d.expectedReturn), lossPercent: formatDecimal(d.lossPercent, 6),
      firstOrder: { exchange: o.exchange, symbol: o.symbol, side: o.side, amount: formatDecimal(o.amount), limitPrice: formatDecimal(o.limitPrice), expectedPrice: formatDecimal(o.expectedPrice) },
    },
  };
}

function committedAction(id: string, lines: StoredLedgerEntry[]): RecoveryAction | undefined {
  const line = lines.find((e) => e.idempotencyKey === `attempt:${id}:recovery`);
  const parsed = committedSchema.safeParse(line?.details);
  return parsed.success ? parsed.data.action : undefined;
}

/** Net change per "exchange:ASSET" over an attempt's lines (fills and fees). */
function netDeltas(lines: readonly LedgerEntry[]): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  for (const e of lines) {
    if (!e.delta || !e.asset || !e.exchange) continue;
    const key = `${e.exchange}:${e.asset}`;
    out.set(key, (out.get(key) ?? ZERO).plus(e.delta));
  }
  return out;
}

/** Average price of a filled order from its fill line (cost / filled). */
function entryPrice(lines: readonly StoredLedgerEntry[], clientOrderId: string): Decimal | undefined {
  for (const e of lines) {
    if (e.kind !== 'fill') continue;
    const d = fillDetails.safeParse(e.details);
    if (!d.success || d.data.clientOrderId !== clientOrderId) continue;
    const filled = new Decimal(d.data.filled);
    if (filled.gt(0)) return new Decimal(d.data.cost).div(filled);
  }
  return undefined;
}

/** All the start currency the attempt's lines spent (fills and fees), the base of its loss percent. */
function spentOf(lines: readonly LedgerEntry[], exchange: string, asset: string): Decimal {
  let out = ZERO;
  for (const e of lines) if (e.exchange === exchange && e.asset === asset && e.delta?.isNegative()) out = out.minus(e.delta);
  return out;
}

function belowMinimum(held: Decimal, s: PathStep): boolean {
  if (s.side === 'sell') return held.lt(s.market.minAmount) || held.lt(s.market.amountStep);
  const ask = s.book.asks[0];
  if (!ask) return false;
  const base = held.div(ask.price);
  return base.lt(s.market.minAmount) || base.lt(s.market.amountStep) || held.lt(s.market.minNotional);
}

function lockKeys(plan: Plan): string[] {
  if (plan.strategy === 'triangular') {
    const ex = plan.legs[0]!.exchange;
    return [`${ex}:${plan.sizeAsset}`, ...plan.legs.map((l) => `${ex}:${splitSymbol(l.symbol).base}`)];
  }
  // The keys the Q-bot's own lock gate uses for a cross trade, and the base on both venues.
  const buy = plan.legs.find((l) => l.side === 'buy') ?? plan.legs[0]!;
  return [`${buy.exchange}:${splitSymbol(buy.symbol).quote}`, ...plan.legs.map((l) => `${l.exchange}:${splitSymbol(l.symbol).base}`)];
}

const flip = (side: 'buy' | 'sell'): 'buy' | 'sell' => (side === 'buy' ? 'sell' : 'buy');
