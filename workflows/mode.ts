import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  macroSignal,
  modeQuery,
  setModeUpdate,
  type MacroAlert,
  type ModeFlip,
  type ModeView,
  type SetModeRequest,
} from '../signals/defs';
import type { BotName, TradingMode } from '../domain/allocation';

export interface ModeWorkflowInput {
  initialMode: TradingMode;
  /** Percent per bot per mode, decimal strings (from config/settings.json). */
  allocationPercent: Record<TradingMode, Record<BotName, string>>;
}

/**
 * The BTC/GOLD mode lifecycle. Holds the mode, answers `mode`, takes TradingView's `macro`
 * signal and the operators' validated `setMode` update.
 */
export async function modeWorkflow(input: ModeWorkflowInput): Promise<void> {
  let mode: TradingMode = input.initialMode;
  let changedAt: string | null = null;
  let reason = 'initial mode from config';
  const history: ModeFlip[] = [];
  const seenAlertIds = new Set<string>();

  const apply = (to: TradingMode, alert: Pick<MacroAlert, 'alertId' | 'firedAt' | 'reason' | 'source'>) => {
    if (to === mode) return false;
    history.push({ from: mode, to, at: alert.firedAt, reason: alert.reason, alertId: alert.alertId, source: alert.source });
    mode = to;
    changedAt = alert.firedAt;
    reason = alert.reason;
    return true;
  };

  setHandler(macroSignal, (alert) => {
    if (seenAlertIds.has(alert.alertId)) return;
    seenAlertIds.add(alert.alertId);
    apply(alert.mode, alert);
  });

  setHandler(
    setModeUpdate,
    (req: SetModeRequest) => {
      const changed = apply(req.mode, {
        alertId: req.requestId ?? `operator-${workflowInfo().historyLength}`,
        firedAt: new Date().toISOString(),
        reason: req.reason,
        source: 'operator',
      });
      return { mode, changed, message: changed ? `mode is now ${mode}` : `already in ${mode} mode` };
    },
    {
      validator: (req: SetModeRequest) => {
        if (req.mode !== 'BTC' && req.mode !== 'GOLD') throw new Error(`unknown mode "${String(req.mode)}": use BTC or GOLD`);
        if (!req.reason || req.reason.trim() === '') throw new Error('a reason is required');
      },
    },
  );

  setHandler(modeQuery, (): ModeView => ({
    mode,
    changedAt,
    reason,
    allocationPercent: input.allocationPercent[mode],
    history: [...history],
    pendingFlips: 0,
  }));

  await condition(() => false);
}
