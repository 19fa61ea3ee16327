import { Decimal, ONE } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { splitSymbol, type ExchangeId, type Market, type Symbol } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { FeeBook } from '../../domain/fees';
import type { Account, Balances } from '../../ports/account';
import { systemClock, type Clock } from '../../ports/clock';
import type { Ledger, LedgerEntry } from '../../ports/ledger';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { Confirmed, OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import { orderAttempt, orderFilled, orderRejected } from '../persistence/ledger-entries';
import { PaperBalances } from './paper-balances';
import { checkOrder, crossingLevels, midOf, protectionLimit, walkWithFills } from './paper-fill';
import { paperTakerFees } from './paper-fees';

export interface PaperTradingOptions {
  exchange: ExchangeId;
  markets: Market[];
  /** The live book of a symbol from any feed (MarketData.latestBook, a replay, a test). */
  books: (symbol: Symbol) => OrderBook | undefined;
  initialBalances?: Record<string, Decimal>;
  /** Without one, the market's listed taker fee is charged in the quote currency. */
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
}

const USD_LIKE = new Set(['USD', 'USDT', 'USDC']);
const s = formatDecimal;
type Reject = Rejected & { clientOrderId: string };

/**
 * Paper trading over any book source: taker orders walk the live book after a configured latency,
 * with partial fills, the fee book's fee and per-exchange balances. Same typed outcomes as live
 * trading; nothing throws to the caller. Limit orders that would rest are refused explicitly.
 */
export class PaperTrading implements Trading, Account {
  readonly exchange: ExchangeId;
  private readonly markets = new Map<Symbol, Market>();
  private readonly balancesStore: PaperBalances;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly orders = new Map<string, Promise<OrderOutcome>>();
  private readonly orderIds = new Map<string, string>();
  private seq = 0;

  constructor(private readonly opts: PaperTradingOptions) {
    this.exchange = opts.exchange;
    for (const m of opts.markets) if (m.exchange === opts.exchange) this.markets.set(m.symbol, m);
    this.balancesStore = new PaperBalances(opts.initialBalances);
    this.clock = opts.clock ?? systemClock;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The same client order id twice returns the first outcome (even while it is in flight). */
  placeOrder(req: OrderRequest): Promise<OrderOutcome> {
    const clientOrderId = req.clientOrderId ?? `paper-${this.exchange}-${this.clock.now()}-${(this.seq += 1)}`;
    const known = this.orders.get(clientOrderId);
    if (known) return known;
    const outcome = this.execute(req, clientOrderId).catch((err: unknown): OrderOutcome => ({
      ...rejected('EXCHANGE_REJECTED', `paper engine error, nothing was filled: ${(err as Error).message}`),
      clientOrderId,
    }));
    this.orders.set(clientOrderId, outcome);
    return outcome;
  }

  private async execute(req: OrderRequest, clientOrderId: string): Promise<OrderOutcome> {
    const ref = { exchange: this.exchange, symbol: req.symbol, side: req.side, clientOrderId, correlationId: req.correlationId ?? clientOrderId };
    const book = (lines: LedgerEntry[]) => this.opts.ledger?.append(lines);
    const reject = (r: Rejected): Reject => {
      book([orderRejected({ ...ref, at: this.clock.now(), code: r.code, reason: r.reason })]);
      return { ...r, clientOrderId };
    };
    book([orderAttempt({ ...ref, at: this.clock.now(), type: req.type, amount: req.amount, price: req.price, mode: 'paper' })]);

    const market = this.markets.get(req.symbol);
    const checked = checkOrder(req, this.exchange, market);
    if ('status' in checked) return reject(checked);
    const m = market as Market;
    const { base, quote } = splitSymbol(m.symbol);

    // Reserve what the order may spend, as an exchange does on acceptance: a buy limit the
    // notional plus the listed fee, a sell its base. Market buys are checked after the walk.
    let reservation: [string, Decimal] | undefined;
    if (req.side === 'sell') reservation = [base, checked.amount];
    else if (checked.price) reservation = [quote, checked.amount.times(checked.price).times(ONE.plus(m.takerFee))];
    if (reservation && !this.balancesStore.reserve(...reservation)) {
      const [asset, need] = reservation;
      return reject(rejected('INSUFFICIENT_FUNDS', `needs ${s(need)} ${asset}, free ${s(this.balancesStore.freeOf(asset))}`));
    }

    await this.sleep(this.opts.latencyMs ?? 0);
    // From here on no await: the book read, the checks and the balance changes are one step.
    if (reservation) this.balancesStore.release(...reservation);
    return this.fill(req, checked.amount, checked.price, m, ref, reject, book);
  }

  private fill(
    req: OrderRequest, amount: Decimal, limitPrice: Decimal | undefined, m: Market,
    ref: { exchange: ExchangeId; symbol: Symbol; side: 'buy' | 'sell'; clientOrderId: string; correlationId: string },
    reject: (r: Rejected) => Reject, book: (lines: LedgerEntry[]) => void,
  ): OrderOutcome {
    const now = this.clock.now();
    const { base, quote } = splitSymbol(m.symbol);
    const ob = this.opts.books(m.symbol);
    if (!ob || (req.side === 'buy' ? ob.asks : ob.bids).length === 0) return reject(rejected('EXCHANGE_UNAVAILABLE', `no ${req.side === 'buy' ? 'asks' : 'bids'} in the ${m.symbol} book`, true));
    if (this.opts.maxBookAgeMs !== undefined && now - ob.receivedAt > this.opts.maxBookAgeMs) {
      return reject(rejected('EXCHANGE_UNAVAILABLE', `${m.symbol} book is ${now - ob.receivedAt} ms old (max ${this.opts.maxBookAgeMs})`, true));
    }
    const limit = limitPrice ?? protectionLimit(ob, req.side, this.opts.marketProtection ?? new Decimal('0.01'));
    if (!limit) return reject(rejected('EXCHANGE_UNAVAILABLE', `empty ${m.symbol} book`, true));
    if (!limitPrice && amount.times((req.side === 'buy' ? ob.asks : ob.bids)[0]!.price).lt(m.minNotional)) {
      return reject(rejected('BELOW_MIN_NOTIONAL', `notional of ${s(amount)} at the best price is below the minimum ${s(m.minNotional)} ${quote}`));
    }
    const { walk, fills } = walkWithFills(crossingLevels(ob, req.side, limit), amount);
    const short = `${s(walk.filled)} of ${s(amount)} ${base} available at ${req.side === 'buy' ? '<=' : '>='} ${s(limit)}`;
    if (req.type === 'fok' && !walk.complete) return reject(rejected('NO_FILL', `FOK not fully fillable: only ${short}`, true));
    if (req.type === 'limit' && !walk.complete) {
      return reject(rejected('NOT_SUPPORTED', `limit orders that rest are not supported in paper mode (only ${short}); use ioc or fok`));
    }
    if (walk.filled.isZero()) return reject(rejected('NO_FILL', `nothing crosses: ${short}`, true));

    const discountAsset = this.opts.feeBook?.discountAsset(this.exchange);
    const fees = paperTakerFees({
      exchange: this.exchange, symbol: m.symbol, quote, fills, cost: walk.quote, at: now, listedTaker: m.takerFee, feeBook: this.opts.feeBook,
      quoteUsd: this.usdPrice(quote),
      discount: discountAsset ? { asset: discountAsset, free: this.balancesStore.freeOf(discountAsset), priceInQuote: this.priceIn(discountAsset, quote) } : undefined,
    });
    const sign = req.side === 'buy' ? ONE : ONE.negated();
    const deltas: Array<[string, Decimal]> = [[base, walk.filled.times(sign)], [quote, walk.quote.times(sign).negated()], [fees.currency, fees.total.negated()]];
    const covered = this.balancesStore.covers(deltas);
    if (!covered.ok) return reject(rejected('INSUFFICIENT_FUNDS', `fill needs ${s(covered.need)} ${covered.asset}, free ${s(covered.free)}`));

    this.balancesStore.apply(deltas);
    const orderId = `paper-${this.exchange}-${(this.seq += 1)}`;
    this.orderIds.set(orderId, ref.clientOrderId);
    this.opts.feeBook?.recordFee({ exchange: this.exchange, at: now, currency: fees.currency, amount: fees.total, allowanceUsedUsd: fees.allowanceCoveredUsd });
    book(orderFilled({
      ...ref, at: now, orderId, filled: walk.filled, cost: walk.quote, quoteUsd: this.usdPrice(quote),
      fees: [{ currency: fees.currency, amount: fees.total, allowanceUsedUsd: fees.allowanceCoveredUsd }],
    }));
    const confirmed: Confirmed = {
      status: 'confirmed', exchange: this.exchange, symbol: m.symbol, side: req.side, orderId, clientOrderId: ref.clientOrderId,
      amount, filled: walk.filled, averagePrice: walk.vwap, cost: walk.quote,
      fills: fills.map((f, i) => ({ price: f.price, amount: f.amount, fee: fees.perFill[i]!, feeCurrency: fees.currency, tradeId: `${orderId}-${i + 1}` })),
      fees: [{ currency: fees.currency, amount: fees.total }],
      orderStatus: walk.complete ? 'closed' : 'canceled',
      timestamp: now,
    };
    return confirmed;
  }

  /** Nothing rests in paper mode, so there is never anything to cancel. */
  async cancelOrder(_symbol: Symbol, orderId: string): Promise<{ status: 'canceled' } | Rejected> {
    const known = this.orderIds.has(orderId);
    return rejected('INVALID_ORDER', known ? `order ${orderId} is already closed (paper orders never rest)` : `unknown order ${orderId}`);
  }

  async fetchOrderByClientId(_symbol: Symbol, clientOrderId: string): Promise<OrderOutcome | { status: 'not-found' }> {
    return (await this.orders.get(clientOrderId)) ?? { status: 'not-found' };
  }

  async balances(): Promise<Balances> {
    return { exchange: this.exchange, assets: this.balancesStore.snapshot(), at: this.clock.now() };
  }

  private usdPrice(asset: string): Decimal | undefined {
    if (this.opts.usdPrice) return this.opts.usdPrice(asset);
    if (USD_LIKE.has(asset)) return ONE;
    for (const q of USD_LIKE) {
      const mid = midOf(this.opts.books(`${asset}/${q}`));
      if (mid) return mid;
    }
    return undefined;
  }

  /** Price of `asset` in `quote`: its own book, else through USD. */
  private priceIn(asset: string, quote: string): Decimal | undefined {
    const direct = midOf(this.opts.books(`${asset}/${quote}`));
    if (direct) return direct;
    const a = this.usdPrice(asset);
    const q = this.usdPrice(quote);
    return a && q && !q.isZero() ? a.div(q) : undefined;
  }
}

