import * as net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../config';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { abotInboxQuery, modeQuery, takeAbotAlertsUpdate } from '../../signals/defs';
import { ClientOnDemand } from '../../signals/connection';
import { modeWorkflowInput, type WorkflowPlacement } from '../../signals/mode-start';
import { startWebhookServer, TemporalAlertSink, type RunningWebhook, type WebhookOptions } from '../../signals/webhook';
import { startDevServer } from '../helpers/temporal';
import { eventually, hotpathWorker, orchestratorWorker } from '../helpers/mode-workers';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const PASSPHRASE = 'correct-horse-battery-staple';
const config = loadConfig({ env: {} });

let env: TestWorkflowEnvironment;
let orchestrator: Worker;
let hot: Worker;
let running: Promise<void>;
let placement: WorkflowPlacement;
let receiver: RunningWebhook;
const logLines: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  }),
);
const ledger = SqliteLedger.open({ file: ':memory:' });

function options(over: Partial<WebhookOptions> = {}): WebhookOptions {
  return {
    ...config.settings.webhook,
    host: '127.0.0.1',
    port: 0,
    passphrase: PASSPHRASE,
    abotUniverse: config.coins.abotUniverse,
    sink: new TemporalAlertSink(env.client, modeWorkflowInput(config.settings), placement),
    logger,
    ...over,
  };
}

beforeAll(async () => {
  env = await startDevServer();
  const o = await orchestratorWorker(env, ledger);
  orchestrator = o.worker;
  hot = (await hotpathWorker(env)).worker;
  running = Promise.all([orchestrator.run(), hot.run()]).then(() => undefined);
  placement = { taskQueue: o.taskQueue, modeWorkflowId: `mode-webhook-${Date.now()}`, abotInboxWorkflowId: `abot-inbox-webhook-${Date.now()}` };
  receiver = await startWebhookServer(options());
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  orchestrator?.shutdown();
  hot?.shutdown();
  await running;
  await env?.teardown();
  ledger.close();
});

