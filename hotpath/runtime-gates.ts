import type { Decimal } from '../domain/money/decimal';
import {
  cycleTimeGate, cycleTimeMs, killSwitchGate, newBucket, newKillSwitch, recordAttempt, recordRecovery, reject, resetKillSwitch, takeTokens,
  type GateRejection, type KillSwitchState, type RateBucket, type Strategy,
} from '../domain/arbitrage';
import type { QbotConfig } from './qbot-config';

/** Where a tripped kill switch is kept so it survives a restart (the hot path's control). */
export interface KillSwitchStore {
  killTrip(): { reason: GateRejection; at: number } | null;
  tripKill(trip: { reason: GateRejection; at: number }): void;
}

/** Requests one attempt costs per exchange: one IOC order per leg (a fetch on an unknown outcome comes out of slack). */
export const ORDER_COST = 1;

/**
 * The gates that depend on what the process did, not on books: kill switch, pause, cycle time
 * (least time between two executions of a strategy) and the per-exchange rate budget.
 */
export class RuntimeGates {
  kill: KillSwitchState;
  private readonly lastExecution: Partial<Record<Strategy, number>> = {};
  private readonly buckets = new Map<string, RateBucket>();

  constructor(
    private readonly config: QbotConfig, private readonly now: () => number, private readonly pausedReason: () => string | null,
    private readonly killStore?: Partial<KillSwitchStore>,
  ) {
    this.kill = newKillSwitch(now());
    const trip = killStore?.killTrip?.();
    if (trip) this.kill = { ...this.kill, tripped: trip };
  }

  /** Checks without consuming; `take` consumes the rate budget once the attempt goes ahead. */
  check(strategy: Strategy, ordersPerExchange: Record<string, number>, highVolatility: boolean): GateRejection | undefined {
    this.syncKill();
    const k = killSwitchGate(this.kill);
    if (k) return k;
    const paused = this.pausedReason();
    if (paused !== null) return reject('PAUSED', { reason: paused });
    const now = this.now();
    const cycle = cycleTimeMs({ baseMs: this.config.cycleTimeMs[strategy], latencyMultiplier: this.config.cycleTimeMultiplier, slowdownFactor: this.config.slowdownFactor }, highVolatility);
    const c = cycleTimeGate(this.lastExecution[strategy], now, cycle);
    if (c) return c;
    for (const [ex, n] of Object.entries(ordersPerExchange)) {
      const r = takeTokens(this.bucket(ex), this.config.restRequestsPerMinute, n * ORDER_COST, now, ex);
      if (!r.ok) return r.rejection;
    }
    return undefined;
  }

  take(strategy: Strategy, ordersPerExchange: Record<string, number>): void {
    const now = this.now();
    this.lastExecution[strategy] = now;
    for (const [ex, n] of Object.entries(ordersPerExchange)) {
      const r = takeTokens(this.bucket(ex), this.config.restRequestsPerMinute, n * ORDER_COST, now, ex);
      this.buckets.set(ex, r.bucket);
    }
  }

  /** Extra requests outside an attempt's plan (corrective orders) still count. */
  spend(exchange: string, n: number): void {
    const r = takeTokens(this.bucket(exchange), this.config.restRequestsPerMinute, n * ORDER_COST, this.now(), exchange);
    this.buckets.set(exchange, r.ok ? r.bucket : { ...r.bucket, tokens: 0 });
  }

  recordOutcome(ok: boolean, pnlUsd: Decimal): void {
    this.update((k) => recordAttempt(k, this.config.killSwitch, { ok, pnlUsd }, this.now()));
  }

  /** A cut trade's recovery: a failure only when it left exposure or lost money (domain recordRecovery). */
  recordRecovery(r: { pnlUsd: Decimal; leftOpen: boolean; countedOpen?: boolean }): void {
    this.update((k) => recordRecovery(k, this.config.killSwitch, r, this.now()));
  }

  private update(next: (k: KillSwitchState) => KillSwitchState): void {
    this.syncKill();
    const wasTripped = Boolean(this.kill.tripped);
    this.kill = next(this.kill);
    if (!wasTripped && this.kill.tripped) this.killStore?.tripKill?.(this.kill.tripped);
  }

  /** The store is the truth once it exists: an operator's resume there clears the trip here. */
  private syncKill(): void {
    const store = this.killStore;
    if (!store?.killTrip) return;
    const trip = store.killTrip();
    if (!trip && this.kill.tripped) this.kill = resetKillSwitch(this.kill);
    else if (trip && !this.kill.tripped) this.kill = { ...this.kill, tripped: trip };
  }

  resetKillSwitch(): void {
    this.kill = resetKillSwitch(this.kill);
  }

  private bucket(ex: string): RateBucket {
    let b = this.buckets.get(ex);
    if (!b) {
      b = newBucket(this.config.restRequestsPerMinute, this.now());
      this.buckets.set(ex, b);
    }
    return b;
  }
}
