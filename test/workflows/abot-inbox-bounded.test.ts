import { ApplicationFailure } from '@temporalio/common';
import { abotInboxWorkflow } from '../../workflows/abot-inbox';
import { abotAlertSignal, abotInboxQuery, type AbotAlert } from '../../signals/defs';
import { eventually } from '../helpers/mode-workers';
import { botWorker } from '../helpers/bot-venues';
import { temporalServerForThisFile } from '../helpers/workflow-env';

const env = temporalServerForThisFile();

test('a delivery that fails with a configuration error is not retried: the inbox records it after one attempt and keeps the alert', async () => {
  let calls = 0;
  // An orchestrator whose A-bot is not wired: retrying cannot cure it (a retryable failure of a non-retryable type).
  const deliverAbotAlerts = async (): Promise<{ delivered: string[] }> => {
    calls += 1;
    throw ApplicationFailure.create({ type: 'ConfigError', message: 'the A-bot is not wired on this orchestrator', nonRetryable: false });
  };
  const { worker, taskQueue } = await botWorker(env, { deliverAbotAlerts });
  await worker.runUntil(async () => {
    const inbox = await env.client.workflow.start(abotInboxWorkflow, { taskQueue, workflowId: `abot-inbox-bounded-${Date.now()}`, args: [{}] });
    const alert: AbotAlert = { action: 'buy', ticker: 'SOL', alertId: `bounded-${Date.now()}`, firedAt: new Date().toISOString(), source: 'operator' };
    await inbox.signal(abotAlertSignal, alert);
    const v = await eventually(async () => {
      const x = await inbox.query(abotInboxQuery);
      if ((x.deliveryFailures ?? 0) < 1) throw new Error(`no failed delivery recorded yet (${calls} attempts so far)`);
      return x;
    }, 30_000, 100, 'the inbox to record the failed delivery');
    expect(v.lastDeliveryError).toMatch(/not wired/);
    expect(v.pending.map((a) => a.alertId)).toEqual([alert.alertId]);
    // The proxy's retry policy lists ConfigError as non-retryable: one attempt, not five.
    expect(calls).toBe(1);
    await inbox.terminate('test done');
  });
}, 90_000);
