import { Decimal, ZERO } from '../../domain/money/decimal';
import type { AssetBalance } from '../../ports/account';

/**
 * Paper balances of one exchange: free and used (reserved by orders in flight). Reservation is
 * what stops two orders placed during the same latency window from spending the same money.
 */
export class PaperBalances {
  private readonly free = new Map<string, Decimal>();
  private readonly used = new Map<string, Decimal>();

  constructor(initial: Record<string, Decimal> = {}) {
    for (const [asset, amount] of Object.entries(initial)) {
      if (!amount.isFinite() || amount.isNegative()) throw new Error(`initial paper balance of ${asset} must be >= 0, got ${amount.toFixed()}`);
      this.free.set(asset, amount);
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
    for (const [asset, delta] of deltas) this.free.set(asset, this.freeOf(asset).plus(delta));
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
