import { Decimal, ZERO } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import type { ExchangeId } from '../domain/market';
import { decideSingleLeg, type CrossEvaluation, type SingleLegDecision, type TriEvaluation } from '../domain/arbitrage';
import type { Ledger, LedgerEntry } from '../ports/ledger';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../ports/trading';
import type { BookCache } from './book-cache';
import type { Logger } from './logger';
import { attemptPnlUsd } from './attempt-pnl';
import { evaluationJson } from './opportunity-json';
import type { QbotConfig } from './qbot-config';
import type { LegRecovery, RecoveryResult } from './leg-recovery';

export type AttemptStatus = 'completed' | 'no-fill' | 'single-leg';

export interface AttemptResult {
  attemptId: string;
  strategy: 'cross' | 'triangular';
  status: AttemptStatus;
  realisedPnlUsd: Decimal;
  outcomes: OrderOutcome[];
  singleLeg?: SingleLegDecision;
  /**
   * A triangle's short leg handed to the leg recovery: its result line and its kill-switch count
   * are the recovery's (`result` once it closed it; absent while it is held or waits).
   */
  recovery?: { result?: RecoveryResult };
}

export interface ExecutorDeps {
  trading: ReadonlyMap<ExchangeId, Trading>;
  ledger: Ledger;
  cache: BookCache;
  config: QbotConfig;
  locked: Set<string>;
  usd: (asset: string) => Decimal | undefined;
  now: () => number;
  newId: () => string;
  log: Logger;
  /** Extra orders (unwind, hedge) count against the exchange's rate budget. */
  spend?: (exchange: string, orders: number) => void;
  /** The process's leg recovery, once it exists: a triangle's short leg is recovered by its policy. */
  recovery?: () => Pick<LegRecovery, 'adopt'> | undefined;
}

const s = formatDecimal;
const confirmed = (o: OrderOutcome): o is Confirmed => o.status === 'confirmed';
const filledOf = (o: OrderOutcome) => (confirmed(o) ? o.filled : ZERO);

/**
 * Sends an accepted opportunity: cross legs at once as IOC limits at the worst price the walk
 * accepted; triangular legs in order (each needs the previous one's proceeds). The coins involved
 * stay locked until the attempt ends. A half fill goes to the single-leg policy. The Trading
 * adapter books each order's attempt, fills and fees (with this attempt's correlationId); the
 * executor books the decision, the single-leg decision and the attempt's result with its PnL.
 */
export class Executor {
  constructor(private readonly deps: ExecutorDeps) {}

  async executeCross(ev: CrossEvaluation): Promise<AttemptResult> {
    const [buy, sell] = ev.legs!;
    const id = this.deps.newId();
    const locks = [`${buy.exchange}:${ev.buyQuote}`, `${sell.exchange}:${ev.base}`];
    return this.withLocks(locks, async () => {
      this.book([this.decisionLine(id, ev)]);
      const [b, sl] = await Promise.all([
        this.place({ exchange: buy.exchange, symbol: buy.symbol, side: 'buy', type: 'ioc', amount: buy.amount, price: buy.worstPrice, clientOrderId: `${id}-buy`, correlationId: id }),
        this.place({ exchange: sell.exchange, symbol: sell.symbol, side: 'sell', type: 'ioc', amount: sell.amount, price: sell.worstPrice, clientOrderId: `${id}-sell`, correlationId: id }),
      ]);
      const outcomes: OrderOutcome[] = [b, sl];
      const fb = filledOf(b);
      const fs = filledOf(sl);
      let status: AttemptStatus = fb.isZero() && fs.isZero() ? 'no-fill' : fb.eq(fs) ? 'completed' : 'single-leg';
      let singleLeg: SingleLegDecision | undefined;
      if (status === 'single-leg') {
        const more = fb.gt(fs) ? (b as Confirmed) : (sl as Confirmed);
        const other = more === b ? sell.exchange : buy.exchange;
        singleLeg = await this.correct(id, { exchange: more.exchange, symbol: more.symbol, side: more.side, excess: fb.minus(fs).abs(), entryPrice: more.averagePrice, failedExchange: other }, outcomes);
      }
      if (status === 'completed' && (!confirmed(b) || !confirmed(sl))) status = 'no-fill';
      return this.finish(id, 'cross', status, outcomes, singleLeg);
    });
  }

