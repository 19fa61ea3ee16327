import type { ExchangeId } from '../../../domain/market';
import { Decimal, ZERO } from '../../../domain/money/decimal';
import { formatDecimal } from '../../../domain/money/format';
import type { BookStore } from '../model/store';
import { matchOrder, type OrderRequest, type SimOrder } from './matching';
import { watchRestingOrders } from './resting';
import type { SimState } from './state-file';

export type { OrderRequest, SimOrder } from './matching';

interface Holding { free: Decimal; used: Decimal }

/** Rejection reasons every venue maps to its own error wire format. */
export type RejectCode = 'UNKNOWN_MARKET' | 'BAD_AMOUNT' | 'BAD_PRICE' | 'MIN_NOTIONAL' | 'INSUFFICIENT_FUNDS' | 'FOK_NOT_FILLED' | 'DUPLICATE_CLIENT_ID' | 'SIMULATED';
export interface OrderRejection { rejected: RejectCode; message: string }

const STARTING: Record<ExchangeId, Record<string, string>> = {
  binance: { USDT: '100000', USDC: '100000', BTC: '2', ETH: '20', SOL: '200', PAXG: '10', BNB: '10' },
  kraken: { USD: '100000', USDT: '100000', USDC: '100000', BTC: '2', ETH: '20', SOL: '200', PAXG: '10' },
  coinbase: { USD: '100000', USDC: '100000', USDT: '50000', BTC: '2', ETH: '20', SOL: '200', PAXG: '10' },
};

/**
 * Balances and orders per venue. Orders fill at once against the venue's live book (taking its
 * liquidity, so the book subscribers see the fill); a GTC remainder rests and fills when the book
 * later crosses its price.
 */
export class Accounts {
  private readonly holdings = new Map<ExchangeId, Map<string, Holding>>();
  private readonly orderList = new Map<ExchangeId, SimOrder[]>();
  private nextId = 1;
  /** Binance's "pay fees with BNB" switch (percent off the taker fee), off by default. */
  bnbFeePercentOff: Decimal | undefined;

  constructor(private readonly store: BookStore, private readonly now: () => number, exchanges: ExchangeId[]) {
    for (const ex of exchanges) {
      this.holdings.set(ex, new Map());
      this.orderList.set(ex, []);
      for (const [asset, amount] of Object.entries(STARTING[ex])) this.credit(ex, asset, new Decimal(amount));
    }
    watchRestingOrders(store, this, now);
  }

  /** Balances, orders and the id counter, for the state file (state-file.ts). */
  exportState(): SimState['accounts'] {
    const holdings: SimState['accounts']['holdings'] = {};
    for (const [ex, byAsset] of this.holdings) holdings[ex] = Object.fromEntries([...byAsset].map(([a, h]) => [a, { ...h }]));
    return { nextId: this.nextId, holdings, orders: [...this.orderList.values()].flat() };
  }

  /** Replaces the starting balances with a saved state (venues not in it keep theirs). */
  importState(s: SimState['accounts']): void {
    this.nextId = Math.max(this.nextId, s.nextId);
    for (const [ex, byAsset] of Object.entries(s.holdings)) {
      const mine = this.holdings.get(ex as ExchangeId);
      if (!mine) continue;
      mine.clear();
      for (const [asset, h] of Object.entries(byAsset)) mine.set(asset, { free: h.free, used: h.used });
    }
    for (const o of s.orders) this.orderList.get(o.exchange)?.push(o as SimOrder);
  }

  private holding(exchange: ExchangeId, asset: string): Holding {
    const byAsset = this.holdings.get(exchange);
    if (!byAsset) throw new Error(`sim: exchange ${exchange} is not running`);
    let h = byAsset.get(asset);
    if (!h) byAsset.set(asset, (h = { free: ZERO, used: ZERO }));
    return h;
  }

  credit(exchange: ExchangeId, asset: string, amount: Decimal): void {
    const h = this.holding(exchange, asset);
    h.free = h.free.plus(amount);
  }

  /** Takes `amount` from the free balance; false (and nothing changed) when there is not enough. */
  debit(exchange: ExchangeId, asset: string, amount: Decimal): boolean {
    const h = this.holding(exchange, asset);
    if (h.free.lt(amount)) return false;
    h.free = h.free.minus(amount);
    return true;
  }

