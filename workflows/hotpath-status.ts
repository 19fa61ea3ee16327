import { proxyActivities } from '@temporalio/workflow';
import { HOTPATH_TASK_QUEUE, type HotpathControlActivities, type HotpathSnapshot } from '../signals/defs';
import { boundedActivities } from './activity-policy';

const { hotpathSnapshot } = proxyActivities<HotpathControlActivities>({
  taskQueue: HOTPATH_TASK_QUEUE,
  // No hot path polling the queue means no snapshot: give up fast instead of waiting for one.
  scheduleToCloseTimeout: '3 seconds',
  retry: { maximumAttempts: 1 },
});

/** One snapshot of the hot path (for `qbot status`): fails when no hot path is reachable. */
export async function hotpathStatusWorkflow(): Promise<HotpathSnapshot> {
  return hotpathSnapshot();
}

/**
 * Which hot path: its own control queue (from its status; every hot path serves one), else the
 * shared `hotpath` queue, where the task goes to one of the hot paths polling it.
 */
export type HotpathControlRequest = ({ action: 'pause'; reason: string } | { action: 'resume' }) & { taskQueue?: string };

/**
 * Pause or resume a hot path from another process (the dashboard worker): the hot path's own
 * control activity does it, so the command is authenticated by Temporal and durable (the pause is
 * written to the hot path's state before it is acknowledged).
 */
export async function hotpathControlWorkflow(req: HotpathControlRequest): Promise<HotpathSnapshot> {
  // Pause and resume are idempotent: a few quick tries, then the operator sees the failure.
  const control = proxyActivities<HotpathControlActivities>(boundedActivities({
    taskQueue: req.taskQueue ?? HOTPATH_TASK_QUEUE, startToClose: '5 seconds', scheduleToClose: '15 seconds', initialInterval: '500 milliseconds', maximumInterval: '2 seconds',
  }));
  if (req.action === 'pause') return control.pauseHotpath({ reason: req.reason });
  return control.resumeHotpath();
}
