import { Decimal } from '../money/decimal';
import { reject, type GateRejection } from './rejection';

export interface CadenceParams {
  /** Base cycle time per strategy, ms (cross 10 s, triangular 30 s). */
  baseMs: number;
  /** From the latency profile: a laptop may want longer cycles. */
  latencyMultiplier: Decimal;
  /** Volatility slowdown factor (2 doubles the cycle time). */
  slowdownFactor: number;
}

/** Least time between two executions of one strategy, ms. */
export function cycleTimeMs(p: CadenceParams, highVolatility: boolean): number {
  const factor = highVolatility ? p.slowdownFactor : 1;
  return new Decimal(p.baseMs).times(factor).times(p.latencyMultiplier).ceil().toNumber();
}

/**
 * The market's range is "high" when today's range (high - low) is at least `ratio` times its
 * usual range (e.g. the average daily range of recent days).
 */
export function isHighRange(currentRange: Decimal, usualRange: Decimal, ratio: Decimal): boolean {
  if (usualRange.lte(0)) return false;
  return currentRange.div(usualRange).gte(ratio);
}

export function cycleTimeGate(lastExecutionAt: number | undefined, now: number, cycleMs: number): GateRejection | undefined {
  if (lastExecutionAt === undefined) return undefined;
  const since = now - lastExecutionAt;
  if (since < cycleMs) return reject('CYCLE_TIME', { sinceLastMs: since, cycleMs, waitMs: cycleMs - since });
  return undefined;
}
