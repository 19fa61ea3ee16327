import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { startDashboard, type RunningDashboard } from '../../dashboard/server';
import { ABOT_WORKFLOW_ID, GBOT_WORKFLOW_ID, MODE_WORKFLOW_ID, MONEY_WORKFLOW_ID } from '../../signals/defs';
import { RECONCILE_WORKFLOW_ID } from '../../workers/reconcile';
import { temporalServerForThisFile } from '../helpers/workflow-env';
import { waitUntil } from '../helpers/wait';
import type { HotpathReading } from '../../dashboard/hotpath-source';

const env = temporalServerForThisFile();

/**
 * The dashboard's GET /api/state when Temporal's workers do not answer queries (seen under CPU
 * load in the HTTP fuzz suite: the page stopped answering; the same when the orchestrator is
 * down). A query that no worker takes fails only after Temporal's 30 s; the dashboard made its
 * queries one after another, each of them that long. Real Temporal dev server, workflows running
 * on a task queue no worker polls.
 */
describe('GET /api/state while no worker answers queries', () => {
  let dashboard: RunningDashboard;
  let ledger: SqliteLedger;
  // The hot path source as the dashboard worker reads it; a test can hold its reads (a slow hot path).
  let held: Promise<void> | undefined;
  const reading: HotpathReading[] = [{ source: 'test', ok: false, reason: 'no hot path in this test' }];

  beforeAll(async () => {
    for (const id of [MODE_WORKFLOW_ID, ABOT_WORKFLOW_ID, GBOT_WORKFLOW_ID, MONEY_WORKFLOW_ID, RECONCILE_WORKFLOW_ID]) {
      await env.client.workflow.start('noWorkerForThis', { taskQueue: 'nobody-polls-this-queue', workflowId: id, args: [] });
    }
    ledger = SqliteLedger.open({ file: ':memory:' });
    dashboard = await startDashboard({
      host: '127.0.0.1', port: 0, token: undefined, client: env.client, ledger,
      hotpath: { read: async () => (await held, reading), pause: () => Promise.reject(new Error('not here')), resume: () => Promise.reject(new Error('not here')) },
      temporalUiUrl: undefined, namespace: 'default', tradingMode: 'paper', marketData: 'simulator',
      // No page is open: the state is built only for the requests below.
      intervalMs: 60_000, temporalReadMs: 1_000, stateWaitMs: 2_000,
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    ledger?.close();
  });

  const state = async () => {
    // Well under Temporal's own 30 s query timeout, which the old dashboard waited out per query.
    const r = await fetch(new URL('/api/state', dashboard.url), { signal: AbortSignal.timeout(20_000) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('answers within its bound, each panel whose workflow does not answer saying so', async () => {
    const first = await state();
    expect(first.status).toBe(200);
    expect(first.body.mode).toEqual({ error: expect.stringMatching(/^mode workflow not answering/) });
    expect(first.body.reconcile).toMatchObject({ state: 'not running' });
    expect(first.body.stale).toBeUndefined();
  }, 120_000);

  it('while a newer state is slow to gather, answers with the last one marked stale; fresh again after', async () => {
    let release = () => undefined as void;
    held = new Promise<void>((r) => (release = r));
    const stale = await state();
    expect(stale.status).toBe(200);
    expect(stale.body?.stale).toMatchObject({ reason: expect.stringMatching(/still being gathered/), ageMs: expect.any(Number) });
    release();
    held = undefined;
    const fresh = await waitUntil('a fresh state again', async () => {
      const r = await state();
      return r.status === 200 && r.body?.stale === undefined && r.body;
    }, 20_000, 200);
    expect(fresh.mode).toEqual({ error: expect.stringMatching(/^mode workflow not answering/) });
  }, 120_000);
});
