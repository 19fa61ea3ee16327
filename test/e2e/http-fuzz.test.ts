import * as fs from 'node:fs';
import fc from 'fast-check';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { RunningSystem } from '../../workers/system';
import { ABOT_INBOX_WORKFLOW_ID, MODE_WORKFLOW_ID, modeQuery } from '../../signals/defs';
import { EXCHANGE_IDS } from '../../domain/market';
import { DEMO_PASSPHRASE, DEMO_TOKEN, eventually, startTestDemo, tempDataDir } from './demo-helpers';
import { hostPort, rawRequest, type RawAnswer } from './http-raw';

Runtime.install({ logger: new DefaultLogger('ERROR') });

/**
 * Hostile input against every HTTP entry point of the running demo (real servers, real Temporal,
 * the real simulator): random methods, paths, headers and bodies, malformed request lines and
 * URLs over raw sockets, oversized and trickled bodies. Properties: every request gets a status
 * (or, for a trickled body, the server closes the connection after its timeout), the process and
 * every server keep running, nothing changes without a valid credential, and a valid request
 * afterwards still works. Deterministic: FUZZ_SEED (default below) is printed on failure by
 * fast-check together with the shrunk counterexample; re-run with FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 15_015);
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
// A wall-clock bound per server: on a loaded machine fewer of the (same, seeded) runs are made.
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_MS ?? 20_000);
const MIN_RUNS = 10;

const dataDir = tempDataDir('http-fuzz');
let system: RunningSystem;
interface Target { name: string; host: string; port: number; healthy: string; paths: string[] }
let targets: Record<'dashboard' | 'webhook' | 'sim', Target>;
let servers: Target[];

beforeAll(async () => {
  system = await startTestDemo(dataDir);
  const d = hostPort(system.dashboard.url);
  const w = hostPort(system.webhook.url);
  targets = {
    dashboard: { name: 'dashboard', ...d, healthy: '/api/state', paths: ['/', '/app.js', '/style.css', '/api/state', '/events', '/api/hotpath/pause', '/api/hotpath/resume', '/api/rebalances/rebalance-x/approve', '/api/rebalances/%ZZ/reject', '/api/sweep', '/../../etc/passwd'] },
    webhook: { name: 'webhook receiver', ...w, healthy: '/healthz', paths: ['/webhooks/tradingview', '/webhooks/tradingview?x=1', '/healthz', '/webhooks', '/webhooks/tradingview/../tradingview'] },
    sim: {
      name: 'simulator', host: '127.0.0.1', port: system.sim?.port ?? 0, healthy: '/binance/api/v3/ping',
      paths: ['/binance/api/v3/ping', '/binance/api/v3/depth?symbol=BTCUSDT&limit=5', '/binance/api/v3/order', '/binance/sapi/v1/capital/withdraw/apply', '/kraken/0/public/Depth?pair=XBTUSD', '/kraken/0/private/AddOrder', '/kraken/0/private/Withdraw', '/coinbase/api/v3/brokerage/orders', '/coinbase/api/v3/brokerage/products', '/nowhere'],
    },
  };
  servers = [targets.dashboard, targets.webhook, targets.sim];
  const metrics = system.urls.metrics;
  if (metrics) servers.push({ name: 'metrics', ...hostPort(metrics), healthy: '/metrics', paths: ['/metrics'] });
}, 180_000);

afterAll(async () => {
  await system?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const hostHeader = (t: Target) => `${t.host}:${t.port}`;
const get = (t: Target, target: string, extra = '') =>
  rawRequest(t.host, t.port, { pieces: [`GET ${target} HTTP/1.1\r\nHost: ${hostHeader(t)}\r\n${extra}Connection: close\r\n\r\n`], untilHeaders: true });
const gotStatus = (r: RawAnswer) => r.status !== undefined && r.status >= 100 && r.status <= 599;

/** Everything that must not change without a credential: the mode workflow, the A-bot inbox, the pause flag, the simulator's accounts. */
async function protectedState(): Promise<unknown> {
  const signals = async (id: string) => {
    const h = await system.client.workflow.getHandle(id).fetchHistory();
    // Signals only: the A-bot takes alerts from its inbox by update on its own schedule.
    return h.events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0;
  };
  const mode = await system.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
  const sim = system.sim;
  return {
    mode: mode.mode, flips: mode.history.length, modeSignals: await signals(MODE_WORKFLOW_ID),
    inboxSignals: await signals(ABOT_INBOX_WORKFLOW_ID).catch(() => 'no inbox'),
    paused: system.hotpath.control.isPaused(),
    sim: sim ? EXCHANGE_IDS.map((e) => ({ e, orders: sim.control.orders(e).length, withdrawals: sim.control.withdrawals(e).length, balances: sim.control.balances(e) })) : null,
  };
}

