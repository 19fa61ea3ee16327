import { Decimal, ONE, ZERO, maxDecimal } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { splitSymbol, type ExchangeId, type Market, type Symbol } from '../../domain/market';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import type { FeeBook } from '../../domain/fees';
import type { Account, Balances } from '../../ports/account';
import { systemClock, type Clock } from '../../ports/clock';
import type { Ledger } from '../../ports/ledger';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import { decision, orderAttempt, orderRejected } from '../persistence/ledger-entries';
import { PaperBalances } from './paper-balances';
import { checkOrder, consume, crossingLevels, levelKey, protectionLimit, walkWithFills, type BookLevelKey } from './paper-fill';
import { assetPricer } from './paper-prices';
import { settle, snapshot, type OrderRef, type PaperOrder, type SettleContext } from './paper-order';
import type { StateStore } from '../persistence/state-sqlite';
import { createHash } from 'node:crypto';
import { orderOutcomeFromRow, orderOutcomeRow, orderOutcomeToRow, processAlive, type OrderRow } from './paper-durable';

export interface PaperTradingOptions {
  exchange: ExchangeId;
  markets: Market[];
  /** The live book of a symbol from any feed (MarketData.latestBook, a replay, a test). */
  books: (symbol: Symbol) => OrderBook | undefined;
  initialBalances?: Record<string, Decimal>;
  /** Shared paper balances (e.g. with paper staking, which moves coins in and out of them). */
  wallet?: PaperBalances;
  /** Without one, the market's listed fee is charged in the quote currency. */
  feeBook?: FeeBook;
  /** Time between placing and the book being read, as a real round trip would take. */
  latencyMs?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** When given, every attempt, fill, fee and rejection is booked before the outcome returns. */
  ledger?: Ledger;
  /** Band around the best price a market order may walk (fraction; default 0.01 = 1 %). */
  marketProtection?: Decimal;
  /** Refuse to fill on a book older than this (ms); unlimited when absent. */
  maxBookAgeMs?: number;
  /** USD per unit of an asset; default: USD-like stables at 1, else the mid of ASSET/USD(T|C). */
  usdPrice?: (asset: string) => Decimal | undefined;
  /**
   * Keeps every client order id with its latest outcome across restarts and processes (scope
   * `paper-orders:<exchange>`; give the durable wallet's store): the same id, after a restart or in
   * another process on the file, answers what it answered before and never fills again. An id is
   * claimed in the file before it executes and its outcome commits with its fill. A limit order
   * resting when its process ended is canceled by the next process to start (its reservation was
   * not kept).
   */
  store?: StateStore;
  /**
   * Told of each taker fill's levels (price, amount taken) as it settles, before anything else
   * can read the book: a backtest removes them from its recorded books (hotpath/backtest/consumed-liquidity.ts).
   */
  onTakerFills?: (symbol: Symbol, side: 'buy' | 'sell', fills: readonly BookLevel[]) => void;
}

const s = formatDecimal;
/** A claim another process holds and has not finished yet. */
type PendingRow = Extract<OrderRow, { status: 'pending' }>;

/**
 * Paper trading over any book source. A taker order walks the live book after the configured
 * latency (partial fills, the fee book's fee, per-exchange balances). A plain limit order fills
 * what crosses and rests the remainder, which fills at its limit price (maker fee) when a later
 * book (`onBook`) crosses it. Same typed outcomes as live trading; nothing throws to the caller.
 */
export class PaperTrading implements Trading, Account {
  readonly exchange: ExchangeId;
  private readonly markets = new Map<Symbol, Market>();
  private readonly wallet: PaperBalances;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly outcomes = new Map<string, Promise<OrderOutcome>>();
  private readonly orders = new Map<string, PaperOrder>();
  /** Resting orders in placement order (the order they share crossing volume in). */
  private readonly open = new Set<PaperOrder>();
  private readonly prices: ReturnType<typeof assetPricer>;
  /** Per "symbol:side": crossing volume resting orders already took, by price level. */
  private readonly consumed = new Map<string, Map<BookLevelKey, Decimal>>();
  private seq = 0;
  private readonly scope: string;

