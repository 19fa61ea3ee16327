import type { MacroAlert, ModeFlip, ModeView } from '../signals/defs';
import type { BotName, TradingMode } from '../domain/allocation';
import type { AlertBook } from '../domain/mode';

// Bounds on what continue-as-new carries: the history operators read, the ids that catch
// TradingView's duplicate deliveries (they arrive within seconds), the recent refusals.
export const HISTORY_CAP = 50;
export const SEEN_IDS_CAP = 500;
export const IGNORED_CAP = 20;

export interface PendingFlip { seq: number; from: TradingMode; to: TradingMode; alert: MacroAlert }

/** Everything the workflow carries across continue-as-new. */
export interface ModeState {
  mode: TradingMode;
  changedAt: string | null;
  reason: string;
  history: ModeFlip[];
  book: AlertBook;
  ignored: NonNullable<ModeView['ignoredAlerts']>;
  pending: PendingFlip[];
}

export interface ModeWorkflowInput {
  initialMode: TradingMode;
  /** Percent per bot per mode, decimal strings (from config/settings.json). */
  allocationPercent: Record<TradingMode, Record<BotName, string>>;
  /** Continue as new at this history length even before the server suggests it (tests, tuning). */
  maxHistoryEvents?: number;
  state?: ModeState;
}

export function initialModeState(input: ModeWorkflowInput): ModeState {
  return {
    mode: input.initialMode, changedAt: null, reason: 'initial mode from config',
    history: [], book: { seenAlertIds: [], lastAlertAt: null }, ignored: [], pending: [],
  };
}
