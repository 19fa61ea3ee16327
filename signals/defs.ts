/**
 * Temporal message definitions and task-queue names: the one place they are spelled.
 * Workflow code imports this file directly (never an index that also pulls in the webhook
 * receiver or the CLI, whose Node imports break the workflow bundle).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TradingMode, BotName } from '../domain/allocation';

export const ORCHESTRATOR_TASK_QUEUE = 'orchestrator';
export const HOTPATH_TASK_QUEUE = 'hotpath';

export const MODE_WORKFLOW_ID = 'mode';

/** A macro alert as it reaches the mode workflow (validated by the receiver first). */
export interface MacroAlert {
  mode: TradingMode;
  /** Unique alert id; TradingView can deliver the same alert twice. */
  alertId: string;
  /** When TradingView fired it, ISO-8601. */
  firedAt: string;
  source: 'tradingview' | 'operator';
  reason: string;
}

export interface SetModeRequest {
  mode: TradingMode;
  reason: string;
  /** Optional: operators may pass their own id to make a retry idempotent. */
  requestId?: string;
}

export interface SetModeResult {
  mode: TradingMode;
  changed: boolean;
  message: string;
}

export interface ModeFlip {
  from: TradingMode;
  to: TradingMode;
  at: string;
  reason: string;
  alertId: string;
  source: MacroAlert['source'];
}

export interface ModeView {
  mode: TradingMode;
  changedAt: string | null;
  reason: string;
  /** Capital split in force, percent as decimal strings. */
  allocationPercent: Record<BotName, string>;
  history: ModeFlip[];
  pendingFlips: number;
}

export const macroSignal = defineSignal<[MacroAlert]>('macro');
export const setModeUpdate = defineUpdate<SetModeResult, [SetModeRequest]>('setMode');
export const modeQuery = defineQuery<ModeView>('mode');