  free(exchange: ExchangeId, asset: string): Decimal {
    return this.holding(exchange, asset).free;
  }

  balances(exchange: ExchangeId): Array<{ asset: string; free: Decimal; used: Decimal }> {
    return [...(this.holdings.get(exchange)?.entries() ?? [])].map(([asset, h]) => ({ asset, free: h.free, used: h.used }));
  }

  balanceStrings(exchange: ExchangeId): Record<string, { free: string; used: string; total: string }> {
    const out: Record<string, { free: string; used: string; total: string }> = {};
    for (const b of this.balances(exchange)) out[b.asset] = { free: formatDecimal(b.free), used: formatDecimal(b.used), total: formatDecimal(b.free.plus(b.used)) };
    return out;
  }

  ordersOf(exchange: ExchangeId): SimOrder[] {
    return this.orderList.get(exchange) ?? [];
  }

  find(exchange: ExchangeId, ref: { id?: string; clientOrderId?: string }): SimOrder | undefined {
    return this.ordersOf(exchange).find((o) => (ref.id !== undefined && o.id === ref.id) || (ref.clientOrderId !== undefined && o.clientOrderId === ref.clientOrderId));
  }

  place(exchange: ExchangeId, req: OrderRequest): SimOrder | OrderRejection {
    const market = this.store.market(exchange, req.symbol);
    const lb = this.store.live(exchange, req.symbol);
    if (!market || !lb) return { rejected: 'UNKNOWN_MARKET', message: `unknown market ${req.symbol}` };
    if (req.clientOrderId && this.ordersOf(exchange).some((o) => o.clientOrderId === req.clientOrderId && o.status === 'open')) {
      return { rejected: 'DUPLICATE_CLIENT_ID', message: `an open order already has client order id ${req.clientOrderId}` };
    }
    const id = exchange === 'coinbase' ? uuidLike(this.nextId++) : exchange === 'kraken' ? krakenTxid(this.nextId++) : String(this.nextId++);
    const bnbFee = exchange === 'binance' && this.bnbFeePercentOff ? this.bnbInQuote(market.quote) : undefined;
    const result = matchOrder({ exchange, market, live: lb, req, id, now: this.now(), accounts: this, ...(bnbFee && this.bnbFeePercentOff ? { bnbFee: { percentOff: this.bnbFeePercentOff, bnbInQuote: bnbFee } } : {}) });
    if ('rejected' in result) return result;
    if (result.takenBook) this.store.apply(exchange, req.symbol, result.takenBook);
    for (const f of result.order.fills) this.store.publishTrade(exchange, req.symbol, f.price, f.amount, req.side);
    this.ordersOf(exchange).push(result.order);
    return result.order;
  }

  /** BNB's price in `quote` from the BNB/USDT mid (stablecoins and USD at par in the simulator). */
  private bnbInQuote(quote: string): Decimal | undefined {
    if (!['USD', 'USDT', 'USDC'].includes(quote)) return undefined;
    const book = this.store.live('binance', 'BNB/USDT')?.book;
    const bid = book?.bids[0]?.[0];
    const ask = book?.asks[0]?.[0];
    return bid && ask ? bid.plus(ask).div(2) : undefined;
  }

  cancel(exchange: ExchangeId, ref: { id?: string; clientOrderId?: string }): SimOrder | undefined {
    const o = this.find(exchange, ref);
    if (!o || o.status !== 'open') return o;
    this.release(exchange, o.lockedAsset, o.locked);
    o.locked = ZERO;
    o.status = 'canceled';
    o.updated = this.now();
    return o;
  }

  /** Gives held funds back to the free balance. */
  release(exchange: ExchangeId, asset: string, amount: Decimal): void {
    const h = this.holding(exchange, asset);
    h.used = Decimal.max(ZERO, h.used.minus(amount));
    h.free = h.free.plus(amount);
  }

  /** Locks funds for a resting remainder (called by matching). */
  lock(exchange: ExchangeId, asset: string, amount: Decimal): void {
    const h = this.holding(exchange, asset);
    h.free = h.free.minus(amount);
    h.used = h.used.plus(amount);
  }
}

function uuidLike(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5a1e0000-0000-4000-8000-${hex}`;
}

function krakenTxid(n: number): string {
  const s = n.toString(36).toUpperCase().padStart(11, '0');
  return `O${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10)}SIMX`.slice(0, 19);
}
