import { parseLevels } from '../model/book';
import type { BookStore } from '../model/store';
import type { ReplaySnapshot } from './format';

/**
 * Serves recorded snapshots in timestamp order. The first snapshot of every book is applied at
 * once; the rest follow at the recorded pace divided by `speed` (or on each `step()` when the
 * simulator does not tick by itself).
 */
export class ReplayDriver {
  private cursor = 0;
  private lastTs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly rest: ReplaySnapshot[];

  constructor(private readonly store: BookStore, snapshots: ReplaySnapshot[], private readonly speed: number) {
    const seen = new Set<string>();
    const rest: ReplaySnapshot[] = [];
    for (const s of snapshots) {
      const k = `${s.exchange}:${s.symbol}`;
      if (seen.has(k)) rest.push(s);
      else {
        seen.add(k);
        this.apply(s);
      }
    }
    this.rest = rest;
  }

  remaining(): number {
    return this.rest.length - this.cursor;
  }

  step(n = 1): void {
    for (let i = 0; i < n && this.cursor < this.rest.length; i++) this.apply(this.rest[this.cursor++] as ReplaySnapshot);
  }

  start(): void {
    this.scheduleNext();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleNext(): void {
    const next = this.rest[this.cursor];
    if (!next) return;
    const gap = Math.max(0, next.timestamp - this.lastTs);
    this.timer = setTimeout(() => {
      this.step(1);
      this.scheduleNext();
    }, this.speed > 0 ? Math.max(0, gap / this.speed) : 0);
  }

  private apply(s: ReplaySnapshot): void {
    this.lastTs = s.timestamp;
    if (!this.store.live(s.exchange, s.symbol)) return;
    this.store.apply(s.exchange, s.symbol, { bids: parseLevels(s.bids), asks: parseLevels(s.asks) }, s.timestamp);
  }
}
