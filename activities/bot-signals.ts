import type { Client } from '@temporalio/client';
import type { Coins, Settings } from '../config/schemas';
import type { BotName, TradingMode } from '../domain/allocation';
import {
  ABOT_WORKFLOW_ID, abotOrderSignal, botActivateSignal, botDeactivateSignal, GBOT_WORKFLOW_ID, ORCHESTRATOR_TASK_QUEUE,
  type AbotAlert, type AbotOrderRequest, type BotActivation,
} from '../signals/defs';
import type { AbotInput } from '../workflows/abot';
import type { GbotInput } from '../workflows/gbot';

/** The A-bot's and G-bot's workflow inputs from config. */
export function botWorkflowInputs(settings: Settings, coins: Coins): { abot: AbotInput; gbot: GbotInput } {
  const a = settings.abot;
  return {
    abot: {
      slots: a.slots, universe: [...coins.abotUniverse], keepSignalPositionsOnGold: a.keepSignalPositionsOnGold, noFillRetries: a.noFillRetries,
      rules: { buyWhenEmptyMoreThan: a.seatWarmers.buyWhenEmptyMoreThan, sellWhenEmptyFewerThan: a.seatWarmers.sellWhenEmptyFewerThan },
    },
    gbot: { sellPercentOnFlip: settings.gbot.sellPercentOnFlip.toFixed(), minBuyUsd: settings.qbot.minTradeUsd.toFixed() },
  };
}

export interface BotTransition {
  flipId: string;
  mode: TradingMode;
  bot: BotName;
  state: 'active' | 'inactive';
  percent: string;
}

/**
 * Hands a mode flip's transition to the bot's workflow (signal-with-start, so a bot that is not
 * running yet starts with it). The mode's `recordBotTransition` activity calls this for the
 * A-bot and G-bot; the Q-bot is the hot path and gets its split from `applyAllocation`.
 * Each bot ignores a flip id it has seen, so a retried activity changes nothing.
 */
export async function signalBotTransition(
  client: Client,
  t: BotTransition,
  inputs: { abot: AbotInput; gbot: GbotInput },
  opts: { taskQueue?: string; workflowIds?: { abot: string; gbot: string } } = {},
): Promise<boolean> {
  if (t.bot === 'qbot') return false;
  const signal = t.state === 'active' ? botActivateSignal : botDeactivateSignal;
  const arg: BotActivation = { flipId: t.flipId, mode: t.mode, percent: t.percent };
  const taskQueue = opts.taskQueue ?? ORCHESTRATOR_TASK_QUEUE;
  if (t.bot === 'abot') {
    await client.workflow.signalWithStart('abotWorkflow', { workflowId: opts.workflowIds?.abot ?? ABOT_WORKFLOW_ID, taskQueue, args: [inputs.abot], signal, signalArgs: [arg] });
  } else {
    await client.workflow.signalWithStart('gbotWorkflow', { workflowId: opts.workflowIds?.gbot ?? GBOT_WORKFLOW_ID, taskQueue, args: [inputs.gbot], signal, signalArgs: [arg] });
  }
  return true;
}

/** Where the A-bot inbox hands its alerts: the A-bot workflow's id, task queue and start input. */
export interface AbotInboxDelivery {
  client: Client;
  abotInput: AbotInput;
  taskQueue?: string;
  abotWorkflowId?: string;
}

/**
 * The inbox's one activity: hands alerts to the A-bot workflow as `abotOrder` signals, with start,
 * so an A-bot that is not running yet starts (inactive, it refuses a buy with its reason rather
 * than the alert waiting for months). The A-bot ignores a request id it has seen, so a retried
 * delivery is harmless: delivery is at least once, the order exactly once.
 */
export function createAbotInboxActivities(o: AbotInboxDelivery) {
  return {
    async deliverAbotAlerts(input: { alerts: AbotAlert[] }): Promise<{ delivered: string[] }> {
      const delivered: string[] = [];
      for (const a of input.alerts) {
        const order: AbotOrderRequest = { action: a.action, coin: a.ticker, requestId: a.alertId, source: a.source };
        await o.client.workflow.signalWithStart('abotWorkflow', {
          workflowId: o.abotWorkflowId ?? ABOT_WORKFLOW_ID, taskQueue: o.taskQueue ?? ORCHESTRATOR_TASK_QUEUE, args: [o.abotInput], signal: abotOrderSignal, signalArgs: [order],
        });
        delivered.push(a.alertId);
      }
      return { delivered };
    },
  };
}

export type AbotInboxActivities = ReturnType<typeof createAbotInboxActivities>;
