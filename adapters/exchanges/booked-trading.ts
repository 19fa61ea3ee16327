import { Decimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import type { ExchangeId, Symbol } from '../../domain/market';
import type { Clock } from '../../ports/clock';
import { LedgerKeyConflictError, type Ledger, type LedgerEntry } from '../../ports/ledger';
import type { Rejected } from '../../ports/outcomes';
import type { OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import { decision, orderAttempt, orderFilled, orderRejected } from '../persistence/ledger-entries';
import type { OrdersInFlight } from '../persistence/orders-in-flight';
import type { FeeBook } from '../../domain/fees';
import { withAllowanceSpent } from '../persistence/fee-book-setup';

type FeeLine = { currency: string; amount: Decimal; allowanceUsedUsd?: Decimal };

export interface BookedTradingLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BookedTradingDeps {
  /** The live adapter (ccxt): its outcomes are built from the exchange's own order and trade answers. */
  trading: Trading;
  ledger: Ledger;
  clock: Clock;
  log: BookedTradingLog;
  /** USD per unit of a quote currency, for the fill's USD value (PnL); unknown leaves it unset. */
  usdPrice?: (asset: string) => Decimal | undefined;
  /**
   * Orders sent and not yet answered (state.sqlite): recorded before each send, cleared once the
   * outcome is booked; `recoverUnanswered()` looks the rest up at the venue on start.
   */
  inFlight?: OrdersInFlight;
  /**
   * The fee book decisions price with: a live fill on a venue with a zero-fee allowance (Coinbase
   * One) spends it, and the book must know, or every later trade is priced fee-free forever.
   */
  feeBook?: FeeBook;
}

/** What a start-up lookup of unanswered orders found, by client order id. */
export interface UnansweredReport {
  /** At the exchange: booked from its answer (filled or not). */
  recovered: string[];
  /** The exchange has no such order: it never arrived. */
  notAtExchange: string[];
  /** The lookup failed: kept, looked up again on the next start. */
  unresolved: string[];
}

/**
 * Live trading that books every outcome the way paper trading does: the attempt, each fill (base
 * and quote) and each fee in the currency the exchange charged it (BNB, the quote or the base),
 * from the exchange's answer, partial fills included. An order whose answer was lost (a timeout)
 * but that filled is booked too and surfaced: a warning and a decision line. Booking happens
 * before the outcome returns, so a caller never acts on a fill the ledger has not seen.
 */
export class LedgerBookedTrading implements Trading {
  readonly exchange: ExchangeId;

  constructor(private readonly deps: BookedTradingDeps) {
    this.exchange = deps.trading.exchange;
  }

  async placeOrder(req: OrderRequest): Promise<OrderOutcome> {
    const cid = req.clientOrderId;
    // Durable before the order leaves: a crash before its answer leaves a row to look up on start.
    if (cid) this.deps.inFlight?.sent(cid, req, this.deps.clock.now());
    const out = await this.deps.trading.placeOrder(req);
    this.book(req, out);
    // An unknown outcome stays in flight: the next start asks the exchange again.
    if (cid && !(out.status === 'rejected' && out.code === 'UNKNOWN_OUTCOME')) this.deps.inFlight?.answered(cid);
    return out;
  }

  /**
   * Looks every order sent without an answer (a crash, a lost answer) up at the venue by client
   * order id and books what the exchange says: run on start, before trading. A recovered order is
   * logged as a warning and marked with a decision line (`order-found-at-start`), the alert hook
   * the dashboard and the logs already show.
   */
  async recoverUnanswered(): Promise<UnansweredReport> {
    const report: UnansweredReport = { recovered: [], notAtExchange: [], unresolved: [] };
    for (const o of this.deps.inFlight?.unanswered() ?? []) {
      const found = await this.deps.trading.fetchOrderByClientId(o.request.symbol, o.clientOrderId);
      const at = this.deps.clock.now();
      const correlationId = o.request.correlationId ?? o.clientOrderId;
      if (found.status === 'not-found') {
        this.deps.log.warn({ exchange: this.exchange, clientOrderId: o.clientOrderId, sentAt: o.at }, 'unanswered order is not at the exchange: it never arrived');
        this.append([decision({ at, exchange: this.exchange, correlationId, key: `order:${this.exchange}:${o.clientOrderId}:not-at-exchange`, details: { event: 'order-not-at-exchange-at-start', clientOrderId: o.clientOrderId } })]);
        this.deps.inFlight?.answered(o.clientOrderId);
        report.notAtExchange.push(o.clientOrderId);
        continue;
      }
      if (found.status === 'rejected') {
        this.deps.log.error({ exchange: this.exchange, clientOrderId: o.clientOrderId, reason: found.reason }, 'unanswered order could not be looked up: kept for the next start');
        report.unresolved.push(o.clientOrderId);
        continue;
      }
      this.deps.log.warn({ exchange: this.exchange, symbol: found.symbol, clientOrderId: o.clientOrderId, filled: formatDecimal(found.filled), orderStatus: found.orderStatus }, 'unanswered order found at the exchange: booked from its answer');
      this.book(o.request, found, [decision({
        at, exchange: this.exchange, correlationId, key: `order:${this.exchange}:${o.clientOrderId}:found-at-start`,
        details: { event: 'order-found-at-start', orderId: found.orderId, clientOrderId: o.clientOrderId, filled: formatDecimal(found.filled), orderStatus: found.orderStatus },
      })]);
      this.deps.inFlight?.answered(o.clientOrderId);
      report.recovered.push(o.clientOrderId);
    }
    return report;
  }

  private book(req: OrderRequest, out: OrderOutcome, extra: LedgerEntry[] = []): void {
    const at = this.deps.clock.now();
    let spent: FeeLine[] = [];
    const ref = { at, exchange: this.exchange, symbol: req.symbol, side: req.side, clientOrderId: out.clientOrderId, correlationId: req.correlationId ?? out.clientOrderId };
    const lines: LedgerEntry[] = [orderAttempt({ ...ref, type: req.type, amount: req.amount, price: req.price, mode: 'live' })];
    if (out.status === 'rejected') lines.push(orderRejected({ ...ref, code: out.code, reason: out.reason }));
    else if (out.filled.gt(0)) {
      const quote = out.symbol.split('/')[1] ?? '';
      const quoteUsd = this.deps.usdPrice?.(quote);
      const fees = withAllowanceSpent(this.deps.feeBook, this.exchange, out.fees, out.cost, quote, quoteUsd, at);
      lines.push(...orderFilled({
        ...ref, symbol: out.symbol, side: out.side, orderId: out.orderId, filled: out.filled, cost: out.cost, fees, ...(quoteUsd ? { quoteUsd } : {}),
      }));
      spent = fees;
      if (out.recoveredAfterUnknownOutcome) {
        this.deps.log.warn({ exchange: this.exchange, symbol: out.symbol, clientOrderId: out.clientOrderId, filled: formatDecimal(out.filled) }, 'order timed out but filled: booked from the exchange');
        lines.push(decision({
          at, exchange: this.exchange, correlationId: ref.correlationId, key: `order:${this.exchange}:${out.clientOrderId}:recovered`,
          details: { event: 'order-filled-after-timeout', orderId: out.orderId, clientOrderId: out.clientOrderId, filled: formatDecimal(out.filled) },
        }));
      }
    }
    lines.push(...extra);
    // The fee book counts a fill once: only when its lines were written now (not a replay).
    if (this.append(lines, out.clientOrderId)) {
      for (const f of spent) this.deps.feeBook?.recordFee({ exchange: this.exchange, at, currency: f.currency, amount: f.amount, ...(f.allowanceUsedUsd ? { allowanceUsedUsd: f.allowanceUsedUsd } : {}) });
    }
  }

  private append(lines: LedgerEntry[], clientOrderId?: string): boolean {
    try {
      // A retry with the same client order id (after a retryable rejection) meets its earlier
      // attempt line: the ledger skips a batch holding any replayed key, so book the outcome alone
      // then. One batch (one fsync) in the usual case.
      if (this.deps.ledger.append(lines)) return true;
      return lines.length > 1 && this.deps.ledger.append(lines.slice(1));
    } catch (err) {
      // The trade happened whatever the ledger says: report it loudly, never hide the fill.
      if (!(err instanceof LedgerKeyConflictError)) throw err;
      this.deps.log.error({ exchange: this.exchange, clientOrderId, key: err.key, booked: err.booked, attempted: err.attempted }, err.message);
      return false;
    }
  }

  cancelOrder(symbol: Symbol, orderId: string): Promise<{ status: 'canceled' } | Rejected> {
    return this.deps.trading.cancelOrder(symbol, orderId);
  }

  fetchOrderByClientId(symbol: Symbol, clientOrderId: string): Promise<OrderOutcome | { status: 'not-found' }> {
    return this.deps.trading.fetchOrderByClientId(symbol, clientOrderId);
  }
}
