import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventuallyWithin, waitUntil } from '../helpers/wait';
import { freePort, get, ROOT, startTsx, type Started } from '../helpers/processes';

/**
 * The stand-alone entry points install the process guard: a stray unhandled rejection (a failing
 * connection, a library callback) is logged and the worker keeps serving, instead of Node ending it.
 * No Temporal here on purpose: each worker waits for it with back-off and must stay up meanwhile.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-guard-'));
const started: Started[] = [];

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function guarded(file: string, args: string[], portVar: string, pathName: string): Promise<void> {
  const [port, nowhere] = await Promise.all([freePort(), freePort()]);
  const s = startTsx(file, args, {
    NODE_OPTIONS: `--require ${path.join(ROOT, 'test/helpers/stray-rejection.cjs')}`,
    TEMPORAL_ADDRESS: `127.0.0.1:${nowhere}`, QBOT_DATA_DIR: dataDir, LOG_LEVEL: 'warn', [portVar]: String(port),
    // Only the port under test matters; the others are free ones so parallel runs do not collide.
    ...Object.fromEntries(['QBOT_METRICS_PORT', 'ORCHESTRATOR_HEALTH_PORT', 'DASHBOARD_HEALTH_PORT', 'DASHBOARD_PORT'].filter((v) => v !== portVar).map((v) => [v, '0'])),
  });
  started.push(s);
  // Either it logs the rejection and goes on, or Node ends it (then fail at once, with its output).
  const outcome = await waitUntil(`${file} to log the stray rejection or exit`, () =>
    s.child.exitCode !== null || s.child.signalCode !== null ? 'exited' : s.output().includes('UNHANDLED REJECTION: logged and kept running') ? 'logged' : undefined, 60_000, 200);
  if (outcome === 'exited') throw new Error(`${file} exited with ${s.child.exitCode}:\n${s.output().slice(-2000)}`);
  expect(s.output()).toContain('stray rejection from the test preload');
  // Still serving after it.
  const r = await eventuallyWithin(`${file} to answer on ${pathName}`, () => get(`http://127.0.0.1:${port}${pathName}`), 30_000, 200);
  expect(r.status).toBeGreaterThan(0);
  expect(s.child.exitCode).toBeNull();
}

test.concurrent('the orchestrator process survives a stray rejection', () => guarded('workers/orchestrator.ts', [], 'ORCHESTRATOR_HEALTH_PORT', '/health'), 120_000);
test.concurrent('the hot path process survives a stray rejection', () => guarded('workers/hotpath.ts', ['--sim'], 'QBOT_METRICS_PORT', '/metrics'), 120_000);
test.concurrent('the dashboard process survives a stray rejection', () => guarded('workers/dashboard.ts', [], 'DASHBOARD_HEALTH_PORT', '/health'), 120_000);
