/**
 * What an operator's tool does to a hot path through Temporal (the dashboard's Pause, `qbot status`):
 * the hot path's control activities on the `hotpath` task queue, driven by a tiny workflow the
 * crash trials run on their own task queue. Only the trials use it; the activities are the hot
 * path's real ones.
 */
import { proxyActivities } from '@temporalio/workflow';
import { HOTPATH_TASK_QUEUE, type HotpathControlActivities, type HotpathSnapshot } from '../../../signals/defs';

const control = proxyActivities<HotpathControlActivities>({
  taskQueue: HOTPATH_TASK_QUEUE,
  scheduleToCloseTimeout: '60 seconds',
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

export async function chaosPauseHotpath(reason: string): Promise<HotpathSnapshot> {
  return control.pauseHotpath({ reason });
}

export async function chaosHotpathSnapshot(): Promise<HotpathSnapshot> {
  return control.hotpathSnapshot();
}
