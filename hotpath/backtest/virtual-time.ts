/**
 * The recording's clock for a backtest: `now` moves only when the backtest advances it, and
 * `sleep(ms)` resolves when it passes `now + ms`. Everything an attempt does between its awaits
 * runs before the next book is applied, so a paper order reads the book as it was once its
 * latency had passed.
 */
export class VirtualTime {
  private t = 0;
  private timers: Array<{ due: number; seq: number; resolve: () => void }> = [];
  private seq = 0;

  now = (): number => this.t;

  sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => {
    this.timers.push({ due: this.t + Math.max(0, ms), seq: (this.seq += 1), resolve });
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
  });

  pending(): number {
    return this.timers.length;
  }

  /** Fires every timer due before `t` (in due order, letting each one's continuations run), then sets the clock to `t`. */
  async advanceTo(t: number, strictlyBefore = true): Promise<void> {
    for (;;) {
      const next = this.timers[0];
      if (!next || (strictlyBefore ? next.due >= t : next.due > t)) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.due);
      next.resolve();
      await settle();
    }
    this.t = Math.max(this.t, t);
  }

  /** Runs every timer there is (the end of the recording). */
  async runOut(): Promise<void> {
    while (this.timers.length) await this.advanceTo(this.timers[this.timers.length - 1]!.due, false);
  }
}

/** Lets every queued promise continuation run (microtasks drain before the next macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
