import { patched, upsertMemo, workflowInfo, type ActivityOptions } from '@temporalio/workflow';

type Duration = NonNullable<ActivityOptions['startToCloseTimeout']>;
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/failure-types';

/**
 * Activity options every workflow builds on. Each proxy is bounded (a schedule-to-close timeout
 * or a number of attempts) and never retries a failure retrying cannot cure (configuration,
 * validation, an activity not registered on the worker): a mis-deployment fails the run loudly
 * instead of spinning "Activity function X is not registered" forever.
 */
export function boundedActivities(o: {
  startToClose: ActivityOptions['startToCloseTimeout'];
  /** Give up after this long, however many attempts that took (long-lived workflows). */
  scheduleToClose?: ActivityOptions['scheduleToCloseTimeout'];
  /** …or after this many attempts (one-shot workflows). */
  maximumAttempts?: number;
  initialInterval?: Duration;
  maximumInterval?: Duration;
  backoffCoefficient?: number;
  heartbeatTimeout?: ActivityOptions['heartbeatTimeout'];
  taskQueue?: string;
}): ActivityOptions {
  if (o.scheduleToClose === undefined && o.maximumAttempts === undefined) throw new Error('an activity policy needs scheduleToClose or maximumAttempts');
  return {
    startToCloseTimeout: o.startToClose,
    ...(o.scheduleToClose !== undefined ? { scheduleToCloseTimeout: o.scheduleToClose } : {}),
    ...(o.heartbeatTimeout !== undefined ? { heartbeatTimeout: o.heartbeatTimeout } : {}),
    ...(o.taskQueue !== undefined ? { taskQueue: o.taskQueue } : {}),
    retry: {
      initialInterval: o.initialInterval ?? '1 second',
      maximumInterval: o.maximumInterval ?? '1 minute',
      ...(o.backoffCoefficient !== undefined ? { backoffCoefficient: o.backoffCoefficient } : {}),
      ...(o.maximumAttempts !== undefined ? { maximumAttempts: o.maximumAttempts } : {}),
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    },
  };
}

/** Memo keys the Temporal UI's list shows for each run (no server-side registration needed). */
export interface RunMemo {
  mode?: string;
  asset?: string;
  amount?: string;
  state?: string;
}

/**
 * Says what this run is in its memo. Behind a patch: histories recorded before memos existed
 * replay without the extra command.
 */
export function describeRun(memo: RunMemo): void {
  if (!patched('run-memo')) return;
  const clean = Object.fromEntries(Object.entries(memo).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const current = workflowInfo().memo ?? {};
  // Each upsert is a command in the history: only when something changed.
  if (Object.entries(clean).every(([k, v]) => current[k] === v)) return;
  upsertMemo(clean);
}
