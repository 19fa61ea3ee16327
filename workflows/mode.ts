import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, proxyActivities, setHandler, TimeoutFailure, uuid4, workflowInfo,
} from '@temporalio/workflow';
import { patched } from '@temporalio/workflow';
import { boundedActivities, describeRun } from './activity-policy';
import {
  HOTPATH_TASK_QUEUE, macroSignal, modeQuery, setModeUpdate,
  type HotpathControlActivities, type MacroAlert, type ModeView, type SetModeRequest,
} from '../signals/defs';
import { isTradingMode, type TradingMode } from '../domain/allocation';
import { botStates, describeVerdict, flipTransitions, judgeAlert, keepLast, rememberAlert, type AlertVerdict } from '../domain/mode';
import type { ModeActivities } from '../activities/mode';
import { HISTORY_CAP, IGNORED_CAP, initialModeState, SEEN_IDS_CAP, type ModeState, type ModeWorkflowInput, type PendingFlip } from './mode-types';

export type { ModeState, ModeWorkflowInput } from './mode-types';

// Ledger writes get an hour of retries (a flip should not half-apply over a short outage); a
// mis-deployment ("not registered") or bad input fails at once.
const acts = proxyActivities<ModeActivities>(boundedActivities({ startToClose: '30 seconds', scheduleToClose: '1 hour', maximumInterval: '30 seconds' }));
// The push to a hot path is a shortcut: every hot path also reads the mode on start and watches it
// (workers/hotpath-link.ts), so a flip does not wait for a hot path that is down.
const hotpath = proxyActivities<HotpathControlActivities>(boundedActivities({ taskQueue: HOTPATH_TASK_QUEUE, startToClose: '10 seconds', scheduleToClose: '1 minute', maximumInterval: '10 seconds' }));

/**
 * The BTC/GOLD mode lifecycle (id `mode`). Handlers only judge and queue; the main loop alone runs
 * flips, one at a time, so a flip arriving mid-flip waits its turn instead of interleaving.
 */
