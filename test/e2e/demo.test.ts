import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Connection } from '@temporalio/client';
import { MODE_WORKFLOW_ID } from '../../signals/defs';
import { ROOT } from '../helpers/processes';
import { scaled, waitUntil } from '../helpers/wait';
import { tempDataDir, portClosed, processGone, hostPortOf, DEMO_PASSPHRASE, DEMO_TOKEN } from './demo-helpers';

// `npm run demo` end to end: the supervisor and every part as separate OS processes (Temporal dev
// server through its shim, simulator, orchestrator, hot path, receiver, dashboard), on free ports
// in a temporary data folder.
const dataDir = tempDataDir('demo');
const running: ChildProcess[] = [];

afterAll(() => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Demo {
  child: ChildProcess;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function demoEnv(dir: string, over: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env, QBOT_DATA_DIR: dir, TEMPORAL_ADDRESS: '127.0.0.1:0', TEMPORAL_UI_PORT: '0', SIM_PORT: '0', WEBHOOK_PORT: '0', DASHBOARD_PORT: '0',
    QBOT_METRICS_PORT: '0', ORCHESTRATOR_HEALTH_PORT: '0', DASHBOARD_HEALTH_PORT: '0', LOG_LEVEL: 'warn', DASHBOARD_TOKEN: DEMO_TOKEN,
    WEBHOOK_PASSPHRASE: DEMO_PASSPHRASE, SIM_SEED: '7', ...over,
  };
}

/** `npm run demo` as a user types it (`via: 'npm'`), or the node command it runs. */
function startDemo(dir: string, o: { via: 'npm' | 'node'; env?: Record<string, string>; args?: string[] }): Demo {
  const env = demoEnv(dir, o.env ?? {});
  const child = o.via === 'npm'
    ? spawn('npm', ['run', '--silent', 'demo', '--', ...(o.args ?? [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), 'workers/dev.ts', ...(o.args ?? [])], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exit };
}

/** Every pid the supervisor announced (its parts, restarted ones, and the Temporal binary behind its shim). */
const pidsOf = (out: string): number[] => [...out.matchAll(/· [^:\n]+: (?:pid|its helper process, pid) (\d+)/g)].map((m) => Number(m[1]));
const urlOf = (out: string, name: string): string => {
  const m = new RegExp(`^  ${name}\\s+(\\S+)$`, 'm').exec(out);
  if (!m) throw new Error(`no ${name} URL in the demo's output:\n${out}`);
  return m[1] as string;
};

async function status(url: string, init?: RequestInit): Promise<number> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  await r.arrayBuffer();
  return r.status;
}

async function modeRun(address: string): Promise<{ runId: string; status: string }> {
  const conn = await Connection.connect({ address });
  try {
    const d = await conn.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: MODE_WORKFLOW_ID } });
    return { runId: d.workflowExecutionInfo?.execution?.runId ?? '', status: String(d.workflowExecutionInfo?.status) };
  } finally {
    await conn.close();
  }
}

let firstModeRun = '';