const nowIso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
const post = (url: string, body: string | object, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const answer = async (r: Response) => ({ status: r.status, body: (await r.json()) as { ok: boolean; error?: string; message?: string; alertId?: string; duplicate?: boolean } });
const modeHandle = () => env.client.workflow.getHandle(placement.modeWorkflowId);
const signalsReceived = async (workflowId: string) => {
  const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return h.events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0;
};

describe('TradingView receiver end to end (real HTTP, real Temporal, real workers)', () => {
  it('a good macro alert (sent as text/plain, as TradingView may) starts the missing mode workflow and flips it', async () => {
    await expect(modeHandle().describe()).rejects.toThrow(/not found/i);
    const time = nowIso();
    const r = await answer(await post(receiver.url, JSON.stringify({ passphrase: PASSPHRASE, kind: 'macro', action: 'BTC', time })));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, deliveredTo: 'mode' });
    expect(r.body.alertId).toMatch(/^tv-[0-9a-f]{32}$/);
    const view = await eventually(async () => {
      const v = await modeHandle().query(modeQuery);
      expect(v.mode).toBe('BTC');
      return v;
    });
    expect(view.history).toEqual([expect.objectContaining({ from: 'GOLD', to: 'BTC', at: time, alertId: r.body.alertId, source: 'tradingview' })]);
    expect(ledger.entries({ kind: 'mode-flip' })).toHaveLength(1);
  });

  it('a good A-bot alert lands in the durable inbox once, even when TradingView sends it twice', async () => {
    const alert = { passphrase: PASSPHRASE, kind: 'abot', action: 'buy', ticker: 'sol', time: nowIso() };
    const first = await answer(await post(receiver.url, alert));
    const second = await answer(await post(receiver.url, alert));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.alertId).toBe(first.body.alertId);
    // The replay is answered as what it is: a duplicate that changed nothing.
    expect(first.body).toMatchObject({ ok: true, duplicate: false });
    expect(second.body).toMatchObject({ ok: true, duplicate: true });
    const inbox = await env.client.workflow.getHandle(placement.abotInboxWorkflowId).query(abotInboxQuery);
    expect(inbox.pending).toEqual([{ action: 'buy', ticker: 'SOL', alertId: first.body.alertId, firedAt: alert.time, source: 'tradingview' }]);
    // The receiver answered the replay itself: the inbox never saw it (it would drop it too).
    expect(inbox.duplicatesIgnored).toBe(0);
    // The A-bot (a later workflow) takes alerts out in order; they leave the inbox.
    const inboxHandle = env.client.workflow.getHandle(placement.abotInboxWorkflowId);
    const taken = await inboxHandle.executeUpdate(takeAbotAlertsUpdate, { args: [{ max: 5 }] });
    expect(taken.map((a) => a.alertId)).toEqual([first.body.alertId]);
    expect(await inboxHandle.query(abotInboxQuery)).toMatchObject({ pending: [], received: 1, taken: 1 });
  });

  it('refuses each kind of bad input with the right 4xx, and no workflow sees it', async () => {
    const before = { mode: await signalsReceived(placement.modeWorkflowId), inbox: await signalsReceived(placement.abotInboxWorkflowId) };
    const good = { passphrase: PASSPHRASE, kind: 'macro', action: 'GOLD', time: nowIso() };
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['wrong passphrase', post(receiver.url, { ...good, passphrase: 'correct-horse-battery-stapl' }), 401, 'bad_passphrase'],
      ['missing passphrase', post(receiver.url, { kind: 'macro', action: 'GOLD', time: nowIso() }), 401, 'bad_passphrase'],
      ['malformed JSON', post(receiver.url, '{"passphrase": "x", kind: macro}'), 400, 'malformed_json'],
      ['unknown kind', post(receiver.url, { ...good, kind: 'moon' }), 422, 'invalid_alert'],
      ['macro with an A-bot action', post(receiver.url, { ...good, action: 'buy' }), 422, 'invalid_alert'],
      ['unknown ticker', post(receiver.url, { ...good, kind: 'abot', action: 'buy', ticker: 'DOGE' }), 422, 'invalid_alert'],
      ['stale alert', post(receiver.url, { ...good, time: nowIso(-config.settings.webhook.maxAlertAgeMs - 60_000) }), 422, 'stale_alert'],
      ['alert from the future', post(receiver.url, { ...good, time: nowIso(10 * 60_000) }), 422, 'alert_from_future'],
      ['too large body', post(receiver.url, { ...good, pad: 'x'.repeat(config.settings.webhook.bodyLimitBytes) }), 413, 'body_too_large'],
      ['wrong path', post(receiver.url.replace('/webhooks/tradingview', '/webhooks/other'), good), 404, 'not_found'],
    ];
    for (const [name, response, status, error] of cases) {
      const r = await answer(await response);
      expect({ name, status: r.status, error: r.body.error }).toEqual({ name, status, error });
      expect(r.body.message).toBeTruthy();
    }
    // The unknown-ticker answer names the allowed universe so the user can fix the template.
    const tick = await answer(await post(receiver.url, { ...good, kind: 'abot', action: 'buy', ticker: 'DOGE' }));
    expect(tick.body.message).toContain('abotUniverse');
    expect({ mode: await signalsReceived(placement.modeWorkflowId), inbox: await signalsReceived(placement.abotInboxWorkflowId) }).toEqual(before);
    expect((await modeHandle().query(modeQuery)).mode).toBe('BTC');
  });

  it('enforces the source allow-list (X-Forwarded-For only with trustProxy) and the per-source rate limits', async () => {
    const before = await signalsReceived(placement.modeWorkflowId);
    const good = () => ({ passphrase: PASSPHRASE, kind: 'macro', action: 'BTC', time: nowIso() });
    const strict = await startWebhookServer(options({ allowList: ['52.89.214.238'] }));
    const proxied = await startWebhookServer(options({ allowList: ['52.89.214.238'], trustProxy: true }));
    const limited = await startWebhookServer(options({ rateLimitPerMinute: 2, unauthenticatedRateLimitPerMinute: 2 }));
    try {
      expect((await answer(await post(strict.url, good()))).body.error).toBe('source_not_allowed');
      // Without trustProxy a forged header changes nothing.
      const forged = await answer(await post(strict.url, good(), { 'x-forwarded-for': '52.89.214.238' }));
      expect([forged.status, forged.body.error]).toEqual([403, 'source_not_allowed']);
      expect((await post(proxied.url, good(), { 'x-forwarded-for': '10.0.0.9' })).status).toBe(403);
      expect((await post(proxied.url, good(), { 'x-forwarded-for': '1.2.3.4, 52.89.214.238' })).status).toBe(200);

      // Junk from a shared source (TradingView sends everyone's alerts from four addresses) spends
      // only the unauthenticated budget: a real alert from the same address still goes through.
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await post(limited.url, { ...good(), passphrase: 'wrong-wrong-wrong' })).status);
      for (let i = 0; i < 3; i += 1) statuses.push((await post(limited.url, 'not json at all')).status);
      expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
      const flips = [];
      for (const action of ['GOLD', 'BTC', 'GOLD']) flips.push((await post(limited.url, { ...good(), action, id: `limited-${action}-${flips.length}` })).status);
      // Authenticated alerts have their own budget (2 a minute here).
      expect(flips).toEqual([200, 200, 429]);
    } finally {
      await Promise.all([strict.close(), proxied.close(), limited.close()]);
    }
    // The request through the trusted proxy and the two authenticated alerts reached the workflow
    // (a signal shows in the history once the workflow task running at that moment completes).
    await eventually(async () => expect(await signalsReceived(placement.modeWorkflowId)).toBe(before + 3));
  });

  it('answers 503 within TradingView\'s 3 s and logs loudly when Temporal is unreachable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const deadClient = new ClientOnDemand({ connectionOptions: { address: `127.0.0.1:${closedPort}` }, namespace: 'default' });
    const down = await startWebhookServer(options({ sink: new TemporalAlertSink(() => deadClient.get(), modeWorkflowInput(config.settings), placement) }));
    try {
      const started = Date.now();
      const r = await answer(await post(down.url, { passphrase: PASSPHRASE, kind: 'macro', action: 'GOLD', time: nowIso() }));
      const took = Date.now() - started;
      expect([r.status, r.body.error]).toEqual([503, 'temporal_unavailable']);
      expect(took).toBeLessThan(3_000);
      const loud = logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.msg.startsWith('TEMPORAL UNAVAILABLE'));
      expect(loud).toHaveLength(1);
      expect(loud[0]?.level).toBe(50);
      console.log(`503 answered in ${took} ms with Temporal down`);
    } finally {
      await down.close();
      await deadClient.close();
    }
    expect((await modeHandle().query(modeQuery)).mode).toBe('BTC');
    expect(logLines.join('')).not.toContain(PASSPHRASE);
  });
});
