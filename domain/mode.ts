import { Decimal, ZERO } from './money/decimal';
import { BOT_NAMES, isTradingMode, type BotName, type TradingMode } from './allocation';

/**
 * Pure decisions of the mode lifecycle: which incoming alert is applied, ignored or refused, and
 * which bots a flip switches on or off. The workflow owns the state; these functions only judge.
 */

export type AlertVerdict =
  | { kind: 'flip'; to: TradingMode }
  | { kind: 'same-mode'; mode: TradingMode }
  | { kind: 'duplicate'; alertId: string }
  | { kind: 'unknown-mode'; given: string }
  | { kind: 'bad-time'; given: string }
  | { kind: 'out-of-order'; firedAt: string; lastAlertAt: string }
  | { kind: 'from-future'; firedAt: string; now: string }
  | { kind: 'malformed'; why: string };

export interface AlertBook {
  /** Most recent alert ids, oldest first; capped so continue-as-new carries a bounded state. */
  seenAlertIds: string[];
  /** firedAt of the newest accepted alert (ISO), null before the first. */
  lastAlertAt: string | null;
}

export interface IncomingAlert {
  mode: string;
  alertId: string;
  firedAt: string;
}

/** Milliseconds since the epoch for an ISO time, or null when it does not parse. */
export function isoToMs(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** How far ahead of the workflow's clock an alert's time may be (clocks differ; TradingView has 1 s resolution). */
export const MAX_ALERT_SKEW_MS = 60_000;

/**
 * The judge's view of time. `nowMs` is the caller's clock (the workflow's deterministic time);
 * `operator` marks an operator's request stamped with that clock: it is the newest intent by
 * definition and is not bound by the last alert's time (which a bad alert may have pushed ahead).
 */
export interface AlertJudgeClock {
  nowMs: number;
  maxSkewMs?: number;
  operator?: boolean;
}

/**
 * Judges an alert against what was accepted so far. `targetMode` is the mode the system will be in
 * once every queued flip ran, so "same mode" means the same as the latest accepted intent.
 * The duplicate check comes first: a re-delivered alert is ignored even when it is also old.
 */
export function judgeAlert(book: AlertBook, targetMode: TradingMode, alert: IncomingAlert, clock?: AlertJudgeClock): AlertVerdict {
  // Signals sent by hand (`temporal workflow signal`) bypass the receiver's schema: check the shape.
  if (typeof alert.alertId !== 'string' || alert.alertId.trim() === '') return { kind: 'malformed', why: 'alertId must be a non-empty string' };
  if (book.seenAlertIds.includes(alert.alertId)) return { kind: 'duplicate', alertId: alert.alertId };
  if (!isTradingMode(alert.mode)) return { kind: 'unknown-mode', given: String(alert.mode) };
  const firedMs = isoToMs(alert.firedAt);
  if (firedMs === null) return { kind: 'bad-time', given: alert.firedAt };
  // A time far ahead would become the bar for every later alert and block the mode.
  if (clock && firedMs > clock.nowMs + (clock.maxSkewMs ?? MAX_ALERT_SKEW_MS)) return { kind: 'from-future', firedAt: alert.firedAt, now: new Date(clock.nowMs).toISOString() };
  if (book.lastAlertAt !== null && !clock?.operator) {
    const lastMs = isoToMs(book.lastAlertAt);
    // Equal times are accepted in arrival order: TradingView's {{timenow}} has one-second resolution.
    if (lastMs !== null && firedMs < lastMs) return { kind: 'out-of-order', firedAt: alert.firedAt, lastAlertAt: book.lastAlertAt };
  }
  return alert.mode === targetMode ? { kind: 'same-mode', mode: targetMode } : { kind: 'flip', to: alert.mode };
}

/** Why an alert was not applied, in words an operator can act on. */
export function describeVerdict(v: AlertVerdict): string {
  switch (v.kind) {
    case 'flip':
      return `flip to ${v.to}`;
    case 'same-mode':
      return `already in ${v.mode} mode`;
    case 'duplicate':
      return `alert ${v.alertId} was seen before: ignored`;
    case 'unknown-mode':
      return `unknown mode "${v.given}": use BTC or GOLD`;
    case 'bad-time':
      return `alert time "${v.given}" is not an ISO-8601 time`;
    case 'out-of-order':
      return `alert fired at ${v.firedAt} is older than the last applied alert (${v.lastAlertAt})`;
    case 'from-future':
      return `alert time ${v.firedAt} is in the future (the workflow's clock says ${v.now}): refused`;
    case 'malformed':
      return `malformed alert: ${v.why}`;
  }
}

/**
 * Records an accepted alert: remembers its id (bounded) and advances the newest alert time.
 * `reset` (an operator's request) sets the time to this one even when the old bar was later.
 */
export function rememberAlert(book: AlertBook, alertId: string, firedAt: string, maxIds: number, reset = false): AlertBook {
  const seenAlertIds = [...book.seenAlertIds, alertId].slice(-maxIds);
  const prev = book.lastAlertAt === null ? null : isoToMs(book.lastAlertAt);
  const cur = isoToMs(firedAt);
  const lastAlertAt = !reset && prev !== null && cur !== null && prev > cur ? book.lastAlertAt : firedAt;
  return { seenAlertIds, lastAlertAt };
}

/** The last `max` items, for history carried across continue-as-new. */
export function keepLast<T>(items: readonly T[], max: number): T[] {
  return items.slice(Math.max(0, items.length - max));
}

export type BotState = 'active' | 'inactive';

/** A bot is active in a mode when it holds a share of the capital. */
export function botStates(percent: Record<BotName, string>): Record<BotName, BotState> {
  const out = {} as Record<BotName, BotState>;
  for (const bot of BOT_NAMES) out[bot] = new Decimal(percent[bot]).gt(ZERO) ? 'active' : 'inactive';
  return out;
}

export interface BotTransition {
  bot: BotName;
  state: BotState;
  /** The bot's new share of capital, percent as a decimal string. */
  percent: string;
}

/**
 * What a flip does to the bots, in a safe order: bots losing all capital stop first (the G-bot
 * sells before the A-bot buys), then bots whose share changes, then bots that start.
 */
export function flipTransitions(from: Record<BotName, string>, to: Record<BotName, string>): BotTransition[] {
  const before = botStates(from);
  const after = botStates(to);
  const stop: BotTransition[] = [];
  const resize: BotTransition[] = [];
  const start: BotTransition[] = [];
  for (const bot of BOT_NAMES) {
    const t: BotTransition = { bot, state: after[bot], percent: to[bot] };
    if (before[bot] === 'active' && after[bot] === 'inactive') stop.push(t);
    else if (before[bot] === 'inactive' && after[bot] === 'active') start.push(t);
    else if (!new Decimal(from[bot]).eq(new Decimal(to[bot]))) resize.push(t);
  }
  return [...stop, ...resize, ...start];
}