test('npm run demo: every part is its own process and answers; a killed part is named and restarted; SIGTERM to npm stops all in reverse order, exit 0, nothing left', async () => {
  const demo = startDemo(dataDir, { via: 'npm' });
  await waitUntil('the demo to be running', () => demo.output().includes('the demo is running') || demo.child.exitCode !== null, 200_000, 250);
  const out = demo.output();
  if (demo.child.exitCode !== null) throw new Error(`the demo exited with ${demo.child.exitCode}:\n${out.slice(-4000)}`);
  const ready = [...out.matchAll(/✔ ([^:\n]+): .* · pid \d+/g)].map((m) => m[1]);
  const withDashboard = ready.includes('dashboard');
  // Temporal and the simulator start side by side, then the four workers (each dials with back-off).
  const parts = ['Temporal dev server', 'simulator', 'orchestrator', 'hot path', 'receiver', ...(withDashboard ? ['dashboard'] : [])];
  expect([...ready].sort()).toEqual([...parts].sort());
  expect(ready.slice(0, 2).sort()).toEqual(['Temporal dev server', 'simulator']);
  // Every child's output carries its name.
  expect(out).toMatch(/^simulator\s+│ simulator listening on 127\.0\.0\.1:\d+ \(model seed 7\)/m);

  // Each part answers on its own port.
  const temporal = urlOf(out, 'Temporal gRPC');
  const mode = await waitUntil('the mode workflow to run', async () => ((await modeRun(temporal)).status === '1' ? modeRun(temporal) : undefined), 60_000, 500);
  firstModeRun = mode.runId;
  expect(await status(`${urlOf(out, 'simulator')}/binance/api/v3/ping`)).toBe(200);
  expect(await status(urlOf(out, 'orchestrator health'))).toBe(200);
  expect(await status(urlOf(out, 'metrics'))).toBe(200);
  const webhook = urlOf(out, 'webhook');
  const wrong = JSON.stringify({ passphrase: `${DEMO_PASSPHRASE}-wrong`, kind: 'macro', action: 'BTC', time: new Date().toISOString() });
  expect(await status(webhook, { method: 'POST', body: wrong, headers: { 'content-type': 'application/json' } })).toBe(401);
  if (withDashboard) expect(await status(`${urlOf(out, 'dashboard')}api/state`)).toBe(200);
  expect(fs.existsSync(`${dataDir}/simulator-accounts.json`)).toBe(true);

  // A part killed from outside is named and comes back on its port.
  const receiverPid = Number(/· receiver: pid (\d+)/.exec(out)?.[1]);
  process.kill(receiverPid, 'SIGKILL');
  await waitUntil('the receiver named and restarted', () => /✔ receiver restarted: .* · pid \d+/.test(demo.output()), 90_000, 250);
  expect(demo.output()).toMatch(/✘ receiver exited \(signal SIGKILL\); restarting in 1\.0 s/);
  expect(await status(webhook, { method: 'POST', body: wrong, headers: { 'content-type': 'application/json' } })).toBe(401);

  const addresses = ['Temporal gRPC', 'simulator', 'orchestrator health', 'metrics', 'webhook', 'Temporal UI', ...(withDashboard ? ['dashboard'] : [])]
    .map((k) => urlOf(out, k)).map((u) => (u.includes('://') ? hostPortOf(u) : u));
  demo.child.kill('SIGTERM');
  const { code } = await demo.exit;
  const all = demo.output();
  expect([code, all.slice(-2000)]).toEqual([0, expect.stringContaining('stopped cleanly')]);
  const stopped = [...all.matchAll(/■ stopping ([^(\n]+) \(pid/g)].map((m) => m[1]);
  expect(stopped).toEqual([...parts].reverse());
  const pids = pidsOf(all);
  expect(pids.length).toBeGreaterThanOrEqual(parts.length + 2);
  for (const pid of pids) expect([pid, processGone(pid)]).toEqual([pid, true]);
  for (const a of addresses) expect([a, await portClosed(a)]).toEqual([a, true]);
}, scaled(150_000));

test('a second start continues the same mode workflow run; kill -9 of the supervisor leaves no process of the demo within 10 s', async () => {
  const demo = startDemo(dataDir, { via: 'node' });
  // Killed while its workers are still starting: the harshest moment for leftovers.
  await waitUntil('the second start to fork its workers', () => /· orchestrator: pid \d+/.test(demo.output()) || demo.child.exitCode !== null, 120_000, 250);
  const out = demo.output();
  const temporal = /✔ Temporal dev server: (\S+),/.exec(out)?.[1] as string;
  expect((await modeRun(temporal)).runId).toBe(firstModeRun);
  const pids = pidsOf(demo.output());
  expect(pids.length).toBeGreaterThanOrEqual(4);
  demo.child.kill('SIGKILL');
  await demo.exit;
  const killedAt = Date.now();
  await waitUntil('every process of the demo gone', () => {
    const left = pidsOf(demo.output()).filter((p) => !processGone(p));
    if (left.length) throw new Error(`still there: ${left.map((p) => `${p} ${fs.existsSync(`/proc/${p}/cmdline`) ? fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(-60) : ''}`).join('; ')}`);
    return true;
  }, 10_000, 100);
  expect(Date.now() - killedAt).toBeLessThan(Math.max(10_000, scaled(4_000)));
  expect(await portClosed(temporal)).toBe(true);
}, scaled(120_000));

test('a part that cannot start is named with its cause before anything starts: bad config, a taken port', async () => {
  const bad = startDemo(tempDataDir('demo-bad'), { via: 'node', env: { SIM_PORT: 'eighty' } });
  expect((await bad.exit).code).toBe(1);
  expect(bad.output()).toMatch(/✘ configuration: bad config: SIM_PORT must be a port number 0-65535, got "eighty"/);
  expect(bad.output()).toMatch(/the demo could not start: configuration: bad config: SIM_PORT/);

  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const busy = startDemo(tempDataDir('demo-busy'), { via: 'node', env: { WEBHOOK_PORT: String(taken) } });
    expect((await busy.exit).code).toBe(1);
    expect(busy.output()).toMatch(new RegExp(`✘ ports: receiver: port ${taken} is in use \\(set WEBHOOK_PORT\\)`));
    expect(busy.output()).toMatch(new RegExp(`the demo could not start: ports: receiver: port ${taken} is in use`));
    expect(pidsOf(busy.output())).toEqual([]);
  } finally {
    blocker.close();
  }
}, scaled(40_000));

test('--external-temporal starts no dev server; a SIGTERM while parts are still starting stops what started, exit 0', async () => {
  const dead = `127.0.0.1:${await new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => r(port));
    });
  })}`;
  const demo = startDemo(tempDataDir('demo-external'), { via: 'node', args: ['--external-temporal'], env: { TEMPORAL_ADDRESS: dead } });
  // Temporal is not there: the orchestrator keeps dialling, so the start waits on it.
  await waitUntil('the orchestrator to be starting', () => /· orchestrator: pid \d+/.test(demo.output()) || demo.child.exitCode !== null, 60_000, 250);
  expect(demo.output()).toContain(`Temporal at ${dead}`);
  expect(demo.output()).not.toMatch(/Temporal dev server/);
  demo.child.kill('SIGTERM');
  expect((await demo.exit).code).toBe(0);
  // Everything forked so far (the simulator, then the workers side by side), stopped in reverse order.
  const forked = [...demo.output().matchAll(/· ([^:\n]+): pid \d+/g)].map((m) => m[1]);
  expect(forked.slice(0, 2)).toEqual(['simulator', 'orchestrator']);
  expect([...demo.output().matchAll(/■ stopping ([^(\n]+) \(pid/g)].map((m) => m[1])).toEqual([...forked].reverse());
  for (const pid of pidsOf(demo.output())) expect([pid, processGone(pid)]).toEqual([pid, true]);
}, scaled(60_000));
