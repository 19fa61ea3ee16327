/**
 * How long opportunities lasted: a candidate (strategy + route) "opens" at its first evaluation
 * that clears the threshold and "closes" at its next evaluation that does not. Time is the
 * recording's clock, passed in.
 */
export class OpportunityTracker {
  private readonly open = new Map<string, number>();
  readonly durationsMs: number[] = [];

  observe(at: number, key: string, passing: boolean): void {
    const since = this.open.get(key);
    if (passing && since === undefined) this.open.set(key, at);
    else if (!passing && since !== undefined) {
      this.durationsMs.push(at - since);
      this.open.delete(key);
    }
  }

  /** Opportunities still open at the end of the recording count up to its last time. */
  finish(at: number): number[] {
    for (const since of this.open.values()) this.durationsMs.push(at - since);
    this.open.clear();
    return this.durationsMs;
  }
}
