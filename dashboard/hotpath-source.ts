import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ORCHESTRATOR_TASK_QUEUE, type HotpathSnapshot } from '../signals/defs';
import { parseHotpathStatus, type HotpathStatus, type HotpathStatusWire } from '../hotpath/status-schema';
import type { HotpathControl } from '../hotpath/control';
import type { hotpathControlWorkflow, HotpathControlRequest } from '../workflows/hotpath-status';

/** One hot path as the dashboard last saw it: its status, or why there is none. */
export type HotpathReading =
  | { source: string; ok: true; status: HotpathStatus }
  | { source: string; ok: false; reason: string };

/**
 * Where the dashboard gets the hot path from. In one process (npm run demo, startSystem) that is the
 * hot path object itself; as its own process (`qbot worker dashboard`) it reads each hot path's
 * GET /status and sends pause/resume through Temporal. Both give the same parsed status.
 */
export interface HotpathSource {
  read(): Promise<HotpathReading[]>;
  pause(reason: string): Promise<HotpathSnapshot>;
  resume(): Promise<HotpathSnapshot>;
}

/** The hot path in this process: its status parsed through the same schema as over HTTP. */
export function inProcessHotpath(h: { status(): HotpathStatusWire; control: Pick<HotpathControl, 'pause' | 'resume'> }): HotpathSource {
  return {
    read: async () => {
      // Through JSON like the HTTP answer: a value only this path could carry would show up here.
      const parsed = parseHotpathStatus(JSON.parse(JSON.stringify(h.status())) as unknown);
      return [parsed.ok ? { source: 'this process', ok: true, status: parsed.status } : { source: 'this process', ok: false, reason: parsed.reason }];
    },
    pause: async (reason) => h.control.pause(reason),
    resume: async () => h.control.resume(),
  };
}

export interface HttpHotpathOptions {
  /** Each hot path's status URL (http://host:port/status). */
  urls: readonly string[];
  /** DASHBOARD_TOKEN, sent as x-dashboard-token (the hot path asks for it when it has one). */
  token: string | undefined;
  /** The Temporal client the pause/resume workflows start from. */
  client: () => Promise<Client>;
  timeoutMs?: number;
  /** Where hotpathControlWorkflow runs (the orchestrator's queue). */
  taskQueue?: string;
}

/** Why a fetch failed, in a few words (the cause's code when Node gives one: ECONNREFUSED). */
function fetchFailure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

async function readOne(url: string, token: string | undefined, timeoutMs: number): Promise<HotpathReading> {
  try {
    const r = await fetch(url, { headers: token ? { 'x-dashboard-token': token } : {}, signal: AbortSignal.timeout(timeoutMs) });
    const body = await r.text();
    if (r.status !== 200) return { source: url, ok: false, reason: `answered ${r.status}${r.status === 401 ? ' (DASHBOARD_TOKEN differs from the hot path\'s)' : ''}` };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { source: url, ok: false, reason: 'answered something that is not JSON' };
    }
    const parsed = parseHotpathStatus(json);
    return parsed.ok ? { source: url, ok: true, status: parsed.status } : { source: url, ok: false, reason: parsed.reason };
  } catch (err) {
    return { source: url, ok: false, reason: `unreachable (${fetchFailure(err)})` };
  }
}

/**
 * Hot paths in other processes: each status URL is read in parallel; one that does not answer is a
 * reading with its reason (shown as down), never an error. Pause and resume go through Temporal:
 * a short workflow on the orchestrator runs the hot path's own `pauseHotpath`/`resumeHotpath`
 * activity (the hot path's worker on task queue `hotpath`), never an HTTP call to the hot path.
 */
export function httpHotpaths(o: HttpHotpathOptions): HotpathSource {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const read = () => Promise.all(o.urls.map((url) => readOne(url, o.token, timeoutMs)));
  const command = async (req: HotpathControlRequest): Promise<HotpathSnapshot> => {
    const client = await o.client();
    // Every hot path that answers, each on its own queue; none answering: the shared queue.
    const queues = (await read()).flatMap((r) => (r.ok && r.status.controlQueue ? [r.status.controlQueue] : []));
    const send = (taskQueue?: string) => client.workflow.execute<typeof hotpathControlWorkflow>('hotpathControlWorkflow', {
      workflowId: `hotpath-${req.action}-${randomUUID()}`,
      taskQueue: o.taskQueue ?? ORCHESTRATOR_TASK_QUEUE,
      args: [taskQueue ? { ...req, taskQueue } : req],
      workflowExecutionTimeout: '20 seconds',
    });
    const snapshots = await Promise.all(queues.length ? queues.map(send) : [send()]);
    return snapshots[0] as HotpathSnapshot;
  };
  return {
    read,
    pause: (reason) => command({ action: 'pause', reason }),
    resume: () => command({ action: 'resume' }),
  };
}
