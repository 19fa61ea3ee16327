import { eventuallyWithin } from './wait';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createModeActivities, type ModeActivities } from '../../activities/mode';
import { HotpathControl } from '../../hotpath/control';
import { HOTPATH_TASK_QUEUE } from '../../signals/defs';
import type { Ledger } from '../../ports/ledger';
import { systemClock } from '../../ports/clock';
import { uniqueTaskQueue, workflowBundle } from './temporal';

export const ALLOCATION_PERCENT = {
  BTC: { qbot: '85', abot: '15', gbot: '0' },
  GOLD: { qbot: '15', abot: '0', gbot: '85' },
};

/** A real orchestrator worker (workflows + mode activities over a real ledger) on its own queue. */
export async function orchestratorWorker(
  env: TestWorkflowEnvironment,
  ledger: Ledger,
  opts: { taskQueue?: string; wrap?: (a: ModeActivities) => Partial<ModeActivities>; shutdownGraceTime?: string } = {},
): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = opts.taskQueue ?? uniqueTaskQueue('orchestrator');
  const activities = createModeActivities({ ledger, clock: systemClock });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: { ...activities, ...(opts.wrap ? opts.wrap(activities) : {}) },
    shutdownGraceTime: (opts.shutdownGraceTime ?? '1 second') as '1 second',
  });
  return { worker, taskQueue };
}

/** A real hot path control surface served by an activities-only worker on the `hotpath` queue. */
export async function hotpathWorker(env: TestWorkflowEnvironment): Promise<{ worker: Worker; control: HotpathControl }> {
  const control = new HotpathControl(systemClock);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: HOTPATH_TASK_QUEUE,
    activities: control.activities(),
    shutdownGraceTime: '1 second',
  });
  return { worker, control };
}

/**
 * Polls until `check` stops throwing; `timeoutMs` is a quiet-machine figure scaled by
 * TEST_TIME_SCALE, and the last assertion error is rethrown with the wait named.
 */
export function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, everyMs = 50, what = 'the expectation below to hold'): Promise<T> {
  return eventuallyWithin(what, check, timeoutMs, everyMs);
}