  async executeTri(ev: TriEvaluation): Promise<AttemptResult> {
    const id = this.deps.newId();
    return this.withLocks([`${ev.exchange}:${ev.start}`], async () => {
      this.book([this.decisionLine(id, ev)]);
      const outcomes: OrderOutcome[] = [];
      let singleLeg: SingleLegDecision | undefined;
      let status: AttemptStatus = 'completed';
      for (let k = 0; k < ev.legs.length; k += 1) {
        const leg = ev.legs[k]!;
        const o = await this.place({ exchange: leg.exchange, symbol: leg.symbol, side: leg.side, type: 'ioc', amount: leg.amount, price: leg.worstPrice, clientOrderId: `${id}-leg${k + 1}`, correlationId: id });
        outcomes.push(o);
        if (filledOf(o).eq(leg.amount)) continue;
        status = k === 0 && filledOf(o).isZero() ? 'no-fill' : 'single-leg';
        if (status === 'single-leg') {
          // Something filled: finished or unwound to the start currency as a cut trade would be at restart.
          const adopted = await this.deps.recovery?.()?.adopt(id);
          if (adopted) return { attemptId: id, strategy: 'triangular', status, realisedPnlUsd: adopted.result?.realisedPnlUsd ?? ZERO, outcomes, recovery: adopted };
        }
        // Without a leg recovery: undo what the legs before left us holding (the last full leg).
        const undo = filledOf(o).isZero() ? outcomes[k - 1] : o;
        if (undo && confirmed(undo)) {
          const policy = this.deps.config.singleLeg.policy === 'hedge' ? 'unwind' : undefined;
          singleLeg = await this.correct(id, { exchange: undo.exchange, symbol: undo.symbol, side: undo.side, excess: undo.filled, entryPrice: undo.averagePrice, failedExchange: undo.exchange }, outcomes, policy);
        }
        break;
      }
      return this.finish(id, 'triangular', status, outcomes, singleLeg);
    });
  }

  private async correct(id: string, imb: Parameters<typeof decideSingleLeg>[0], outcomes: OrderOutcome[], policyOverride?: 'unwind'): Promise<SingleLegDecision> {
    const { config, cache } = this.deps;
    const books = [...cache.all()].filter((e) => e.market.symbol === imb.symbol && e.state === 'live');
    const decision = decideSingleLeg(imb, policyOverride ?? config.singleLeg.policy, config.singleLeg.maxLossPercent, books);
    this.book([{
      kind: 'decision', at: this.deps.now(), correlationId: id, idempotencyKey: `attempt:${id}:single-leg`,
      details: { type: 'single-leg', imbalance: { ...imb, excess: s(imb.excess), entryPrice: s(imb.entryPrice) }, action: decision.action,
        ...(decision.action === 'hold' ? { alert: decision.alert } : { order: { ...decision.order, amount: s(decision.order.amount), limitPrice: s(decision.order.limitPrice), expectedPrice: s(decision.order.expectedPrice) } }) },
    }]);
    if (decision.action === 'hold') {
      this.deps.log.error({ attemptId: id, alert: decision.alert }, 'single leg left open: operator attention needed');
      return decision;
    }
    const o = decision.order;
    this.deps.spend?.(o.exchange, 1);
    outcomes.push(await this.place({ exchange: o.exchange, symbol: o.symbol, side: o.side, type: 'ioc', amount: o.amount, price: o.limitPrice, clientOrderId: `${id}-${decision.action}`, correlationId: id }));
    return decision;
  }

  private finish(id: string, strategy: 'cross' | 'triangular', status: AttemptStatus, outcomes: OrderOutcome[], singleLeg?: SingleLegDecision): AttemptResult {
    const fills = outcomes.filter(confirmed);
    const pnl = attemptPnlUsd(fills, this.deps.usd);
    this.book([{
      kind: 'decision', at: this.deps.now(), correlationId: id, idempotencyKey: `attempt:${id}:result`, realisedPnlUsd: pnl.pnlUsd,
      details: {
        type: 'attempt-result', strategy, status, realisedPnlUsd: s(pnl.pnlUsd), openDeltas: pnl.open, usdPrices: pnl.prices, unpriced: pnl.unpriced,
        orders: outcomes.map((o) => (confirmed(o) ? { clientOrderId: o.clientOrderId, status: o.orderStatus, filled: s(o.filled), averagePrice: s(o.averagePrice) } : { clientOrderId: o.clientOrderId, rejected: o.code, reason: o.reason })),
      },
    }]);
    this.deps.log.info({ attemptId: id, strategy, status, realisedPnlUsd: s(pnl.pnlUsd) }, 'attempt finished');
    return { attemptId: id, strategy, status, realisedPnlUsd: pnl.pnlUsd, outcomes, ...(singleLeg ? { singleLeg } : {}) };
  }

  private decisionLine(id: string, ev: CrossEvaluation | TriEvaluation): LedgerEntry {
    return { kind: 'decision', at: this.deps.now(), correlationId: id, idempotencyKey: `attempt:${id}:decision`, details: { type: 'opportunity', ...evaluationJson(ev, this.deps.now()) } };
  }

  private async place(req: OrderRequest): Promise<OrderOutcome> {
    const t = this.deps.trading.get(req.exchange);
    if (!t) return { status: 'rejected', code: 'NOT_SUPPORTED', reason: `no trading adapter for ${req.exchange}`, retryable: false, clientOrderId: req.clientOrderId ?? '' };
    return t.placeOrder(req);
  }

  private book(lines: LedgerEntry[]): void {
    this.deps.ledger.append(lines);
  }

  private async withLocks<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    for (const k of keys) this.deps.locked.add(k);
    try {
      return await fn();
    } finally {
      for (const k of keys) this.deps.locked.delete(k);
    }
  }
}
