import type * as http from 'node:http';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { HotpathProcess } from '../workers/hotpath';

interface ActionContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  authorised: boolean;
  tokenSet: boolean;
  client: Client;
  hotpath: HotpathProcess;
  /** Pushes fresh state to the pages after a change. */
  after: () => void;
}

const reasonBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
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
      const snap = c.hotpath.control.pause(parsed.data.reason);
      c.after();
      return answer(res, 200, { ok: true, hotpath: snap });
    }
    if (url.pathname === '/api/hotpath/resume') {
      const snap = c.hotpath.control.resume();
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
    if (url.pathname === '/api/sweep') {
      return answer(res, 409, { ok: false, error: 'sweep_not_allowed', message: 'the sweep is started with `qbot sweep` (it checks mode, month and profit); the dashboard button is not wired in this build' });
    }
    return answer(res, 404, { ok: false, error: 'not_found' });
  } catch (err) {
    return answer(res, 409, { ok: false, error: 'refused', message: (err as Error).message });
  }
}
