import * as os from 'node:os';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { HOTPATH_TASK_QUEUE, MODE_WORKFLOW_ID, modeQuery } from '../signals/defs';
import type { HotpathControl } from '../hotpath/control';
import { ClientOnDemand, connectWithBackoff, connectWorker, temporalConnectSettings } from './temporal-client';
import type { TemporalConnectSettings } from '../signals/connection';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface HotpathLinkOptions {
  control: HotpathControl;
  namespace: string;
  log: Log;
  /** Where to dial (TEMPORAL_ADDRESS & co) when no connection is handed in. */
  settings?: TemporalConnectSettings;
  /** An existing connection and client (tests, the one-process demo): reused, never closed here. */
  connection?: NativeConnection;
  client?: Client;
  modeWorkflowId?: string;
  taskQueue?: string;
  /**
   * This hot path's own queue (default `<taskQueue>-<host>-<pid>`), served beside the shared one:
   * a command meant for every hot path (the dashboard's pause) is sent to each one's own queue.
   */
  controlQueue?: string;
  /** How often the mode is read again (default 2 s): the bound on how late a flip reaches this hot path. */
  watchEveryMs?: number;
  shutdownGraceTime?: '1 second' | '10 seconds';
}

export type LinkState = 'connecting' | 'running' | 'reconnecting' | 'stopped';

/**
 * The hot path's tie to Temporal, which must outlive Temporal's restarts:
 * - dials with back-off until the server answers, and again after the worker dies of a fatal
 *   error (a new connection and a new Worker each time), forever;
 * - reads the allocation from the `mode` workflow (query) as soon as it is connected, before the
 *   Q-bot may trade (the caller gates trading on `control.allocation()`), then re-reads it every
 *   `watchEveryMs`. That watch is how EVERY running hot path gets every flip: a shared task queue
 *   hands the mode workflow's push (`applyAllocation`) to only one of them.
 */
export class HotpathLink {
  private stopped = false;
  private current: LinkState = 'connecting';
  private worker: Worker | undefined;
  private ownWorker: Worker | undefined;
  private loop: Promise<void> | undefined;
  /** The flip this link last applied from a mode read (its own, not the push's: see applyFromMode). */
  private lastWatchedFlip: string | undefined;
  private wake: (() => void) | undefined;
  /** Mode reads still in flight: closing their connection under them makes gRPC's retry timer throw. */
  private readonly reads = new Set<Promise<boolean>>();

  constructor(private readonly o: HotpathLinkOptions) {}

  state(): LinkState {
    return this.current;
  }

  /** The task queue only this hot path polls (its status says it, so a dashboard can reach each one). */
  controlQueue(): string {
    return this.o.controlQueue ?? `${this.o.taskQueue ?? HOTPATH_TASK_QUEUE}-${os.hostname()}-${process.pid}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current = 'stopped';
    this.wake?.();
    for (const w of [this.worker, this.ownWorker]) if (w?.getState() === 'RUNNING') w.shutdown();
    await this.loop;
  }

  /** Reads the mode and applies its split when the mode's last flip is one this link has not applied. */
  async applyFromMode(client: Client): Promise<boolean> {
    const view = await client.workflow.getHandle(this.o.modeWorkflowId ?? MODE_WORKFLOW_ID).query(modeQuery);
    // The id of the flip that set the mode in force (the initial mode has none of its own).
    const flipId = view.history.at(-1)?.alertId ?? `initial-${view.mode}`;
    // Compared with what this watch applied, not with the control's last flip: a push of a newer
    // flip arrives before the workflow's mode changes, and must not be undone by an older read.
    if (flipId === this.lastWatchedFlip) return false;
    this.o.control.applyAllocation({ mode: view.mode, allocationPercent: view.allocationPercent, flipId });
    this.lastWatchedFlip = flipId;
    this.o.log.info({ mode: view.mode, allocationPercent: view.allocationPercent, flipId }, 'allocation applied from the mode workflow');
    return true;
  }

  private async run(): Promise<void> {
    const handedConnection = this.o.connection;
    const settings = this.o.settings ?? temporalConnectSettings();
    // The mode is read through a client dialled on demand (re-dialled after a failure).
    const clients = this.o.client ? undefined : new ClientOnDemand(settings);
    const client = (): Promise<Client> => (this.o.client ? Promise.resolve(this.o.client) : (clients as ClientOnDemand).get());
    const read = (what: string): Promise<boolean> => {
      const p = client().then((c) => this.applyFromMode(c)).catch((err: unknown) => {
        this.o.log.warn({ error: err instanceof Error ? err.message : String(err) }, what);
        return false;
      });
      this.reads.add(p);
      void p.finally(() => this.reads.delete(p));
      return p;
    };
    let pause = 500;
    while (!this.stopped) {
      let connection: NativeConnection | undefined;
      let watch: NodeJS.Timeout | undefined;
      try {
        connection = handedConnection ?? (await connectWithBackoff(() => connectWorker(settings), this.o.log, 'hot path', { stopped: () => this.stopped }));
        if (this.stopped) break;
        // First read before the worker polls; until one succeeds the caller keeps the Q-bot from trading.
        await read('mode not readable yet; the Q-bot waits for its allocation');
        this.worker = await Worker.create({
          connection, namespace: this.o.namespace, taskQueue: this.o.taskQueue ?? HOTPATH_TASK_QUEUE,
          activities: this.o.control.activities(), shutdownGraceTime: this.o.shutdownGraceTime ?? '10 seconds',
        });
        this.ownWorker = await Worker.create({
          connection, namespace: this.o.namespace, taskQueue: this.controlQueue(),
          activities: this.o.control.activities(), shutdownGraceTime: this.o.shutdownGraceTime ?? '10 seconds',
        });
        watch = setInterval(() => void read('mode watch: read failed; keeping the last allocation'), this.o.watchEveryMs ?? 2_000);
        this.current = 'running';
        pause = 500;
        // Both queues or neither: one worker failing shuts the other down, and the loop reconnects.
        const workers = [this.worker, this.ownWorker];
        const runs = await Promise.allSettled(workers.map((w) => w.run().catch((err: unknown) => {
          for (const x of workers) if (x.getState() === 'RUNNING') x.shutdown();
          throw err;
        })));
        const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      } catch (err) {
        if (!this.stopped) this.o.log.error({ error: err instanceof Error ? err.message : String(err) }, 'hot path Temporal worker failed; reconnecting');
      } finally {
        if (watch) clearInterval(watch);
        // A worker created before a failure (the second one's creation failed) must not keep polling.
        for (const w of [this.worker, this.ownWorker]) if (w?.getState() === 'RUNNING') w.shutdown();
        this.worker = undefined;
        this.ownWorker = undefined;
        if (!handedConnection) await connection?.close().catch(() => undefined);
      }
      if (this.stopped) break;
      this.current = 'reconnecting';
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, pause);
      });
      pause = Math.min(pause * 2, 30_000);
    }
    await Promise.allSettled([...this.reads]);
    await clients?.close();
    this.current = 'stopped';
  }
}
