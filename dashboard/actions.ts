import type * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Settings } from '../config/schemas';
import { monthKey } from '../domain/sweep';
import { startSweep } from '../signals/cli/commands/sweep';
import { CliExit, EXIT } from '../signals/cli/temporal-cli';
import type { HotpathSource } from './hotpath-source';

interface ActionContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  authorised: boolean;
  tokenSet: boolean;
  client: Client;
  /** The hot path here (in-process) or through Temporal (the dashboard worker). */
  hotpath: HotpathSource;
  /** Pushes fresh state to the pages after a change. */
  after: () => void;
}

const reasonBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
const sweepBody = z.strictObject({ confirm: z.string().regex(/^[0-9a-f]{8}$/).optional() });

/**
 * The Monthly sweep button: the same start as `qbot sweep` (startSweep: the workflow judges
 * month, mode, profit and the withdrawal minimum). Wired by the process that starts the dashboard
 * (it holds the settings); without it the button answers 409 "not wired".
 */
interface SweepWiring { settings: Settings; taskQueue?: string; timeoutMs: number; now: () => number }
let sweepWiring: SweepWiring | undefined;
/** Confirmation codes handed out by a first POST: each is good once, for two minutes. */
const pendingConfirms = new Map<string, { month: string; expiresAt: number }>();
const CONFIRM_TTL_MS = 120_000;

export function wireSweepAction(o: { settings: Settings; taskQueue?: string; timeoutMs?: number; now?: () => number }): void {
  sweepWiring = { settings: o.settings, timeoutMs: o.timeoutMs ?? 30_000, now: o.now ?? Date.now, ...(o.taskQueue ? { taskQueue: o.taskQueue } : {}) };
}

/** First POST {}: a preview and a code; second POST {confirm: code}: starts the sweep and answers its verdict. */
async function sweepAction(c: ActionContext, body: unknown): Promise<void> {
  const w = sweepWiring;
  if (!w) return answer(c.res, 409, { ok: false, error: 'sweep_not_wired', message: 'the sweep is not wired in this process: use `qbot sweep`' });
  const parsed = sweepBody.safeParse(body);
  if (!parsed.success) return answer(c.res, 422, { ok: false, error: 'invalid', message: 'send {} for a preview, then {"confirm": "<code>"}' });
  const now = w.now();
  for (const [code, p] of pendingConfirms) if (p.expiresAt <= now) pendingConfirms.delete(code);
  const month = monthKey(now);
  if (!parsed.data.confirm) {
    const code = randomBytes(4).toString('hex');
    pendingConfirms.set(code, { month, expiresAt: now + CONFIRM_TTL_MS });
    const s = w.settings.sweep;
    const message = `sweep ${s.profitPercent.toFixed()} % of the realised profit since the last sweep to the cold wallet as PAXG, for ${month} (${s.allowedModes.join('/')} mode only, at most ${s.maxPerCalendarMonth} per month). Confirm within ${CONFIRM_TTL_MS / 1000} s.`;
    return answer(c.res, 200, { ok: true, confirm: { code, month, expiresAt: new Date(now + CONFIRM_TTL_MS).toISOString() }, message });
  }
  const pending = pendingConfirms.get(parsed.data.confirm);
  pendingConfirms.delete(parsed.data.confirm);
  if (!pending || pending.month !== month) return answer(c.res, 409, { ok: false, error: 'bad_confirmation', message: 'unknown, used or expired confirmation code: ask for a new preview' });
  let r: Awaited<ReturnType<typeof startSweep>>;
  try {
    r = await startSweep(c.client, w.settings, { now, timeoutMs: w.timeoutMs, ...(w.taskQueue ? { taskQueue: w.taskQueue } : {}) });
  } catch (err) {
    // Started but not finished within the wait: it goes on; the panel shows how it ends.
    if (err instanceof CliExit && err.code === EXIT.pending) r = { code: EXIT.pending, message: err.message };
    else throw err;
  }
  c.after();
  if (r.code === EXIT.ok) return answer(c.res, 200, { ok: true, sweep: r.view, message: r.message });
  if (r.code === EXIT.refused) return answer(c.res, 409, { ok: false, error: 'sweep_refused', message: r.message });
  return answer(c.res, 202, { ok: true, running: true, message: r.message });
}
const MAX_BODY = 2048;

function answer(res: http.ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text ? JSON.parse(text) : {};
}

/**
 * The dashboard's actions. Each needs DASHBOARD_TOKEN in the x-dashboard-token header and answers
 * with a typed result or a refusal with its reason; a refused action changes nothing.
 */
export async function handleAction(c: ActionContext): Promise<void> {
  const { res, url } = c;
  if (!c.tokenSet) return answer(res, 403, { ok: false, error: 'actions_disabled', message: 'DASHBOARD_TOKEN is not set: actions are disabled' });
  if (!c.authorised) return answer(res, 401, { ok: false, error: 'bad_token', message: 'this action needs the dashboard token (x-dashboard-token header)' });
  let body: unknown;
  try {
    body = await readJson(c.req);
  } catch (err) {
    return answer(res, 400, { ok: false, error: 'bad_body', message: (err as Error).message });
  }
  try {
    if (url.pathname === '/api/hotpath/pause') {
      const parsed = reasonBody.safeParse({ reason: 'paused from the dashboard', ...(body as object) });
      if (!parsed.success) return answer(res, 422, { ok: false, error: 'invalid', message: parsed.error.issues[0]?.message });
      const snap = await c.hotpath.pause(parsed.data.reason);
      c.after();
      return answer(res, 200, { ok: true, hotpath: snap });
    }
    if (url.pathname === '/api/hotpath/resume') {
      const snap = await c.hotpath.resume();
      c.after();
      return answer(res, 200, { ok: true, hotpath: snap });
    }
    const m = /^\/api\/rebalances\/([^/]+)\/(approve|reject)$/.exec(url.pathname);
    if (m) {
      const id = decodeURIComponent(m[1] as string);
      if (!id.startsWith('rebalance-')) return answer(res, 422, { ok: false, error: 'invalid', message: 'not a rebalance workflow id' });
      const handle = c.client.workflow.getHandle(id);
      if (m[2] === 'approve') {
        const view = await handle.executeUpdate('approveRebalance', { args: [{ by: 'dashboard' }] });
        c.after();
        return answer(res, 200, { ok: true, rebalance: view });
      }
      const parsed = reasonBody.safeParse(body);
      if (!parsed.success) return answer(res, 422, { ok: false, error: 'invalid', message: 'a rejection needs a reason' });
      const view = await handle.executeUpdate('rejectRebalance', { args: [{ by: 'dashboard', reason: parsed.data.reason }] });
      c.after();
      return answer(res, 200, { ok: true, rebalance: view });
    }
    if (url.pathname === '/api/sweep') return await sweepAction(c, body);
    return answer(res, 404, { ok: false, error: 'not_found' });
  } catch (err) {
    return answer(res, 409, { ok: false, error: 'refused', message: (err as Error).message });
  }
}
