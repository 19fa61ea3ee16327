import { proxyActivities } from '@temporalio/workflow';
import { HOTPATH_TASK_QUEUE, type HotpathControlActivities, type HotpathSnapshot } from '../signals/defs';

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
