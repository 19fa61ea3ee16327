import type { Client } from '@temporalio/client';
import { abotAlertSignal, macroSignal, type AbotAlert, type MacroAlert } from '../defs';
import type { modeWorkflow, ModeWorkflowInput } from '../../workflows/mode';
import type { abotInboxWorkflow } from '../../workflows/abot-inbox';
import { ABOT_INBOX_INPUT, DEFAULT_PLACEMENT, type WorkflowPlacement } from '../mode-start';

/** Where accepted alerts go. Resolves only once the alert is durably in Temporal. */
export interface AlertSink {
  deliverMacro(alert: MacroAlert): Promise<void>;
  deliverAbot(alert: AbotAlert): Promise<void>;
}

export class DeliveryTimeoutError extends Error {
  constructor(ms: number) {
    super(`Temporal did not accept the signal within ${ms} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}

/**
 * Delivers with signal-with-start, so a workflow that is not running (first boot, or closed) is
 * started with its config input and still gets the alert. Each call has a hard deadline: TradingView
 * gives up after 3 s, and an answer it never sees is worse than a clear 503.
 */
export class TemporalAlertSink implements AlertSink {
  private readonly clientOf: () => Promise<Client>;

  constructor(
    client: Client | (() => Promise<Client>),
    private readonly modeInput: ModeWorkflowInput,
    private readonly placement: WorkflowPlacement = DEFAULT_PLACEMENT,
    private readonly deadlineMs = 2_500,
  ) {
    this.clientOf = typeof client === 'function' ? client : () => Promise.resolve(client);
  }

  deliverMacro(alert: MacroAlert): Promise<void> {
    return this.withDeadline((client) =>
      client.workflow.signalWithStart<typeof modeWorkflow, [MacroAlert]>('modeWorkflow', {
        workflowId: this.placement.modeWorkflowId,
        taskQueue: this.placement.taskQueue,
        args: [this.modeInput],
        signal: macroSignal,
        signalArgs: [alert],
      }),
    );
  }

  deliverAbot(alert: AbotAlert): Promise<void> {
    return this.withDeadline((client) =>
      client.workflow.signalWithStart<typeof abotInboxWorkflow, [AbotAlert]>('abotInboxWorkflow', {
        workflowId: this.placement.abotInboxWorkflowId,
        taskQueue: this.placement.taskQueue,
        args: [ABOT_INBOX_INPUT],
        signal: abotAlertSignal,
        signalArgs: [alert],
      }),
    );
  }

  private async withDeadline(call: (client: Client) => Promise<unknown>): Promise<void> {
    const ms = this.deadlineMs;
    const until = Date.now() + ms;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // One budget for dialling and calling; the abort stops the client's own retry loop so nothing
    // keeps running after we answered.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new DeliveryTimeoutError(ms));
      }, ms);
    });
    const attempt = async () => {
      const client = await this.clientOf();
      const conn = client.connection;
      await conn.withAbortSignal(abort.signal, () => conn.withDeadline(until, () => call(client)));
    };
    try {
      await Promise.race([attempt(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