describe('malformed request targets', () => {
  const badTargets = ['//x:99999', '//x:99999/api/state', 'http://[::1', '//', '*'];
  test.each(badTargets)('every server answers GET %s with a 4xx and keeps serving', async (target) => {
    for (const s of servers) {
      const r = await get(s, target);
      expect({ server: s.name, status: r.status !== undefined && r.status >= 400 && r.status < 500 }).toEqual({ server: s.name, status: true });
      const ok = await get(s, s.healthy);
      expect({ server: s.name, after: ok.status }).toEqual({ server: s.name, after: 200 });
    }
  }, 60_000);
});

describe('dashboard hardening (DNS rebinding, framing, sniffing)', () => {
  test('a foreign Host header is refused with 421 on every path, even with the token, and changes nothing', async () => {
    const t = targets.dashboard;
    const paused = system.hotpath.control.isPaused();
    const as = (host: string, line: string, extra = '') => rawRequest(t.host, t.port, { pieces: [`${line} HTTP/1.1\r\nHost: ${host}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`], untilHeaders: true });
    for (const line of ['GET /api/state', 'GET /events', 'GET /', 'POST /api/hotpath/pause']) {
      const r = await as('attacker.example', line, `x-dashboard-token: ${DEMO_TOKEN}\r\n`);
      expect({ line, status: r.status }).toEqual({ line, status: 421 });
    }
    expect(system.hotpath.control.isPaused()).toBe(paused);
    expect((await as(`localhost:${t.port}`, 'GET /api/state')).status).toBe(200);
  });

  test('every answer carries the Content-Security-Policy, X-Frame-Options, nosniff and no-referrer', async () => {
    for (const p of ['/', '/app.js', '/api/state', '/nowhere']) {
      const r = await get(targets.dashboard, p);
      const head = r.raw.slice(0, r.raw.indexOf('\r\n\r\n')).toLowerCase();
      expect({ p, csp: /content-security-policy: [^\r]*frame-ancestors 'none'/.test(head) && !head.includes('unsafe-inline') }).toEqual({ p, csp: true });
      expect({ p, frame: head.includes('x-frame-options: deny'), nosniff: head.includes('x-content-type-options: nosniff'), referrer: head.includes('referrer-policy: no-referrer') })
        .toEqual({ p, frame: true, nosniff: true, referrer: true });
    }
  });
});

