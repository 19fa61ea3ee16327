import type { Exchange, Order as CcxtOrder } from 'ccxt';
import type { ExchangeId, Market, Symbol } from '../../domain/market';
import type { Decimal } from '../../domain/money/decimal';
import { quantizeAmountDown, quantizePrice } from '../../domain/money/quantize';
import type { Clock } from '../../ports/clock';
import { rejected, type Rejected } from '../../ports/outcomes';
import type { OrderOutcome, OrderRequest, Trading } from '../../ports/trading';
import { decOr, toMarket } from './convert';
import { guarded, isRejected, mapCcxtError, rateLimitKind } from './errors';
import { loadMarketsRecovering } from './load-markets';
import type { Logger } from './log';
import { toOutcome } from './order-outcome';
import type { RateBudget } from './rate-budget';
import type { VenueQuirks } from './venues/types';
import { feeDiscountSwitchFetcher, tradingFeeFetcher, type RawFeeRates } from './venues/trading-fees';

/** Orders through a ccxt instance of their own (never shared with market data). */
export class CcxtTrading implements Trading {
  readonly exchange: ExchangeId;
  private marketsBySymbol: Map<Symbol, Market> | undefined;

  constructor(
    private readonly ex: Exchange,
    private readonly quirks: VenueQuirks,
    private readonly budget: RateBudget,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** An order never waits behind a rate-limit backoff longer than this: it is refused instead. */
    private readonly orderMaxWaitMs = 250,
  ) {
    this.exchange = quirks.exchange;
  }

  /** 'binanceus' for the Binance.US variant of the binance venue. */
  get ccxtId(): string {
    return this.quirks.ccxtId;
  }

  async market(symbol: Symbol): Promise<Market | undefined | Rejected> {
    if (!this.marketsBySymbol) {
      const loaded = await guarded(this.budget, 'read', () => loadMarketsRecovering(this.ex));
      if (isRejected(loaded)) return loaded;
      this.marketsBySymbol = new Map(Object.values(loaded).flatMap((m) => toMarket(this.exchange, m) ?? []).map((m) => [m.symbol, m]));
    }
    return this.marketsBySymbol.get(symbol);
  }

