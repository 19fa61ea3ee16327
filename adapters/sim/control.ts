import type { ExchangeId } from '../../domain/market';
import { Decimal, isDecimal } from '../../domain/money/decimal';
import type { SimTransfer } from './accounts/funding';
import type { SimOrder } from './accounts/matching';
import { formatDecimal } from '../../domain/money/format';
import type { SimContext, VenueStats } from './context';
import { emptyFaults, type Fault } from './faults';
import { parseLevels } from './model/book';
import { applyFeeTier, type SimFeeTier } from './accounts/fee-tiers';
import type { BookEvent } from './model/store';

export type StringLevels = Array<[string, string]>;

/** A record with every Decimal turned into its decimal string (what leaves the simulator). */
export type Plain<T> = T extends Decimal ? string : T extends Array<infer U> ? Array<Plain<U>> : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
export type SimWithdrawalView = Plain<SimTransfer>;
export type SimOrderView = Plain<SimOrder>;

function plain(value: unknown): unknown {
  if (isDecimal(value)) return formatDecimal(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** The test and operator handle on a running simulator. */
export interface SimControl {
  book(exchange: ExchangeId, symbol: string): { bids: StringLevels; asks: StringLevels };
  setBook(exchange: ExchangeId, symbol: string, bids: StringLevels, asks: StringLevels): void;
  step(n?: number): void;
  injectFault(exchange: ExchangeId, fault: Fault): void;
  clearFaults(): void;
  balances(exchange: ExchangeId): Record<string, { free: string; used: string; total: string }>;
  credit(exchange: ExchangeId, asset: string, amount: string): void;
  /** Withdrawals with status (pending/ok/failed), client id, txid; money as decimal strings. */
  withdrawals(exchange: ExchangeId): SimWithdrawalView[];
  /** Deposits credited or pending on a venue (a held one is not listed until released). */
  deposits(exchange: ExchangeId): SimWithdrawalView[];
  /** Deposits a deposit-missing fault held from `exchange` arrive now, credited; how many. */
  releaseDeposits(exchange: ExchangeId): number;
  /** When books broke (a gap fault's update) and when snapshots went out, oldest first. */
  bookEvents(): BookEvent[];
  /** Orders with status, client order id, fills; money as decimal strings. */
  orders(exchange: ExchangeId): SimOrderView[];
  stats(): Record<ExchangeId, VenueStats>;
  /** Puts the account on a fee tier (percent; fills and fee endpoints); undefined restores the listing. */
  setFeeTier(exchange: ExchangeId, tier: SimFeeTier | undefined): void;
}

export interface ControlDeps {
  ctx: SimContext;
  exchanges: ExchangeId[];
  step(n: number): void;
  dropSockets(exchange: ExchangeId): void;
}

function plainLevels(levels: Array<[Decimal, Decimal]>): StringLevels {
  return levels.map(([p, a]) => [formatDecimal(p), formatDecimal(a)]);
}

function strictLevels(levels: StringLevels, what: string, order?: 'falling' | 'rising'): StringLevels {
  levels.forEach(([p, a], i) => {
    if (!/^\d+(\.\d+)?$/.test(p) || !/^\d+(\.\d+)?$/.test(a)) throw new Error(`${what}: levels must be decimal strings, got [${p}, ${a}]`);
    const prev = levels[i - 1]?.[0];
    if (order && prev !== undefined && (order === 'falling' ? !new Decimal(p).lt(prev) : !new Decimal(p).gt(prev))) {
      throw new Error(`${what}: prices must be best first and strictly ${order} (level ${i})`);
    }
  });
  return levels;
}

export function createControl(d: ControlDeps): SimControl {
  const { ctx } = d;
  const live = (exchange: ExchangeId, symbol: string) => {
    const lb = ctx.store.live(exchange, symbol);
    if (!lb) throw new Error(`sim: no market ${symbol} on ${exchange}`);
    return lb;
  };
  return {
    book(exchange, symbol) {
      const lb = live(exchange, symbol);
      return { bids: plainLevels(lb.book.bids), asks: plainLevels(lb.book.asks) };
    },
    setBook(exchange, symbol, bids, asks) {
      live(exchange, symbol);
      ctx.store.apply(exchange, symbol, { bids: parseLevels(strictLevels(bids, 'bids', 'falling')), asks: parseLevels(strictLevels(asks, 'asks', 'rising')) });
    },
    step(n = 1) {
      d.step(n);
    },
    injectFault(exchange, fault) {
      const f = ctx.faults[exchange];
      switch (fault.type) {
        case 'drop-sockets': d.dropSockets(exchange); break;
        case 'sequence-gap':
          live(exchange, fault.symbol);
          ctx.store.scheduleGap(exchange, fault.symbol);
          if (fault.resyncHoldMs) f.snapshotHoldUntil = ctx.now() + fault.resyncHoldMs;
          break;
        case 'deposit-missing': f.depositMissing = true; break;
        case 'silence': f.silenceUntil = ctx.now() + fault.ms; break;
        case 'slow': f.slowMs = fault.ms; break;
        case 'http-status': f.httpStatus = { status: fault.status, remaining: fault.count }; break;
        case 'reject-orders': f.rejectOrders = { remaining: fault.count, reason: fault.reason ?? 'simulated rejection' }; break;
        case 'withdrawal-fails': f.withdrawalFails = true; break;
        case 'withdrawal-stuck': f.withdrawalStuck = true; break;
        case 'order-timeout': f.orderTimeout = { remaining: fault.count }; break;
        case 'bnb-fees':
          if (exchange !== 'binance') throw new Error('bnb-fees: only Binance pays fees in BNB');
          ctx.accounts.bnbFeePercentOff = new Decimal(fault.percentOff);
          break;
        case 'fee-tier': applyFeeTier(ctx.store, exchange, { makerPercent: fault.makerPercent, takerPercent: fault.takerPercent }); break;
        case 'garbage-fees': f.garbageFees = true; break;
      }
    },
    clearFaults() {
      for (const ex of d.exchanges) ctx.faults[ex] = emptyFaults();
      for (const ex of d.exchanges) applyFeeTier(ctx.store, ex, undefined);
      ctx.accounts.bnbFeePercentOff = undefined;
    },
    balances(exchange) {
      return ctx.accounts.balanceStrings(exchange);
    },
    credit(exchange, asset, amount) {
      ctx.accounts.credit(exchange, asset, new Decimal(strictLevels([[amount, '0']], 'credit')[0]?.[0] ?? '0'));
    },
    withdrawals(exchange) {
      return ctx.funding.withdrawalsOf(exchange).map((w) => plain(w) as SimWithdrawalView);
    },
    deposits(exchange) {
      return ctx.funding.depositsOf(exchange).map((w) => plain(w) as SimWithdrawalView);
    },
    releaseDeposits(exchange) {
      return ctx.funding.releaseDeposits(exchange);
    },
    bookEvents() {
      return ctx.store.bookEvents();
    },
    orders(exchange) {
      return ctx.accounts.ordersOf(exchange).map((o) => plain(o) as SimOrderView);
    },
    stats() {
      return JSON.parse(JSON.stringify(ctx.stats)) as Record<ExchangeId, VenueStats>;
    },
    setFeeTier(exchange, tier) {
      applyFeeTier(ctx.store, exchange, tier);
    },
  };
}
