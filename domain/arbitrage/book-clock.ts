import type { OrderBook } from '../orderbook';

/**
 * The largest clock offset (local arrival minus exchange time, network latency included) we
 * believe. A venue whose books all arrive later than this behind its own clock is not "skewed",
 * it is sending old data (a replay, a frozen matching engine): its books are judged as if the
 * offset were this bound, so they read old and are refused. An NTP-synced host is within tens of
 * milliseconds of the venues; 2 s also tolerates a laptop clock that drifted a little.
 */
export const MAX_CLOCK_OFFSET_MS = 2_000;

/** Samples are kept as one minimum per bucket; the estimate is the minimum of the last BUCKETS. */
const BUCKET_MS = 10_000;
const BUCKETS = 6;

/**
 * One venue's clock offset, estimated from its own books: the running minimum of
 * `receivedAt - exchangeTimestamp` over the last minute. The minimum is the sample with the least
 * network delay, so latency spikes do not move it, and a frozen or replayed book (its difference
 * grows) cannot pull it up while fresh books keep coming. A minute's window lets the estimate
 * follow a step of our own clock. O(1) per sample, no allocation after construction.
 */
export class ClockOffsetEstimate {
  private readonly slot = new Float64Array(BUCKETS).fill(Number.NEGATIVE_INFINITY);
  private readonly min = new Float64Array(BUCKETS);
  private current: number | undefined;

  observe(receivedAt: number, exchangeTimestamp: number): void {
    const diff = receivedAt - exchangeTimestamp;
    const slot = Math.floor(receivedAt / BUCKET_MS);
    const i = ((slot % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.slot[i] !== slot) {
      this.slot[i] = slot;
      this.min[i] = diff;
    } else if (diff < this.min[i]!) this.min[i] = diff;
    let m = Number.POSITIVE_INFINITY;
    for (let k = 0; k < BUCKETS; k += 1) if (this.slot[k]! > slot - BUCKETS && this.slot[k]! <= slot && this.min[k]! < m) m = this.min[k]!;
    this.current = Math.max(-MAX_CLOCK_OFFSET_MS, Math.min(MAX_CLOCK_OFFSET_MS, m));
  }

  /** Undefined until the venue has sent one timestamped book. */
  offsetMs(): number | undefined {
    return this.current;
  }
}

/** Offsets per venue, fed by every book that carries an exchange timestamp. */
export class VenueClocks {
  private readonly byVenue = new Map<string, ClockOffsetEstimate>();

  observe(book: Pick<OrderBook, 'exchange' | 'receivedAt' | 'exchangeTimestamp'>): void {
    if (book.exchangeTimestamp === undefined) return;
    let e = this.byVenue.get(book.exchange);
    if (!e) {
      e = new ClockOffsetEstimate();
      this.byVenue.set(book.exchange, e);
    }
    e.observe(book.receivedAt, book.exchangeTimestamp);
  }

  offsetMs(exchange: string): number | undefined {
    return this.byVenue.get(exchange)?.offsetMs();
  }
}

export interface ClockOffsets {
  offsetMs(exchange: string): number | undefined;
}

/**
 * How old the book's data is by the exchange's own clock, moved onto ours by the venue's offset
 * (with no estimate, none: the exchange's clock is taken as ours). Undefined when the venue sent
 * no timestamp: then only the arrival time can be judged.
 */
export function exchangeAgeMs(book: Pick<OrderBook, 'exchange' | 'exchangeTimestamp'>, now: number, clocks: ClockOffsets | undefined): number | undefined {
  if (book.exchangeTimestamp === undefined) return undefined;
  const offset = clocks?.offsetMs(book.exchange) ?? 0;
  return now - (book.exchangeTimestamp + offset);
}