// ---- generators -------------------------------------------------------------------------------

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/);
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE') },
  // CONNECT is a tunnel request, answered by closing unless a server handles tunnels (none of ours does).
  { weight: 1, arbitrary: token.map((t) => t.toUpperCase()).filter((m) => m !== 'CONNECT') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const junkText = fc.string({ unit: 'binary', maxLength: 60 });
const path = (t: Target) => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...t.paths) },
  { weight: 2, arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...t.paths), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`) },
  // Request targets no client would send: invalid URLs, control characters, spaces, absolute forms.
  { weight: 2, arbitrary: fc.oneof(junkText, junkText.map((s) => `/${s}`), fc.constantFrom('//x:99999', '//[', 'http://a:b@c:99999/', '/%%', '/\u0000', '/a b', '', '?', '#')) },
);
// Header names never include the simulator's credential headers or Expect (a 100 Continue is not an answer).
const headerName = fc.oneof(
  fc.constantFrom('content-type', 'accept', 'x-forwarded-for', 'x-dashboard-token', 'origin', 'cookie', 'user-agent', 'transfer-encoding', 'range', 'x-requested-with'),
  token.filter((n) => !['x-mbx-apikey', 'api-key', 'api-sign', 'authorization', 'cb-access-key', 'expect', 'host', 'content-length', 'connection'].includes(n.toLowerCase())),
);
const headerValue = fc.oneof(fc.constantFrom('application/json', 'text/plain', 'chunked', '52.89.214.238', 'bytes=0-1', 'wrong-token-123456'), fc.string({ maxLength: 40 }), junkText);
const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 });
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')) },
  // Alerts that look real but carry a wrong or missing passphrase.
  {
    weight: 3,
    arbitrary: fc.record({
      passphrase: fc.option(fc.oneof(fc.string({ maxLength: 30 }), fc.constant(`${DEMO_PASSPHRASE}x`), fc.constant(DEMO_PASSPHRASE.toUpperCase())), { nil: undefined }),
      kind: fc.constantFrom('macro', 'abot', 'moon'),
      action: fc.constantFrom('BTC', 'GOLD', 'buy', 'sell'),
      ticker: fc.constantFrom('SOL', 'DOGE', undefined),
      time: fc.constant(new Date().toISOString()),
    }).map((o) => JSON.stringify(o)),
  },
  // Dashboard action bodies.
  { weight: 1, arbitrary: fc.record({ reason: fc.string({ maxLength: 300 }) }).map((o) => JSON.stringify(o)) },
);
const hostValue = (t: Target) => fc.oneof({ weight: 5, arbitrary: fc.constant(hostHeader(t)) }, { weight: 1, arbitrary: fc.constantFrom('attacker.example', `localhost:${t.port}`, `[::1]:${t.port}`, 'evil.localhost', '') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });

/** One raw request: the request line and headers as the generator made them, a correct Content-Length. */
const request = (t: Target) => fc.record({ method, path: path(t), host: hostValue(t), headers, body }).map((r) => {
  const bytes = Buffer.from(r.body, 'latin1');
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${r.host}`, ...r.headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${bytes.length}`, 'Connection: close'];
  return { ...r, raw: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]) };
});

async function fuzz(name: 'dashboard' | 'webhook' | 'sim'): Promise<void> {
  const t = targets[name];
  const before = await protectedState();
  const statuses = new Map<number | 'none', number>();
  const started = Date.now();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(request(t), async (r) => {
      runs += 1;
      const answer = await rawRequest(t.host, t.port, { pieces: [r.raw], untilHeaders: true, waitMs: 8_000 });
      statuses.set(answer.status ?? 'none', (statuses.get(answer.status ?? 'none') ?? 0) + 1);
      // Every request gets a status line; a server error would mean a handler failed on input.
      expect({ gotStatus: gotStatus(answer), serverError: (answer.status ?? 0) >= 500 }).toEqual({ gotStatus: true, serverError: false });
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
  );
  console.log(`${t.name}: ${runs} of ${RUNS} requests (seed ${SEED}) in ${Date.now() - started} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  expect(runs).toBeGreaterThanOrEqual(MIN_RUNS);
  // Still up and still serving...
  expect((await get(t, t.healthy)).status).toBe(200);
  for (const s of servers) expect({ server: s.name, status: (await get(s, s.healthy)).status }).toEqual({ server: s.name, status: 200 });
  // ...and nothing changed without a credential.
  expect(await protectedState()).toEqual(before);
}

