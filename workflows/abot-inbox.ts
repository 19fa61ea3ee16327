import { allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { abotAlertSignal, abotInboxQuery, takeAbotAlertsUpdate, type AbotAlert, type AbotInboxView } from '../signals/defs';
import { keepLast } from '../domain/mode';
import type { AbotInboxActivities } from '../activities/bot-signals';
import { boundedActivities, describeRun } from './activity-policy';

const SEEN_IDS_CAP = 500;
/** Alerts handed over per delivery; pauses after a failed delivery double from 5 s up to 10 minutes. */
const BATCH = 20;
const FIRST_PAUSE_MS = 5_000;
const MAX_PAUSE_MS = 10 * 60_000;

// A few quick attempts, then the workflow's own durable back-off: the alerts stay pending and
// visible (`lastDeliveryError`) instead of an activity retrying unseen for ever. Bounded like every
// proxy: a configuration or validation error, or an orchestrator without the activity, fails the
// delivery at once (the options are not part of the command's identity, so running histories replay).
const acts = proxyActivities<AbotInboxActivities>(boundedActivities({
  startToClose: '30 seconds', maximumAttempts: 5, initialInterval: '1 second', maximumInterval: '10 seconds',
}));

export interface AbotInboxState {
  pending: AbotAlert[];
  seenAlertIds: string[];
  received: number;
  taken: number;
  duplicatesIgnored: number;
  /** Deliveries to the A-bot that failed in a row, and why the last one did. */
  deliveryFailures?: number;
  lastDeliveryError?: string | null;
}

export interface AbotInboxInput {
  /** Continue as new at this history length even before the server suggests it. */
  maxHistoryEvents?: number;
  state?: AbotInboxState;
}

/**
 * The A-bot's durable inbox (id `abot-inbox`): keeps TradingView's and operators' buy/sell alerts
 * in arrival order, without duplicates, and hands them to the A-bot workflow as soon as they
 * arrive (activity `deliverAbotAlerts`: signal-with-start `abotOrder`). An alert leaves the inbox
 * only once the A-bot has it; `takeAbotAlerts` still lets an operator take them by hand.
 */
export async function abotInboxWorkflow(input: AbotInboxInput = {}): Promise<void> {
  const s: AbotInboxState = input.state ?? { pending: [], seenAlertIds: [], received: 0, taken: 0, duplicatesIgnored: 0 };

  setHandler(abotAlertSignal, (alert) => {
    if (s.seenAlertIds.includes(alert.alertId)) {
      s.duplicatesIgnored += 1;
      return;
    }
    s.seenAlertIds = keepLast([...s.seenAlertIds, alert.alertId], SEEN_IDS_CAP);
    s.pending.push(alert);
    s.received += 1;
  });

  setHandler(
    takeAbotAlertsUpdate,
    ({ max }) => {
      const taken = s.pending.splice(0, max);
      s.taken += taken.length;
      return taken;
    },
    {
      validator: ({ max }) => {
        if (!Number.isInteger(max) || max < 1) throw new Error('max must be a positive integer');
      },
    },
  );

  setHandler(abotInboxQuery, (): AbotInboxView => ({
    pending: [...s.pending],
    received: s.received,
    taken: s.taken,
    duplicatesIgnored: s.duplicatesIgnored,
    deliveryFailures: s.deliveryFailures ?? 0,
    lastDeliveryError: s.lastDeliveryError ?? null,
  }));

  /** Hands the oldest pending alerts to the A-bot; on failure they stay and the next try waits longer. */
  async function deliver(): Promise<void> {
    const batch = s.pending.slice(0, BATCH);
    try {
      const { delivered } = await acts.deliverAbotAlerts({ alerts: batch });
      const done = new Set(delivered);
      const before = s.pending.length;
      // By id: an operator's takeAbotAlerts may have removed some meanwhile.
      s.pending = s.pending.filter((a) => !done.has(a.alertId));
      s.taken += before - s.pending.length;
      s.deliveryFailures = 0;
      s.lastDeliveryError = null;
    } catch (err) {
      s.deliveryFailures = (s.deliveryFailures ?? 0) + 1;
      s.lastDeliveryError = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      log.warn('A-bot alerts not delivered yet; they stay in the inbox', { pending: s.pending.length, error: s.lastDeliveryError });
      const pause = Math.min(FIRST_PAUSE_MS * 2 ** Math.min(s.deliveryFailures - 1, 20), MAX_PAUSE_MS);
      await condition(() => shouldRoll(), pause);
    }
  }

  describeRun({ state: 'A-bot alert inbox' });
  const shouldRoll = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  for (;;) {
    const changes = s.received + s.taken;
    await condition(() => s.pending.length > 0 || shouldRoll());
    if (shouldRoll()) break;
    // Runs started before delivery existed replay without it, then deliver from their next change on.
    if (patched('abot-inbox-delivers-to-abot')) await deliver();
    else await condition(() => s.received + s.taken !== changes || shouldRoll());
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof abotInboxWorkflow>({ ...input, state: s });
}
