import { z } from 'zod';
import { ApplicationFailure } from '@temporalio/activity';
import type { Clock } from '../ports/clock';
import type { BotName, TradingMode } from '../domain/allocation';
import { Decimal } from '../domain/money/decimal';
import { percentageString } from '../domain/money/schemas';
import type { HotpathAllocationRequest, HotpathControlActivities, HotpathSnapshot } from '../signals/defs';
import type { GateRejection } from '../domain/arbitrage';
import type { StateStore } from '../adapters/persistence/state-sqlite';

const STATE_SCOPE = 'hotpath-control';
const pauseSchema = z.strictObject({ paused: z.boolean(), reason: z.string().nullable() });
const killTripSchema = z.strictObject({
  reason: z.strictObject({ code: z.literal('KILL_SWITCH'), figures: z.record(z.string(), z.string()), message: z.string() }),
  at: z.number().int(),
});

/** A tripped kill switch as the control keeps it (durably with a store). */
export interface KillTrip {
  reason: GateRejection;
  at: number;
}

const allocationRequestSchema = z.strictObject({
  mode: z.enum(['BTC', 'GOLD']),
  allocationPercent: z.strictObject({ qbot: percentageString, abot: percentageString, gbot: percentageString }),
  flipId: z.string().min(1),
});

/**
 * The hot path's control surface: what workflows may change in the running Q-bot process, exposed
 * as activities on the `hotpath` task queue. Holds the capital split and the pause flag; the
 * scanners read them through `allocation()` / `isPaused()` and may subscribe to changes.
 */
export class HotpathControl {
  private mode: TradingMode | null = null;
  private percent: Record<BotName, Decimal> | null = null;
  private paused = false;
  private pausedReason: string | null = null;
  private lastFlipId: string | null = null;
  private applied = 0;
  private updatedAt: number | null = null;
  private killTripped: KillTrip | null = null;
  private readonly listeners: Array<(s: HotpathSnapshot) => void> = [];

  /**
   * With a store the pause and a tripped kill switch survive a restart: an operator who stopped
   * trading because something was wrong must not find it resumed by a crash or a deploy.
   */
  constructor(private readonly clock: Clock, private readonly store?: StateStore) {
    const pause = store?.get(STATE_SCOPE, 'pause', pauseSchema);
    if (pause?.paused) {
      this.paused = true;
      this.pausedReason = pause.reason;
    }
    this.killTripped = store?.get(STATE_SCOPE, 'kill-switch', killTripSchema.nullable()) ?? null;
  }

  onChange(listener: (s: HotpathSnapshot) => void): void {
    this.listeners.push(listener);
  }

  allocation(): { mode: TradingMode; percent: Record<BotName, Decimal> } | null {
    return this.mode && this.percent ? { mode: this.mode, percent: { ...this.percent } } : null;
  }

  isPaused(): boolean {
    return this.paused;
  }

  /** Re-applying the same flip is a no-op (a retried activity must not count twice). */
  applyAllocation(raw: HotpathAllocationRequest): { applied: boolean; snapshot: HotpathSnapshot } {
    const parsed = allocationRequestSchema.safeParse(raw);
    if (!parsed.success) {
      // Retrying a malformed request cannot help: fail it for good with the reason.
      throw ApplicationFailure.nonRetryable(`invalid allocation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'InvalidAllocation');
    }
    const req = parsed.data;
    const sum = req.allocationPercent.qbot.plus(req.allocationPercent.abot).plus(req.allocationPercent.gbot);
    if (!sum.eq(100)) throw ApplicationFailure.nonRetryable(`invalid allocation: percents add up to ${sum.toFixed()}, not 100`, 'InvalidAllocation');
    if (req.flipId === this.lastFlipId) return { applied: false, snapshot: this.snapshot() };
    this.mode = req.mode;
    this.percent = { ...req.allocationPercent };
    this.lastFlipId = req.flipId;
    this.applied += 1;
    this.touch();
    return { applied: true, snapshot: this.snapshot() };
  }

  pause(reason: string): HotpathSnapshot {
    // Durable first: the pause is acknowledged only once it would survive a crash.
    this.store?.set(STATE_SCOPE, 'pause', { paused: true, reason }, this.clock.now());
    this.paused = true;
    this.pausedReason = reason;
    this.touch();
    return this.snapshot();
  }

  /** An operator's resume clears the pause and a tripped kill switch (the kill switch trips on its own, it never resumes on its own). */
  resume(): HotpathSnapshot {
    this.store?.setMany(STATE_SCOPE, [['pause', { paused: false, reason: null }], ['kill-switch', null]], this.clock.now());
    this.paused = false;
    this.pausedReason = null;
    this.killTripped = null;
    this.touch();
    return this.snapshot();
  }

  /** The tripped kill switch, if any (read by the runtime gates on every check). */
  killTrip(): KillTrip | null {
    return this.killTripped;
  }

  /** Called by the runtime gates when the kill switch trips; kept until an operator resumes. */
  tripKill(trip: KillTrip): void {
    if (this.killTripped) return;
    this.store?.set(STATE_SCOPE, 'kill-switch', trip, this.clock.now());
    this.killTripped = trip;
    this.touch();
  }

  snapshot(): HotpathSnapshot {
    const p = this.percent;
    return {
      mode: this.mode,
      allocationPercent: p ? { qbot: p.qbot.toFixed(), abot: p.abot.toFixed(), gbot: p.gbot.toFixed() } : null,
      paused: this.paused,
      pausedReason: this.pausedReason,
      lastFlipId: this.lastFlipId,
      allocationsApplied: this.applied,
      updatedAt: this.updatedAt === null ? null : new Date(this.updatedAt).toISOString(),
      killSwitch: this.killTripped ? { reason: this.killTripped.reason.message, at: new Date(this.killTripped.at).toISOString() } : null,
    };
  }

  /** The activities a hot path worker registers on HOTPATH_TASK_QUEUE. */
  activities(): HotpathControlActivities {
    return {
      applyAllocation: async (req) => this.applyAllocation(req),
      pauseHotpath: async ({ reason }) => this.pause(reason),
      resumeHotpath: async () => this.resume(),
      hotpathSnapshot: async () => this.snapshot(),
    };
  }

  private touch(): void {
    this.updatedAt = this.clock.now();
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }
}