  constructor(private readonly opts: PaperTradingOptions) {
    this.exchange = opts.exchange;
    for (const m of opts.markets) if (m.exchange === opts.exchange) this.markets.set(m.symbol, m);
    this.wallet = opts.wallet ?? new PaperBalances(opts.initialBalances);
    this.clock = opts.clock ?? systemClock;
    this.prices = assetPricer(opts.books, opts.usdPrice);
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.scope = `paper-orders:${opts.exchange}`;
    const store = opts.store;
    // Orders of processes that ended: a claim never filled (the fill commits with the outcome), a
    // resting order lost its reservation. Rows of running processes are theirs.
    store?.immediate(() => {
      for (const [cid, row] of store.all(this.scope, orderOutcomeRow)) {
        const ended = this.endedOrder(row);
        if (ended) store.set(this.scope, cid, orderOutcomeToRow(ended));
      }
    });
  }

  private save(outcome: OrderOutcome): OrderOutcome {
    this.opts.store?.set(this.scope, outcome.clientOrderId, orderOutcomeToRow(outcome, process.pid));
    return outcome;
  }

  /** The final outcome of a row whose process has ended, when it has not got one. */
  private endedOrder(row: OrderRow): OrderOutcome | undefined {
    if (row.status === 'pending' && !processAlive(row.owner)) {
      return { ...rejected('EXCHANGE_REJECTED', `the paper process that placed it (pid ${row.owner}) ended before it filled: nothing was filled`), clientOrderId: row.clientOrderId };
    }
    if (row.status === 'confirmed' && row.orderStatus === 'open' && (row.owner === undefined || !processAlive(row.owner))) {
      return { ...(orderOutcomeFromRow(row) as Confirmed), orderStatus: 'canceled' };
    }
    return undefined;
  }

