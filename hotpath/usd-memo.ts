import type { Decimal } from '../domain/money/decimal';
import type { BookCache, CachedBook } from './book-cache';
import { usdPrice, type BookReader } from './valuation';

interface Known {
  value: Decimal | undefined;
  /** The cache slots the value was read from, and what each held then (undefined: no book yet). */
  slots: number[];
  entries: (CachedBook | undefined)[];
}

/**
 * `usdPrice` per asset, kept while every book it was read from is the very same cache entry (a
 * cached book is never changed in place: `BookCache.apply` takes a copy the caller owns, and a
 * feed state change replaces the entry). A triangular scan sizes each evaluated cycle by its
 * start currency's USD value; worked out again on every update, a stablecoin's (24 look-ups by
 * string and a Decimal division per view) cost more than the exact walk (#17). The same Decimal
 * instance comes back while nothing moved, so the evaluator's memos keyed on it hold too.
 */
export class UsdMemo {
  private readonly known = new Map<string, Known>();

  constructor(private readonly cache: BookCache, private readonly stables: Record<string, string>) {}

  of(asset: string): Decimal | undefined {
    const k = this.known.get(asset);
    if (k && this.unchanged(k)) return k.value;
    const fresh: Known = { value: undefined, slots: [], entries: [] };
    fresh.value = usdPrice(this.recording(fresh), asset, this.stables);
    this.known.set(asset, fresh);
    return fresh.value;
  }

  private unchanged(k: Known): boolean {
    for (let i = 0; i < k.slots.length; i += 1) if (this.cache.at(k.slots[i]!) !== k.entries[i]) return false;
    return true;
  }

  /** The cache, noting each known market read (an unknown market never gets a book). */
  private recording(into: Known): BookReader {
    const cache = this.cache;
    return {
      get(exchange: string, symbol: string): CachedBook | undefined {
        const e = cache.get(exchange, symbol);
        const slot = cache.slotOf(exchange, symbol);
        if (slot !== undefined) {
          into.slots.push(slot);
          into.entries.push(e);
        }
        return e;
      },
    };
  }
}