  async placeOrder(req: OrderRequest): Promise<OrderOutcome> {
    const clientOrderId = req.clientOrderId ?? this.quirks.newClientOrderId();
    const no = (r: Rejected): OrderOutcome => {
      this.log.info({ exchange: this.exchange, symbol: req.symbol, clientOrderId, code: r.code, reason: r.reason }, 'order rejected');
      return { ...r, clientOrderId };
    };
    if (req.exchange !== this.exchange) return no(rejected('INVALID_ORDER', `order for ${req.exchange} sent to the ${this.exchange} adapter`));
    if (!req.amount.isFinite() || req.amount.lte(0)) return no(rejected('INVALID_ORDER', `amount must be positive, got ${req.amount.toFixed()}`));
    const m = await this.market(req.symbol);
    if (isRejected(m)) return no(m);
    if (!m) return no(rejected('INVALID_ORDER', `${this.exchange} has no market ${req.symbol}`));
    if (!m.active) return no(rejected('MARKET_CLOSED', `${this.exchange} ${req.symbol} is not trading`, true));
    const amount = quantizeAmountDown(req.amount, m.amountStep);
    if (amount.isZero() || amount.lt(m.minAmount)) {
      return no(rejected('BELOW_MIN_AMOUNT', `amount=${amount.toFixed()} (requested ${req.amount.toFixed()}, step ${m.amountStep.toFixed()}) < min=${m.minAmount.toFixed()}`));
    }
    let price: Decimal | undefined;
    if (req.type !== 'market') {
      if (!req.price || !req.price.isFinite() || req.price.lte(0)) return no(rejected('INVALID_ORDER', `${req.type} order needs a positive limit price`));
      price = quantizePrice(req.price, m.priceTick, req.side);
    }
    const refPrice = price ?? req.price;
    if (refPrice && m.minNotional.gt(0) && amount.times(refPrice).lt(m.minNotional)) {
      return no(rejected('BELOW_MIN_NOTIONAL', `notional=${amount.times(refPrice).toFixed()} ${m.quote} < min=${m.minNotional.toFixed()} (amount ${amount.toFixed()} x price ${refPrice.toFixed()})`));
    }
    const needsPrice = req.type === 'market' && req.side === 'buy' && this.quirks.marketBuyNeedsPrice;
    if (needsPrice && !req.price) return no(rejected('INVALID_ORDER', `${this.exchange} market buys are sized in quote: give a reference price`));
    const params: Record<string, string> = { ...this.quirks.clientOrderIdParams(clientOrderId) };
    if (req.type === 'ioc') params.timeInForce = 'IOC';
    if (req.type === 'fok') params.timeInForce = 'FOK';
    try {
      await this.budget.acquire('rest', { maxWaitMs: this.orderMaxWaitMs });
    } catch (e) {
      return no(mapCcxtError(e, 'order'));
    }
    let placed: CcxtOrder;
    try {
      // Strings, already on the grid: ccxt would otherwise truncate/round floats silently.
      const ccxtPrice = price?.toFixed() ?? (needsPrice ? req.price?.toFixed() : undefined);
      placed = await this.ex.createOrder(req.symbol, req.type === 'market' ? 'market' : 'limit', req.side, amount.toFixed() as unknown as number, ccxtPrice as unknown as number, params);
      this.budget.succeeded();
    } catch (e) {
      const kind = rateLimitKind(e);
      if (kind) this.budget.penalize(kind);
      const r = mapCcxtError(e, 'order');
      if (r.code !== 'UNKNOWN_OUTCOME') return no(r);
      this.log.warn({ exchange: this.exchange, symbol: req.symbol, clientOrderId, reason: r.reason }, 'order outcome unknown: reconciling by client order id');
      const found = await this.fetchOrderByClientId(req.symbol, clientOrderId);
      if (found.status === 'not-found') return no(r);
      if (found.status === 'rejected' && found.code === 'UNKNOWN_OUTCOME') return no(rejected('UNKNOWN_OUTCOME', `${r.reason}; ${found.reason}`));
      if (found.status === 'confirmed') {
        this.log.warn({ exchange: this.exchange, symbol: req.symbol, clientOrderId, filled: found.filled.toFixed() }, 'order timed out but was found at the exchange');
        return { ...found, recoveredAfterUnknownOutcome: true };
      }
      return found;
    }
    return this.settle(m, placed, amount, clientOrderId);
  }

  /** Some venues answer a create with little more than an id: read the order once for its fills. */
  private async settle(m: Market, placed: CcxtOrder, amount: Decimal, clientOrderId: string): Promise<OrderOutcome> {
    let order = placed;
    if (order.status === undefined || order.filled === undefined) {
      const full = await guarded(this.budget, 'read', () => this.ex.fetchOrder(String(placed.id), m.symbol));
      if (isRejected(full)) this.log.warn({ exchange: this.exchange, orderId: placed.id, reason: full.reason }, 'order placed, fill details unavailable');
      else order = full;
    }
    order = await this.withTrades(order, m.symbol);
    const out = toOutcome(this.exchange, m, order, amount, clientOrderId, this.clock.now(), this.ownCost(order));
    this.log.info({ exchange: this.exchange, symbol: m.symbol, clientOrderId, status: out.status, orderId: placed.id }, 'order settled');
    return out;
  }

  async cancelOrder(symbol: Symbol, orderId: string): Promise<{ status: 'canceled' } | Rejected> {
    const r = await guarded(this.budget, 'read', () => this.ex.cancelOrder(orderId, symbol));
    return isRejected(r) ? r : { status: 'canceled' };
  }