  /**
   * The id's row in the file, once final; with `claim`, an absent id is claimed for this process
   * (undefined: execute it). Another process's claim is waited for; one whose process ended counts
   * as never filled; one still pending after the order's latency plus 30 s is UNKNOWN_OUTCOME.
   */
  private async stored(clientOrderId: string, claim: boolean): Promise<OrderOutcome | { status: 'not-found' } | undefined> {
    const giveUpAt = Date.now() + (this.opts.latencyMs ?? 0) + 30_000;
    for (;;) {
      const row = this.storedNow(clientOrderId, claim);
      if (row?.status !== 'pending') return row;
      if (Date.now() > giveUpAt) {
        return { ...rejected('UNKNOWN_OUTCOME', `another paper process (pid ${row.owner}) is still executing it; ask again by client order id`), clientOrderId };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** One look at the file (one transaction): `stored`'s answer, or the claim of another process still executing the id. */
  private storedNow(clientOrderId: string, claim: boolean): OrderOutcome | { status: 'not-found' } | undefined | PendingRow {
    const store = this.opts.store;
    if (!store) return claim ? undefined : { status: 'not-found' };
    const row = store.immediate((): OrderRow | undefined => {
      const r = store.get(this.scope, clientOrderId, orderOutcomeRow);
      if (!r && claim) store.set(this.scope, clientOrderId, { status: 'pending', clientOrderId, owner: process.pid, claimedAt: Date.now() });
      const ended = r && this.endedOrder(r);
      if (ended) store.set(this.scope, clientOrderId, orderOutcomeToRow(ended));
      return ended ? orderOutcomeToRow(ended) as OrderRow : r;
    });
    if (!row) return claim ? undefined : { status: 'not-found' };
    return row.status === 'pending' ? row : orderOutcomeFromRow(row);
  }

  /**
   * The same client order id twice returns the first outcome (even while it is in flight, in any
   * process on the store). A new id is claimed and its order starts (attempt booked, funds
   * reserved) before this returns: the order leaves in the caller's step, as a live send does, not
   * after whatever else the event loop has queued meanwhile.
   */
  placeOrder(req: OrderRequest): Promise<OrderOutcome> {
    const clientOrderId = req.clientOrderId ?? `paper-${this.exchange}-${this.clock.now()}-${(this.seq += 1)}`;
    const known = this.outcomes.get(clientOrderId);
    if (known) return known;
    let outcome: Promise<OrderOutcome>;
    try {
      const now = this.storedNow(clientOrderId, true);
      outcome = now?.status === 'pending' ? this.stored(clientOrderId, true).then((found) => this.afterClaim(req, clientOrderId, found)) : this.afterClaim(req, clientOrderId, now);
    } catch (err) {
      // The file could not be read (busy, closed): the caller's promise fails, as it did when the claim was awaited.
      outcome = Promise.reject(err as Error);
    }
    this.outcomes.set(clientOrderId, outcome);
    return outcome;
  }

  /** The claim's answer: an outcome the file already holds, or (undefined) this process executes the order. */
  private afterClaim(req: OrderRequest, clientOrderId: string, found: OrderOutcome | { status: 'not-found' } | undefined): Promise<OrderOutcome> {
    if (found?.status === 'rejected' && found.code === 'UNKNOWN_OUTCOME') this.outcomes.delete(clientOrderId);
    if (found && found.status !== 'not-found') return Promise.resolve(found);
    return this.execute(req, clientOrderId).catch((err: unknown): OrderOutcome => ({
      ...rejected('EXCHANGE_REJECTED', `paper engine error, nothing was filled: ${(err as Error).message}`),
      clientOrderId,
    })).then((o) => (o.status === 'confirmed' ? o : this.save(o)));
  }

  private async execute(req: OrderRequest, clientOrderId: string): Promise<OrderOutcome> {
    const ref: OrderRef = { exchange: this.exchange, symbol: req.symbol, side: req.side, clientOrderId, correlationId: req.correlationId ?? clientOrderId };
    const reject = (r: Rejected): OrderOutcome => {
      this.opts.ledger?.append([orderRejected({ ...ref, at: this.clock.now(), code: r.code, reason: r.reason })]);
      return { ...r, clientOrderId };
    };
    this.opts.ledger?.append([orderAttempt({ ...ref, at: this.clock.now(), type: req.type, amount: req.amount, price: req.price, mode: 'paper' })]);

    const market = this.markets.get(req.symbol);
    const checked = checkOrder(req, this.exchange, market);
    if ('status' in checked) return reject(checked);
    const m = market as Market;
    const { base, quote } = splitSymbol(m.symbol);
    // Reserve what the order may spend, as an exchange does on acceptance: a buy limit its
    // notional plus the listed taker fee, a sell its base. Market buys are checked after the walk.
    const perUnit = req.side === 'sell' ? ONE : checked.price?.times(ONE.plus(m.takerFee));
    const reserveAsset = req.side === 'sell' ? base : quote;
    const reserved = perUnit ? checked.amount.times(perUnit) : ZERO;
    if (!this.wallet.reserve(reserveAsset, reserved)) {
      return reject(rejected('INSUFFICIENT_FUNDS', `needs ${s(reserved)} ${reserveAsset}, free ${s(this.wallet.freeOf(reserveAsset))}`));
    }
    try {
      await this.sleep(this.opts.latencyMs ?? 0);
    } finally {
      // Also when the wait fails: a reservation must never leak.
      this.wallet.release(reserveAsset, reserved);
    }
    // From here on no await: the book read, the checks and the balance changes are one step, and
    // a fill's outcome commits with its balances (a crash leaves the claim, never a fill without it).
    const order: PaperOrder = {
      ref, orderId: '', type: req.type, market: m, amount: checked.amount, price: checked.price, filled: ZERO, cost: ZERO, fills: [],
      fees: new Map(), status: 'open', reserveAsset, reserved: ZERO, reservePerUnit: perUnit ?? ZERO, timestamp: this.clock.now(), events: 0,
    };
    return this.wallet.atomically(() => {
      const outcome = this.takerStep(order, reject);
      return outcome.status === 'confirmed' ? this.save(outcome) : outcome;
    });
  }

  private takerStep(o: PaperOrder, reject: (r: Rejected) => OrderOutcome): OrderOutcome {
    const now = this.clock.now();
    const { side, symbol } = o.ref;
    const book = this.opts.books(symbol);
    const levels = side === 'buy' ? book?.asks : book?.bids;
    if (!book || !levels?.[0]) return reject(rejected('EXCHANGE_UNAVAILABLE', `no ${side === 'buy' ? 'asks' : 'bids'} in the ${symbol} book`, true));
    if (this.opts.maxBookAgeMs !== undefined && now - book.receivedAt > this.opts.maxBookAgeMs) {
      return reject(rejected('EXCHANGE_UNAVAILABLE', `${symbol} book is ${now - book.receivedAt} ms old (max ${this.opts.maxBookAgeMs})`, true));
    }
    if (!o.price && o.amount.times(levels[0].price).lt(o.market.minNotional)) {
      return reject(rejected('BELOW_MIN_NOTIONAL', `notional of ${s(o.amount)} at the best price is below the minimum ${s(o.market.minNotional)} ${o.market.quote}`));
    }
    const limit = o.price ?? (protectionLimit(book, side, this.opts.marketProtection ?? new Decimal('0.01')) as Decimal);
    const { walk, fills } = walkWithFills(crossingLevels(book, side, limit), o.amount);
    const short = `${s(walk.filled)} of ${s(o.amount)} ${o.market.base} available at ${side === 'buy' ? '<=' : '>='} ${s(limit)}`;
    if (o.type === 'fok' && !walk.complete) return reject(rejected('NO_FILL', `FOK not fully fillable: only ${short}`, true));
    if (o.type !== 'limit' && walk.filled.isZero()) return reject(rejected('NO_FILL', `nothing crosses: ${short}`, true));

    // Durable: derived from the client order id (unique, and a counter would restart at 1).
    o.orderId = this.opts.store
      ? `paper-${this.exchange}-${createHash('sha256').update(`${this.exchange}\n${o.ref.clientOrderId}`).digest('hex').slice(0, 16)}`
      : `paper-${this.exchange}-${(this.seq += 1)}`;
    if (!walk.filled.isZero()) {
      const r = settle(this.settleContext(), o, fills, 'taker');
      if ('status' in r) return reject(r);
      this.opts.onTakerFills?.(symbol, side, fills);
    }
    if (walk.complete) o.status = 'closed';
    else if (o.type !== 'limit') o.status = 'canceled';
    else this.rest(o);
    this.orders.set(o.orderId, o);
    return snapshot(o);
  }

  /** Reserves the unfilled rest of a limit order; without the funds it is canceled instead. */
  private rest(o: PaperOrder): void {
    const amount = o.amount.minus(o.filled).times(o.reservePerUnit);
    if (!this.wallet.reserve(o.reserveAsset, amount)) {
      o.status = 'canceled';
      return;
    }
    o.reserved = amount;
    this.open.add(o);
  }

  /**
   * A new book for a symbol: resting orders it crosses fill at their own limit price, as the
   * maker, up to the volume that crossed (shared in placement order). Feed every book update
   * of the watched symbols here. Returns the orders that changed.
   */
  onBook(book: OrderBook): string[] {
    const changed: string[] = [];
    if (book.exchange !== this.exchange) return changed;
    // Crossing volume already used stays used while its level is still in the book: a level a
    // paper fill "took" but that the real market left standing must not fill us a second time.
    // Kept per side (a buy consumes asks, a sell bids) so a locked book cannot mix them.
    const takenBySide = { buy: new Map<BookLevelKey, Decimal>(), sell: new Map<BookLevelKey, Decimal>() };
    for (const side of ['buy', 'sell'] as const) {
      const previous = this.consumed.get(`${book.symbol}:${side}`) ?? new Map<BookLevelKey, Decimal>();
      const present = new Set((side === 'buy' ? book.asks : book.bids).map(levelKey));
      takenBySide[side] = new Map([...previous].filter(([k]) => present.has(k)));
      this.consumed.set(`${book.symbol}:${side}`, takenBySide[side]);
    }
    for (const o of [...this.open]) {
      if (o.ref.symbol !== book.symbol || !o.price) continue;
      const taken = takenBySide[o.ref.side];
      let available = ZERO;
      for (const level of crossingLevels(book, o.ref.side, o.price)) {
        available = available.plus(maxDecimal(ZERO, level.amount.minus(taken.get(levelKey(level)) ?? ZERO)));
      }
      const take = Decimal.min(available, o.amount.minus(o.filled));
      if (take.lte(ZERO)) continue;
      consume(taken, crossingLevels(book, o.ref.side, o.price), take);
      const release = Decimal.min(o.reserved, take.times(o.reservePerUnit));
      this.wallet.release(o.reserveAsset, release);
      o.reserved = o.reserved.minus(release);
      const r = settle(this.settleContext(), o, [{ price: o.price, amount: take }], 'maker');
      if ('status' in r) this.cancelOpen(o, `fill refused: ${r.reason}`);
      else if (o.filled.gte(o.amount)) this.close(o, 'closed');
      this.save(snapshot(o));
      changed.push(o.ref.clientOrderId);
    }
    return changed;
  }

  private close(o: PaperOrder, status: 'closed' | 'canceled'): void {
    if (o.reserved.gt(ZERO)) this.wallet.release(o.reserveAsset, o.reserved);
    o.reserved = ZERO;
    o.status = status;
    this.open.delete(o);
    o.timestamp = this.clock.now();
  }

  private cancelOpen(o: PaperOrder, why: string): void {
    this.close(o, 'canceled');
    this.opts.ledger?.append([decision({ at: o.timestamp, exchange: this.exchange, correlationId: o.ref.correlationId, key: `order:${this.exchange}:${o.ref.clientOrderId}:canceled`, details: { event: 'order-canceled', orderId: o.orderId, why, filled: o.filled } })]);
  }

  async cancelOrder(_symbol: Symbol, orderId: string): Promise<{ status: 'canceled' } | Rejected> {
    const o = this.orders.get(orderId);
    if (!o) return rejected('INVALID_ORDER', `unknown order ${orderId}`);
    if (o.status !== 'open') return rejected('INVALID_ORDER', `order ${orderId} is already ${o.status}`);
    this.cancelOpen(o, 'canceled by request');
    this.save(snapshot(o));
    return { status: 'canceled' };
  }

  /** The order's current state (a resting order's fills so far), or its rejection. */
  async fetchOrderByClientId(_symbol: Symbol, clientOrderId: string): Promise<OrderOutcome | { status: 'not-found' }> {
    const first = await this.outcomes.get(clientOrderId);
    const live = first?.status === 'confirmed' ? this.orders.get(first.orderId) : undefined;
    if (live) return snapshot(live);
    // A final answer of this process; else the file's latest state (another process's order, or one placed before a restart).
    if (first && !(first.status === 'confirmed' && first.orderStatus === 'open')) return first;
    return (await this.stored(clientOrderId, false)) ?? { status: 'not-found' };
  }

  async balances(): Promise<Balances> {
    return { exchange: this.exchange, assets: this.wallet.snapshot(), at: this.clock.now() };
  }

  private settleContext(): SettleContext {
    return {
      balances: this.wallet, feeBook: this.opts.feeBook, ledger: this.opts.ledger, now: this.clock.now(),
      ...this.prices,
    };
  }
}
