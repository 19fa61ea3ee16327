import { z } from 'zod';
import { ApplicationFailure } from '@temporalio/activity';
import type { Clock } from '../ports/clock';
import type { BotName, TradingMode } from '../domain/allocation';
import { Decimal } from '../domain/money/decimal';
import { percentageString } from '../domain/money/schemas';
import type { HotpathAllocationRequest, HotpathControlActivities, HotpathSnapshot } from '../signals/defs';

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
  private readonly listeners: Array<(s: HotpathSnapshot) => void> = [];

  constructor(private readonly clock: Clock) {}

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
    this.paused = true;
    this.pausedReason = reason;
    this.touch();
    return this.snapshot();
  }

  resume(): HotpathSnapshot {
    this.paused = false;
    this.pausedReason = null;
    this.touch();
    return this.snapshot();
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