export async function modeWorkflow(input: ModeWorkflowInput): Promise<void> {
  const s: ModeState = input.state ?? initialModeState(input);
  let lastSeq = s.pending.reduce((m, f) => Math.max(m, f.seq), 0);
  const outcomes = new Map<number, string | null>(); // seq -> null (applied) or the failure
  let current: PendingFlip | null = null;
  const target = (): TradingMode => s.pending.at(-1)?.to ?? s.mode;

  /**
   * `operator`: a setMode stamped with the workflow's clock; not bound by the last alert's time,
   * and it resets that time, so an alert that got in with a bad time cannot block the mode.
   */
  const accept = (alert: MacroAlert, operator = false): { verdict: AlertVerdict; seq?: number } => {
    // Histories from before the guard replay without it (they may hold an accepted future alert).
    const guard = patched('mode-alert-clock-guard');
    const verdict = judgeAlert(s.book, target(), alert, guard ? { nowMs: Date.now(), operator } : undefined);
    if (verdict.kind === 'flip' || verdict.kind === 'same-mode') {
      s.book = rememberAlert(s.book, alert.alertId, alert.firedAt, SEEN_IDS_CAP, guard && operator);
      if (verdict.kind === 'same-mode') return { verdict };
      const seq = ++lastSeq;
      s.pending.push({ seq, from: target(), to: verdict.to, alert });
      return { verdict, seq };
    }
    ignore(alert.alertId, describeVerdict(verdict));
    return { verdict };
  };
  const ignore = (alertId: string, why: string) => {
    log.warn('mode alert ignored', { alertId, why });
    s.ignored = keepLast([...s.ignored, { alertId, why, at: new Date().toISOString() }], IGNORED_CAP);
  };

  setHandler(macroSignal, (alert) => {
    const reason = typeof alert?.reason === 'string' && alert.reason.trim() !== '' ? alert.reason : `macro signal ${String(alert?.mode)}`;
    const source = alert?.source === 'operator' ? 'operator' : 'tradingview';
    void accept({ ...alert, reason, source });
  });

  setHandler(
    setModeUpdate,
    async (req: SetModeRequest) => {
      const alert: MacroAlert = {
        mode: req.mode, alertId: req.requestId ?? `operator-${uuid4()}`, firedAt: req.firedAt ?? new Date().toISOString(),
        source: 'operator', reason: req.reason.trim(),
      };
      const { verdict, seq } = accept(alert, req.firedAt === undefined);
      if (seq === undefined) return { mode: target(), changed: false, message: describeVerdict(verdict) };
      await condition(() => outcomes.has(seq));
      const failure = outcomes.get(seq);
      if (failure) throw ApplicationFailure.nonRetryable(`flip to ${alert.mode} failed: ${failure}`, 'FlipFailed');
      return { mode: alert.mode, changed: true, message: `mode is now ${alert.mode}` };
    },
    {
      validator: (req: SetModeRequest) => {
        if (!isTradingMode(req.mode)) throw new Error(`unknown mode "${String(req.mode)}": use BTC or GOLD`);
        if (typeof req.reason !== 'string' || req.reason.trim() === '') throw new Error('a reason is required');
        const v = judgeAlert(s.book, target(), { mode: req.mode, alertId: req.requestId ?? 'operator', firedAt: req.firedAt ?? new Date().toISOString() }, { nowMs: Date.now(), operator: req.firedAt === undefined });
        if (v.kind === 'bad-time' || v.kind === 'out-of-order' || v.kind === 'malformed' || v.kind === 'from-future') throw new Error(describeVerdict(v));
      },
    },
  );

  setHandler(modeQuery, (): ModeView => ({
    mode: s.mode,
    changedAt: s.changedAt,
    reason: s.reason,
    allocationPercent: input.allocationPercent[s.mode],
    history: [...s.history],
    pendingFlips: s.pending.length,
    flipInProgress: current ? { from: current.from, to: current.to, alertId: current.alert.alertId } : null,
    bots: botStates(input.allocationPercent[s.mode]),
    lastAlertAt: s.book.lastAlertAt,
    ignoredAlerts: [...s.ignored],
  }));

  async function runFlip(f: PendingFlip): Promise<void> {
    // From the mode actually in force: an earlier queued flip may have failed and left it unchanged.
    const from = s.mode;
    if (from === f.to) return;
    const flipId = f.alert.alertId;
    const to = input.allocationPercent[f.to];
    const transitions = flipTransitions(input.allocationPercent[from], to);
    // Bots losing their capital stop before the hot path gets the new split; the others follow it.
    for (const t of transitions.filter((x) => x.state === 'inactive')) await acts.recordBotTransition({ flipId, mode: f.to, ...t });
    try {
      await hotpath.applyAllocation({ mode: f.to, allocationPercent: to, flipId });
    } catch (err) {
      // No hot path took the push within the minute: they pick the mode up by watching it.
      if (!(err instanceof Error && err.cause instanceof TimeoutFailure)) throw err;
      log.warn('no hot path took the allocation push; hot paths apply it from the mode they watch', { flipId, mode: f.to });
    }
    for (const t of transitions.filter((x) => x.state === 'active')) await acts.recordBotTransition({ flipId, mode: f.to, ...t });
    const { reason, source, firedAt } = f.alert;
    await acts.recordModeFlip({ flipId, from, to: f.to, reason, source, firedAt, allocationPercent: to });
    s.history = keepLast([...s.history, { from, to: f.to, at: firedAt, reason, alertId: flipId, source }], HISTORY_CAP);
    s.mode = f.to;
    s.changedAt = firedAt;
    s.reason = reason;
  }

  const shouldRoll = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);

  describeRun({ mode: s.mode, state: 'steady' });
  for (;;) {
    await condition(() => s.pending.length > 0 || shouldRoll());
    const next = s.pending[0];
    if (next) {
      current = next;
      describeRun({ mode: s.mode, state: `flipping to ${next.to}` });
      try {
        await runFlip(next);
        outcomes.set(next.seq, null);
      } catch (err) {
        // Only a non-retryable activity failure lands here; the mode stays as it was, loudly.
        const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        ignore(next.alert.alertId, `flip ${next.from} -> ${next.to} failed: ${why}`);
        outcomes.set(next.seq, why);
      }
      s.pending.shift();
      current = null;
      describeRun({ mode: s.mode, state: 'steady' });
      continue;
    }
    await condition(allHandlersFinished);
    if (s.pending.length === 0) await continueAsNew<typeof modeWorkflow>({ ...input, state: s });
  }
}
