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

/**
 * Paper balances of one exchange: free and used (reserved by orders in flight). Reservation is
 * what stops two orders placed during the same latency window from spending the same money.
 */
export class PaperBalances {
  private readonly free = new Map<string, Decimal>();
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
      for (const [asset, amount] of Object.entries(initial)) this.free.set(asset, amount);
      return;
    }
    this.scope = `paper-balances:${durable.exchange}`;
    const stored = durable.store.all(this.scope, z.strictObject({ total: nonNegativeDecimalString }));
    if (stored.length > 0) {
      this.fresh = false;
      for (const [asset, row] of stored) this.free.set(asset, row.total);
    } else {
      for (const [asset, amount] of Object.entries(initial)) this.free.set(asset, amount);
      this.persist(Object.keys(initial));
    }
  }

  freeOf(asset: string): Decimal {
    return this.free.get(asset) ?? ZERO;
  }

  /** Moves `amount` from free to used; false (and no change) when free is short. */
  reserve(asset: string, amount: Decimal): boolean {
    if (this.freeOf(asset).lt(amount)) return false;
    this.free.set(asset, this.freeOf(asset).minus(amount));
    this.used.set(asset, (this.used.get(asset) ?? ZERO).plus(amount));
    return true;
  }

  release(asset: string, amount: Decimal): void {
    const used = this.used.get(asset) ?? ZERO;
    if (used.lt(amount)) throw new Error(`paper balances: releasing ${amount.toFixed()} ${asset} but only ${used.toFixed()} is reserved`);
    this.used.set(asset, used.minus(amount));
    this.free.set(asset, this.freeOf(asset).plus(amount));
  }

  /** True when every negative delta is covered by free balance (positives may pay for nothing else). */
  covers(deltas: ReadonlyArray<[string, Decimal]>): { ok: true } | { ok: false; asset: string; need: Decimal; free: Decimal } {
    const net = new Map<string, Decimal>();
    for (const [asset, delta] of deltas) net.set(asset, (net.get(asset) ?? ZERO).plus(delta));
    for (const [asset, delta] of net) if (this.freeOf(asset).plus(delta).isNegative()) return { ok: false, asset, need: delta.negated(), free: this.freeOf(asset) };
    return { ok: true };
  }

  /** Applies deltas atomically; callers check `covers` first, so a shortfall here is a bug. */
  apply(deltas: ReadonlyArray<[string, Decimal]>): void {
    const check = this.covers(deltas);
    if (!check.ok) throw new Error(`paper balances would go negative in ${check.asset}`);
    const next = new Map<string, Decimal>();
    for (const [asset, delta] of deltas) next.set(asset, (next.get(asset) ?? this.freeOf(asset)).plus(delta));
    // Durable first: a failed write leaves the balances as they were.
    this.persist([...next.keys()], next);
    for (const [asset, amount] of next) this.free.set(asset, amount);
  }

  /** Writes the totals (free + used) of `assets`, taking free amounts from `free` when given. */
  private persist(assets: string[], free?: Map<string, Decimal>): void {
    if (!this.durable || !this.scope || assets.length === 0) return;
    this.durable.store.setMany(this.scope, assets.map((asset) => {
      const total = (free?.get(asset) ?? this.freeOf(asset)).plus(this.used.get(asset) ?? ZERO);
      return [asset, { total: formatDecimal(total) }];
    }));
  }

  snapshot(): Record<string, AssetBalance> {
    const out: Record<string, AssetBalance> = {};
    for (const asset of new Set([...this.free.keys(), ...this.used.keys()])) {
      const free = this.freeOf(asset);
      const used = this.used.get(asset) ?? ZERO;
      out[asset] = { free, used, total: free.plus(used) };
    }
    return out;
  }
}
