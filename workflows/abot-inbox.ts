import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { abotAlertSignal, abotInboxQuery, takeAbotAlertsUpdate, type AbotAlert, type AbotInboxView } from '../signals/defs';
import { keepLast } from '../domain/mode';
import { describeRun } from './activity-policy';

const SEEN_IDS_CAP = 500;

export interface AbotInboxState {
  pending: AbotAlert[];
  seenAlertIds: string[];
  received: number;
  taken: number;
  duplicatesIgnored: number;
}

export interface AbotInboxInput {
  /** Continue as new at this history length even before the server suggests it. */
  maxHistoryEvents?: number;
  state?: AbotInboxState;
}

/**
 * The A-bot's durable inbox (id `abot-inbox`): keeps TradingView's buy/sell alerts in arrival
 * order, without duplicates, until the A-bot workflow takes them with `takeAbotAlerts`.
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
  }));

  describeRun({ state: 'A-bot alert inbox' });
  const shouldRoll = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  await condition(shouldRoll);
  await condition(allHandlersFinished);
  await continueAsNew<typeof abotInboxWorkflow>({ ...input, state: s });
}
