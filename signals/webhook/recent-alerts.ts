/**
 * Alert ids this receiver has delivered recently, so a replay can be answered as a duplicate
 * (the mode workflow and the A-bot inbox drop it anyway, but a signal cannot say so). Entries
 * live as long as an alert can pass the age check (`maxAlertAgeMs` plus the allowed clock skew):
 * anything older is refused as stale before it gets here. Bounded: the oldest entries go first.
 */
export class RecentAlerts {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  has(alertId: string): boolean {
    const t = this.until.get(alertId);
    if (t === undefined) return false;
    if (t <= this.now()) {
      this.until.delete(alertId);
      return false;
    }
    return true;
  }

  add(alertId: string): void {
    const t = this.now();
    this.until.delete(alertId);
    this.until.set(alertId, t + this.ttlMs);
    // Insertion order is expiry order (same ttl for all): drop expired ones, then the oldest if still full.
    for (const [id, exp] of this.until) {
      if (exp > t && this.until.size <= this.max) break;
      this.until.delete(id);
    }
  }
}