  async fetchOrderByClientId(symbol: Symbol, clientOrderId: string): Promise<OrderOutcome | { status: 'not-found' }> {
    const m = await this.market(symbol);
    if (isRejected(m)) return { ...rejected('UNKNOWN_OUTCOME', `lookup failed: ${m.reason}`), clientOrderId };
    if (!m) return { ...rejected('INVALID_ORDER', `${this.exchange} has no market ${symbol}`), clientOrderId };
    const found = await guarded(this.budget, 'read', () => this.quirks.fetchOrderByClientId(this.ex, symbol, clientOrderId));
    if (isRejected(found)) return { ...rejected('UNKNOWN_OUTCOME', `lookup failed: ${found.reason}`), clientOrderId };
    if (!found) return { status: 'not-found' };
    const order = await this.withTrades(found as unknown as CcxtOrder, symbol);
    return toOutcome(this.exchange, m, order, decOr(order.amount), clientOrderId, this.clock.now(), this.ownCost(order));
  }

  /**
   * An order read back (fetchOrder) often carries no fills and no fee (Binance's does not): the
   * fee and its currency (BNB, quote or base) then come from the exchange's own trades of that
   * order, so the ledger never books an estimate where the exchange knows the figure.
   */
  private async withTrades(order: CcxtOrder, symbol: Symbol): Promise<CcxtOrder> {
    const hasFees = (order.trades ?? []).some((t) => t.fee?.currency !== undefined) || (order as CcxtOrder & { fees?: unknown[] }).fees?.length || order.fee?.currency !== undefined;
    // Kraken lists an order's trades as ids only, and ccxt then derives `cost` from the rounded
    // average price: the trades themselves carry what the exchange moved.
    const tradesAsIds = (order.trades ?? []).length > 0 && (order.trades ?? []).every((t) => t.price === undefined || t.amount === undefined);
    if ((hasFees && !tradesAsIds) || !order.filled || !this.ex.has.fetchMyTrades) return order;
    const trades = await guarded(this.budget, 'read', () => this.ex.fetchMyTrades(symbol, undefined, undefined, { orderId: String(order.id) }));
    if (isRejected(trades)) {
      this.log.warn({ exchange: this.exchange, orderId: order.id, reason: trades.reason }, 'trades of the order unavailable: fee estimated from the market rate');
      return order;
    }
    const mine = trades.filter((t) => String(t.order) === String(order.id));
    return mine.length ? { ...order, trades: mine, fee: undefined as unknown as CcxtOrder['fee'], fees: [] } as CcxtOrder : order;
  }

  /** The venue's own quote amount where ccxt's would be derived (VenueQuirks.orderCost); a malformed figure is ccxt's again. */
  private ownCost(order: CcxtOrder): Decimal | undefined {
    try {
      return this.quirks.orderCost?.(order as { info?: unknown; filled?: number; trades?: Array<{ info?: unknown }> });
    } catch {
      return undefined;
    }
  }

  /**
   * The account's own fee schedule per symbol, as the venue answers it (fractions, unvalidated: the
   * account fee source validates it at its edge). Needs keys; a venue without a reader says so.
   */
  async fetchAccountFees(): Promise<Record<string, RawFeeRates> | Rejected> {
    const fetcher = tradingFeeFetcher(this.quirks.ccxtId);
    if (!fetcher) return rejected('NOT_SUPPORTED', `${this.quirks.ccxtId}: no account fee reader`);
    if (!this.ex.apiKey) return rejected('AUTH_FAILED', `${this.quirks.ccxtId}: no API key, so no account fee schedule`);
    const loaded = await guarded(this.budget, 'read', () => loadMarketsRecovering(this.ex));
    if (isRejected(loaded)) return loaded;
    return guarded(this.budget, 'read', () => fetcher(this.ex, Object.values(loaded)));
  }

  /**
   * Whether the account pays fees in its discount asset (Binance's BNB switch), as the venue answers
   * it (unvalidated: the account fee source validates it). A venue without such a switch says so.
   */
  async fetchFeeDiscountSwitch(): Promise<unknown> {
    const fetcher = feeDiscountSwitchFetcher(this.quirks.ccxtId);
    if (!fetcher) return rejected('NOT_SUPPORTED', `${this.quirks.ccxtId}: no fee discount switch to read`);
    if (!this.ex.apiKey) return rejected('AUTH_FAILED', `${this.quirks.ccxtId}: no API key, so no fee discount switch`);
    return guarded(this.budget, 'read', () => fetcher(this.ex));
  }
}
