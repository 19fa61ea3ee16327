/**
 * One trial of each worker crash kind inside `npm test` (the long run, ten and more of each plus a
 * silent feed and a paused hot path, is `npm run trial:workers` and `npm run chaos`): real OS
 * processes of two orchestrators and two hot paths (one trading at the exchange, one on paper)
 * against a Temporal dev server and the simulator (its own process), `kill -9` at an exact point
 * of a money move (a proxy holds the request and the test waits for the hold; see
 * test/chaos/worker-rig.ts), restart, and the invariants of test/chaos/worker-trials.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { TEST_TIME_SCALE } from '../helpers/wait';
import { startRig, type Rig, type WorkerProcess } from '../chaos/worker-rig';
import { hotpathTradeTrial, orchestratorWithdrawalTrial, scaleOutTrial, type WorkerTrialResult } from '../chaos/worker-trials';

Runtime.install({ logger: new DefaultLogger('ERROR') });

let rig: Rig;
let orchestrators: WorkerProcess[];
let live: WorkerProcess;
let paper: WorkerProcess;

const ok = (r: WorkerTrialResult) => {
  expect(r.violations).toEqual([]);
  expect(r.invariantsChecked).toBeGreaterThan(3);
};

beforeAll(async () => {
  rig = await startRig({ seed: 41, scale: TEST_TIME_SCALE });
  const paperDir = path.join(rig.dataDir, 'paper-hot-path');
  fs.mkdirSync(paperDir);
  [orchestrators, live, paper] = await Promise.all([
    Promise.all([rig.startOrchestrator('orchestrator A'), rig.startOrchestrator('orchestrator B')]),
    rig.startHotpath('hot path 1', 'live'),
    rig.startHotpath('hot path 2 (paper)', 'paper', paperDir),
  ]);
}, 90_000);

afterAll(async () => {
  await rig?.close();
}, 40_000);

test('two orchestrators and two hot paths: every flip reaches both hot paths, nothing booked twice', async () => {
  ok(await scaleOutTrial(rig, [live, paper], ['BTC', 'GOLD', 'BTC'], 41));
}, 40_000);

test('kill -9 of the orchestrator whose withdrawal the exchange took but never answered: one withdrawal, booked once', async () => {
  const r = await orchestratorWithdrawalTrial(rig, orchestrators, 42, 'after-submit');
  expect(r.killed).toBe(1);
  ok(r);
}, 90_000);

test('kill -9 of the hot path with an order at the exchange unanswered: no client order id twice, restarted in BTC at 85 %, trades again', async () => {
  const r = await hotpathTradeTrial(rig, live, 43);
  expect(r.killed).toBe(1);
  ok(r);
}, 60_000);
