import { z } from 'zod';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { nonNegativeDecimalString } from '../../domain/money/schemas';
import type { AssetBalance } from '../../ports/account';
import type { StateStore } from '../persistence/state-sqlite';

/** Where a paper account keeps its coins between runs: one row per asset in the state store. */
export interface DurablePaperBalances {
  store: StateStore;
  /** Names the account (one scope per exchange). */
  exchange: string;
}

const totalRow = z.strictObject({ total: nonNegativeDecimalString });

/**
 * Paper balances of one exchange: free and used (reserved by orders in flight). Reservation is
 * what stops two orders placed during the same latency window from spending the same money.
 *
 * Durable balances are shared by every process on the state file (orchestrator and hot path trade
 * one paper inventory): totals are read from the store on each access and every change is one
 * BEGIN IMMEDIATE read-modify-write, so no process writes back a stale copy. Reservations stay
 * in this process: they are its own orders in flight (another process's fill that takes the money
 * meanwhile is caught when this one settles, as on a real exchange's balance check).
 */
export class PaperBalances {
  /** Without a store: the totals themselves. With one: unused (the store holds the totals). */
  private readonly totals = new Map<string, Decimal>();
  private readonly used = new Map<string, Decimal>();
  private readonly scope?: string;
  /** True unless the balances were loaded from the store (a first start books its opening balances). */
  readonly fresh: boolean = true;

  /**
   * With `durable` the balances are loaded from the store when it has them (the `initial`
   * inventory applies only to a first start) and every change is written before it counts, so a
   * restart keeps the paper inventory. Reservations are not kept: an order in flight at a crash
   * never completed, so its funds are free again.
   */
  constructor(initial: Record<string, Decimal> = {}, private readonly durable?: DurablePaperBalances) {
    for (const [asset, amount] of Object.entries(initial)) {
      if (!amount.isFinite() || amount.isNegative()) throw new Error(`initial paper balance of ${asset} must be >= 0, got ${amount.toFixed()}`);
    }
    if (!durable) {
      for (const [asset, amount] of Object.entries(initial)) this.totals.set(asset, amount);
      return;
    }
    const scope = `paper-balances:${durable.exchange}`;
    this.scope = scope;
    // One transaction: of processes starting together on a fresh file, exactly one books the opening balances.
    this.fresh = durable.store.immediate(() => {
      if (durable.store.all(scope, totalRow).length > 0) return false;
      durable.store.setMany(scope, Object.entries(initial).map(([asset, amount]) => [asset, { total: formatDecimal(amount) }]));
      return true;
    });
  }

  private totalOf(asset: string): Decimal {
    if (!this.durable || !this.scope) return this.totals.get(asset) ?? ZERO;
    return this.durable.store.get(this.scope, asset, totalRow)?.total ?? ZERO;
  }

  freeOf(asset: string): Decimal {
    return this.totalOf(asset).minus(this.used.get(asset) ?? ZERO);
  }

  /** Moves `amount` from free to used; false (and no change) when free is short. */
  reserve(asset: string, amount: Decimal): boolean {
    if (this.freeOf(asset).lt(amount)) return false;
    this.used.set(asset, (this.used.get(asset) ?? ZERO).plus(amount));
    return true;
  }

  release(asset: string, amount: Decimal): void {
    const used = this.used.get(asset) ?? ZERO;
    if (used.lt(amount)) throw new Error(`paper balances: releasing ${amount.toFixed()} ${asset} but only ${used.toFixed()} is reserved`);
    this.used.set(asset, used.minus(amount));
  }

  /** True when every negative delta is covered by free balance (positives may pay for nothing else). */
  covers(deltas: ReadonlyArray<[string, Decimal]>): { ok: true } | { ok: false; asset: string; need: Decimal; free: Decimal } {
    const net = new Map<string, Decimal>();
    for (const [asset, delta] of deltas) net.set(asset, (net.get(asset) ?? ZERO).plus(delta));
    for (const [asset, delta] of net) {
      const free = this.freeOf(asset);
      if (free.plus(delta).isNegative()) return { ok: false, asset, need: delta.negated(), free };
    }
    return { ok: true };
  }

  /**
   * Runs `fn` holding the shared file's write lock (BEGIN IMMEDIATE; a savepoint when already
   * inside one): no other process changes these balances between a check in `fn` and a write.
   * Other rows written in `fn` on the same store commit with it.
   */
  atomically<T>(fn: () => T): T {
    return this.durable ? this.durable.store.immediate(fn) : fn();
  }

  /**
   * Applies deltas atomically; callers check `covers` first, so a shortfall here is a bug (or,
   * with a shared store, another process spent the money in between: nothing changes then either).
   */
  apply(deltas: ReadonlyArray<[string, Decimal]>): void {
    const run = () => {
      const check = this.covers(deltas);
      if (!check.ok) throw new Error(`paper balances would go negative in ${check.asset}`);
      const next = new Map<string, Decimal>();
      for (const [asset, delta] of deltas) next.set(asset, (next.get(asset) ?? this.totalOf(asset)).plus(delta));
      if (!this.durable || !this.scope) {
        for (const [asset, total] of next) this.totals.set(asset, total);
        return;
      }
      this.durable.store.setMany(this.scope, [...next].map(([asset, total]) => [asset, { total: formatDecimal(total) }]));
    };
    // Durable: read, check and write under one write lock (a failed write leaves the balances as they were).
    this.atomically(run);
  }

  snapshot(): Record<string, AssetBalance> {
    const totals = this.durable && this.scope ? new Map(this.durable.store.all(this.scope, totalRow).map(([asset, row]) => [asset, row.total])) : this.totals;
    const out: Record<string, AssetBalance> = {};
    for (const asset of new Set([...totals.keys(), ...this.used.keys()])) {
      const total = totals.get(asset) ?? ZERO;
      const used = this.used.get(asset) ?? ZERO;
      out[asset] = { free: total.minus(used), used, total };
    }
    return out;
  }
}
