import { Decimal, ZERO } from '../money/decimal';
import { reject, type GateRejection } from './rejection';

const DAY_MS = 86_400_000;

export interface KillSwitchParams {
  maxDailyLossUsd: Decimal;
  maxConsecutiveFailures: number;
}

/** Pure state: the trading day (UTC) it counts, its realised PnL and the run of failures. */
export interface KillSwitchState {
  day: number;
  pnlUsd: Decimal;
  consecutiveFailures: number;
  tripped?: { reason: GateRejection; at: number };
}

export function newKillSwitch(now: number): KillSwitchState {
  return { day: Math.floor(now / DAY_MS), pnlUsd: ZERO, consecutiveFailures: 0 };
}

/**
 * Books one finished attempt. A failure is an attempt that did not complete as planned (a leg
 * rejected, a half fill); a success resets the run. Trips once the day's loss reaches the limit
 * or the run of failures reaches its maximum; a new UTC day resets the loss but not a trip:
 * an operator resumes explicitly.
 */
export function recordAttempt(s: KillSwitchState, p: KillSwitchParams, outcome: { ok: boolean; pnlUsd: Decimal }, now: number): KillSwitchState {
  return record(s, p, outcome.pnlUsd, outcome.ok ? 0 : s.consecutiveFailures + 1, now);
}

/**
 * Books the recovery of a trade a crash cut between its legs (it had no outcome of its own). Its
 * PnL always counts; it is a failure only when it left exposure open (held) or closed at a loss,
 * and once per trade (`countedOpen`: it was counted when it was held). A clean recovery is not a
 * success of the Q-bot either, so it leaves the run of failures as it was.
 */
export function recordRecovery(
  s: KillSwitchState, p: KillSwitchParams, r: { pnlUsd: Decimal; leftOpen: boolean; countedOpen?: boolean }, now: number,
): KillSwitchState {
  const failed = r.leftOpen || (r.pnlUsd.isNegative() && !r.pnlUsd.isZero() && !r.countedOpen);
  return record(s, p, r.pnlUsd, failed ? s.consecutiveFailures + 1 : s.consecutiveFailures, now);
}

function record(s: KillSwitchState, p: KillSwitchParams, pnl: Decimal, consecutiveFailures: number, now: number): KillSwitchState {
  const day = Math.floor(now / DAY_MS);
  const pnlUsd = (day === s.day ? s.pnlUsd : ZERO).plus(pnl);
  let tripped = s.tripped;
  if (!tripped && pnlUsd.negated().gte(p.maxDailyLossUsd)) {
    tripped = { at: now, reason: reject('KILL_SWITCH', { cause: 'daily loss', lossUsd: pnlUsd.negated(), limitUsd: p.maxDailyLossUsd }) };
  } else if (!tripped && consecutiveFailures >= p.maxConsecutiveFailures) {
    tripped = { at: now, reason: reject('KILL_SWITCH', { cause: 'consecutive failures', failures: consecutiveFailures, limit: p.maxConsecutiveFailures }) };
  }
  return tripped ? { day, pnlUsd, consecutiveFailures, tripped } : { day, pnlUsd, consecutiveFailures };
}

export function killSwitchGate(s: KillSwitchState): GateRejection | undefined {
  return s.tripped?.reason;
}

/** An operator's resume: clears the trip and the failure run, keeps the day's PnL. */
export function resetKillSwitch(s: KillSwitchState): KillSwitchState {
  return { day: s.day, pnlUsd: s.pnlUsd, consecutiveFailures: 0 };
}
