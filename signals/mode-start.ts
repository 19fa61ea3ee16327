import type { Settings } from '../config/schemas';
import type { BotName, TradingMode } from '../domain/allocation';
import type { ModeWorkflowInput } from '../workflows/mode';
import type { AbotInboxInput } from '../workflows/abot-inbox';
import { ABOT_INBOX_WORKFLOW_ID, MODE_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE } from './defs';

/** The mode workflow's start input from config (used when a signal or update has to start it). */
export function modeWorkflowInput(settings: Settings): ModeWorkflowInput {
  const table = settings.modes.allocationPercent;
  const asStrings = (m: TradingMode): Record<BotName, string> => ({
    qbot: table[m].qbot.toFixed(),
    abot: table[m].abot.toFixed(),
    gbot: table[m].gbot.toFixed(),
  });
  return { initialMode: settings.modes.initialMode, allocationPercent: { BTC: asStrings('BTC'), GOLD: asStrings('GOLD') } };
}

/** Where the entity workflows live; overridable so tests run on their own task queue. */
export interface WorkflowPlacement {
  taskQueue: string;
  modeWorkflowId: string;
  abotInboxWorkflowId: string;
}

export const DEFAULT_PLACEMENT: WorkflowPlacement = {
  taskQueue: ORCHESTRATOR_TASK_QUEUE,
  modeWorkflowId: MODE_WORKFLOW_ID,
  abotInboxWorkflowId: ABOT_INBOX_WORKFLOW_ID,
};

export const ABOT_INBOX_INPUT: AbotInboxInput = {};