describe('fuzzed requests (fast-check, raw sockets)', () => {
  test('simulator', async () => {
    await fuzz('sim');
    // A valid exchange request afterwards still works.
    const depth = await get(targets.sim, '/binance/api/v3/depth?symbol=BTCUSDT&limit=5');
    expect(depth.status).toBe(200);
  }, 120_000);
  test('webhook receiver', async () => {
    await fuzz('webhook');
    // The junk above spent the unauthenticated budget of 127.0.0.1; a real alert still flips the mode.
    const { mode } = await system.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
    const to = mode === 'BTC' ? 'GOLD' : 'BTC';
    const alert = JSON.stringify({ passphrase: DEMO_PASSPHRASE, kind: 'macro', action: to, time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), id: `fuzz-after-${SEED}` });
    const r = await rawRequest(targets.webhook.host, targets.webhook.port, { pieces: [`POST /webhooks/tradingview HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(alert)}\r\nConnection: close\r\n\r\n${alert}`] });
    expect(r.status).toBe(200);
    // untilHeaders is off here: the whole answer is read.
    expect(r.raw).toContain('"duplicate":false');
    // The flip completes (nothing else may change the protected state behind the next test's back).
    await eventually(async () => expect((await system.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery)).mode).toBe(to), 60_000);
  }, 120_000);

  test('dashboard', async () => {
    await fuzz('dashboard');
    // A valid action afterwards still works (and is undone).
    const auth = `x-dashboard-token: ${DEMO_TOKEN}\r\n`;
    const pause = await rawRequest(targets.dashboard.host, targets.dashboard.port, { pieces: [`POST /api/hotpath/pause HTTP/1.1\r\nHost: ${hostHeader(targets.dashboard)}\r\n${auth}Content-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{"reason":"fuzzed"}`] });
    expect(pause.status).toBe(200);
    expect(system.hotpath.control.isPaused()).toBe(true);
    const resume = await rawRequest(targets.dashboard.host, targets.dashboard.port, { pieces: [`POST /api/hotpath/resume HTTP/1.1\r\nHost: ${hostHeader(targets.dashboard)}\r\n${auth}Content-Length: 0\r\nConnection: close\r\n\r\n`] });
    expect(resume.status).toBe(200);
    expect(system.hotpath.control.isPaused()).toBe(false);
  }, 120_000);

});

describe('oversized and trickled bodies', () => {
  test('an oversized body is refused with 413/400 (never buffered), and the server serves the next request', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const post = (t: Target, p: string, extra = '') => rawRequest(t.host, t.port, {
      pieces: [`POST ${p} HTTP/1.1\r\nHost: ${hostHeader(t)}\r\n${extra}Content-Length: ${big.length}\r\nConnection: close\r\n\r\n`, big], untilHeaders: true,
    });
    const answers = {
      webhook: (await post(targets.webhook, '/webhooks/tradingview')).status,
      dashboard: (await post(targets.dashboard, '/api/hotpath/pause', `x-dashboard-token: ${DEMO_TOKEN}\r\n`)).status,
      sim: (await post(targets.sim, '/binance/api/v3/order', 'x-mbx-apikey: fuzz\r\n')).status,
    };
    // The receiver may already have spent this source's unauthenticated budget on the fuzz runs
    // before (faster on a quiet machine): then it refuses with 429, also without reading the body.
    expect({ ...answers, webhook: answers.webhook === 429 ? 413 : answers.webhook }).toEqual({ webhook: 413, dashboard: 400, sim: 413 });
    expect(system.hotpath.control.isPaused()).toBe(false);
    for (const s of servers) expect({ server: s.name, status: (await get(s, s.healthy)).status }).toEqual({ server: s.name, status: 200 });
  }, 60_000);

  test('a body trickled a byte at a time is cut off by the server\'s timeout, and does not hold the server meanwhile', async () => {
    const before = await protectedState();
    const trickle = (t: Target, p: string, extra = '') => {
      const head = `POST ${p} HTTP/1.1\r\nHost: ${hostHeader(t)}\r\n${extra}Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{`;
      // 40 pieces 1 s apart would take 40 s: the servers' 10 s request timeout must end it first.
      return rawRequest(t.host, t.port, { pieces: [head, ...Array.from({ length: 40 }, () => ' ')], gapMs: 1_000, waitMs: 30_000 });
    };
    const slow = Promise.all([
      trickle(targets.webhook, '/webhooks/tradingview'),
      trickle(targets.dashboard, '/api/hotpath/pause', `x-dashboard-token: ${DEMO_TOKEN}\r\n`),
      trickle(targets.sim, '/binance/api/v3/order', 'x-mbx-apikey: fuzz\r\n'),
    ]);
    // While those trickle, every server answers others at once.
    for (const s of servers) expect({ server: s.name, status: (await get(s, s.healthy)).status }).toEqual({ server: s.name, status: 200 });
    const done = await slow;
    for (const [i, r] of done.entries()) {
      expect({ i, closedByServer: r.closedByServer, cutOff: r.status === undefined || r.status === 408 || r.status === 400 }).toEqual({ i, closedByServer: true, cutOff: true });
      expect(r.ms).toBeLessThan(25_000);
    }
    expect(await protectedState()).toEqual(before);
  }, 60_000);
});
