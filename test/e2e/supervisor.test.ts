import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Supervisor, type PartSpec } from '../../workers/supervisor';
import { silentProgress } from '../../workers/progress';
import { processGone } from './demo-helpers';
import { freePort, ROOT } from '../helpers/processes';
import { scaled, waitUntil } from '../helpers/wait';

// The supervisor behind `npm run demo`, over small stand-in parts (real forked processes with the
// same preload as the demo's children): order, prefixes, restarts, give-up, start failures, stop
// order, and no child left after a SIGTERM or a `kill -9` of the supervisor.
const PART = 'test/fixtures/supervisor/http-part.ts';

function part(name: string, port: number, extra: Record<string, string> = {}): PartSpec {
  return {
    name, entry: PART, env: { ...process.env, PART_NAME: name, PART_PORT: String(port), ...extra }, readyTimeoutMs: scaled(20_000), stopGraceMs: 10_000,
    ready: async () => ((await fetch(`http://127.0.0.1:${port}/`)).status === 200 ? `http://127.0.0.1:${port}/` : undefined),
  };
}

function startSupervisorProcess(ports: number[]) {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'test/fixtures/supervisor/run-supervisor.ts')], {
    cwd: ROOT, env: { ...process.env, PORTS: ports.join(',') }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exit };
}

const pidsIn = (out: string): number[] => [...out.matchAll(/· \w+: pid (\d+)/g)].map((m) => Number(m[1]));

test('parts start in order with prefixed output; a killed child is named and restarted; SIGTERM stops all in reverse order, exit 0, no pid left', async () => {
  const ports = [await freePort(), await freePort(), await freePort()];
  const s = startSupervisorProcess(ports);
  try {
    await waitUntil('all three parts running', () => s.output().includes('all parts running'), 30_000, 100);
    const out = s.output();
    const started = [...out.matchAll(/✔ (\w+):/g)].map((m) => m[1]);
    expect(started).toEqual(['alpha', 'beta', 'gamma']);
    expect(out).toMatch(/^beta\s+│ beta listening$/m);

    const beta = Number(/· beta: pid (\d+)/.exec(out)?.[1]);
    process.kill(beta, 'SIGKILL');
    await waitUntil('beta named as dead and restarted', () => /✔ beta restarted: .* · pid (\d+)/.exec(s.output()), 30_000, 100);
    expect(s.output()).toMatch(/✘ beta exited \(signal SIGKILL\); restarting in 0\.2 s/);
    expect((await fetch(`http://127.0.0.1:${ports[1]}/`)).status).toBe(200);

    s.child.kill('SIGTERM');
    const { code } = await s.exit;
    expect(code).toBe(0);
    const stopping = [...s.output().matchAll(/■ stopping (\w+)/g)].map((m) => m[1]);
    expect(stopping).toEqual(['gamma', 'beta', 'alpha']);
    expect(s.output()).toMatch(/^gamma\s+│ gamma got SIGTERM$/m);
    const pids = pidsIn(s.output());
    expect(pids.length).toBe(4);
    for (const pid of pids) expect([pid, processGone(pid)]).toEqual([pid, true]);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
}, 120_000);

test('kill -9 of the supervisor: every child notices and is gone within 10 s', async () => {
  const ports = [await freePort(), await freePort(), await freePort()];
  const s = startSupervisorProcess(ports);
  await waitUntil('all three parts running', () => s.output().includes('all parts running'), 30_000, 100);
  const pids = pidsIn(s.output());
  expect(pids.length).toBe(3);
  s.child.kill('SIGKILL');
  await s.exit;
  const killedAt = Date.now();
  await waitUntil('no child of the killed supervisor left', () => pids.every(processGone), 10_000, 100);
  // The children's own bound (parent-watch.ts: 7 s grace), whatever the machine's load.
  expect(Date.now() - killedAt).toBeLessThan(Math.max(10_000, scaled(3_000)));
}, 90_000);

test('a part that keeps dying is restarted with growing back-off, then given up on, and everything stops', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const lines: string[] = [];
  let gaveUp = '';
  const sup = new Supervisor({
    progress: silentProgress(lines), write: (l) => lines.push(l), firstBackoffMs: 100, maxBackoffMs: 400, quickMs: scaled(20_000), maxQuickFailures: 4,
    onGiveUp: (name, reason) => (gaveUp = `${name}: ${reason}`),
    parts: [part('steady', a), part('flaky', b, { PART_EXIT_AFTER_MS: '300' })],
  });
  try {
    await sup.start();
    await waitUntil('the supervisor to give up on the flaky part', () => gaveUp || undefined, 60_000, 100);
    const restarts = lines.filter((l) => l.includes('✘ flaky exited (code 7); restarting'));
    expect(restarts.map((l) => /restarting in ([\d.]+) s/.exec(l)?.[1])).toEqual(['0.1', '0.2', '0.4']);
    expect(gaveUp).toMatch(/^flaky: flaky died 4 times in a row within \d+ s of starting \(code 7\): giving up$/);
    // Giving up stops everything, in reverse order.
    expect(lines.filter((l) => l.includes('■ stopping')).map((l) => /stopping (\w+)/.exec(l)?.[1])).toEqual(['steady']);
    for (const pid of sup.allPids) expect([pid, processGone(pid)]).toEqual([pid, true]);
  } finally {
    await sup.stop();
  }
}, 120_000);

test('a part that cannot start is named with its own words, and the parts before it are stopped again', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const sup = new Supervisor({
    progress: silentProgress(lines), write: (l) => lines.push(l),
    parts: [part('first', port), part('broken', await freePort(), { PART_FAIL_AT_START: 'disk full' }), part('never', await freePort())],
  });
  await expect(sup.start()).rejects.toThrow(/broken failed: exited \(code 3\) before it was ready:\n\s+broken: cannot open its database \(disk full\)/);
  expect(lines).toContainEqual(expect.stringMatching(/✘ broken: exited \(code 3\) before it was ready/));
  expect(lines.some((l) => l.includes('never'))).toBe(false);
  expect(lines).toContain('  ■ stopping first (pid ' + String(sup.states()[0]?.pid) + ')');
  for (const pid of sup.allPids) expect([pid, processGone(pid)]).toEqual([pid, true]);
}, 90_000);
