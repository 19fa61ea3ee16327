import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, get, ROOT, startTsx, type Started } from '../helpers/processes';
import { waitUntil } from '../helpers/wait';
import { eventually } from '../helpers/mode-workers';

const started: Started[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

test('workers/receiver.ts listens on WEBHOOK_PORT and answers its health check there', async () => {
  const port = await freePort();
  const temporalDown = await freePort();
  const r = startTsx('workers/receiver.ts', [], {
    WEBHOOK_PORT: String(port), WEBHOOK_PASSPHRASE: 'correct-horse-battery-staple',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalDown}`, LOG_LEVEL: 'info',
  });
  started.push(r);
  const health = await eventually(() => get(`http://127.0.0.1:${port}/healthz`), 60_000, 200);
  expect(health.status).toBe(200);
  expect(r.output()).not.toMatch(/EADDRINUSE/);
}, 90_000);

test('a receiver whose port is taken exits 1 naming the part and WEBHOOK_PORT', async () => {
  const holder = startTsx('workers/receiver.ts', [], {
    WEBHOOK_PORT: String(await freePort()), WEBHOOK_PASSPHRASE: 'correct-horse-battery-staple', TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  started.push(holder);
  const port = Number(/"url":"http:\/\/127\.0\.0\.1:(\d+)/.exec(await eventually(() => {
    const m = /"url":"http:\/\/127\.0\.0\.1:\d+/.exec(holder.output());
    if (!m) throw new Error('not listening yet');
    return holder.output();
  }, 60_000, 200))?.[1]);
  const second = startTsx('workers/receiver.ts', [], { WEBHOOK_PORT: String(port), WEBHOOK_PASSPHRASE: 'correct-horse-battery-staple', TEMPORAL_ADDRESS: '127.0.0.1:1' });
  started.push(second);
  const code = await new Promise<number | null>((r) => second.child.once('exit', (c) => r(c)));
  expect(code).toBe(1);
  expect(second.output()).toContain(`receiver: port ${port} is in use (set WEBHOOK_PORT)`);
}, 90_000);

test('`qbot worker receiver` runs the receiver on WEBHOOK_PORT; an unknown role is refused with the list', async () => {
  const port = await freePort();
  const w = startTsx('signals/cli/run.ts', ['worker', 'receiver'], {
    WEBHOOK_PORT: String(port), WEBHOOK_PASSPHRASE: 'correct-horse-battery-staple', TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  started.push(w);
  expect((await eventually(() => get(`http://127.0.0.1:${port}/healthz`), 60_000, 200)).status).toBe(200);
  const bad = startTsx('signals/cli/run.ts', ['worker', 'dashboardx'], {});
  started.push(bad);
  const code = await new Promise<number | null>((r) => bad.child.once('exit', (c) => r(c)));
  expect(code).toBe(1);
  expect(bad.output()).toContain('unknown worker "dashboardx": use orchestrator, hotpath, receiver');
}, 90_000);

test('a `kill -9` of `qbot worker receiver` leaves no receiver behind (its port stops answering)', async () => {
  const port = await freePort();
  // node bin/qbot.js: the command itself is the process a process manager holds and kills.
  const cmd = spawn(process.execPath, [path.join(ROOT, 'bin/qbot.js'), 'worker', 'receiver'], {
    cwd: ROOT, env: { ...process.env, WEBHOOK_PORT: String(port), WEBHOOK_PASSPHRASE: 'correct-horse-battery-staple', TEMPORAL_ADDRESS: '127.0.0.1:1' }, stdio: 'ignore',
  });
  started.push({ child: cmd, output: () => '', stop: async () => { if (cmd.exitCode === null && cmd.signalCode === null) cmd.kill('SIGKILL'); } });
  expect((await eventually(() => get(`http://127.0.0.1:${port}/healthz`), 60_000, 200)).status).toBe(200);
  cmd.kill('SIGKILL');
  // The worker notices its parent's death and exits; nothing answers on its port any more.
  await waitUntil(`the receiver on ${port} gone after kill -9 of qbot worker`, () => get(`http://127.0.0.1:${port}/healthz`).then(() => false, () => true), 10_000, 200);
}, 90_000);
