/**
 * `npm run trial:workers`: the long worker crash run (issue #12 "Tests", #15 crash points), ten and
 * more `kill -9`s of each kind on one stage of real OS processes (test/chaos/worker-rig.ts): the
 * orchestrator in the middle of a withdrawal (kill points cycling through before the exchange
 * saw it, after it acted but before the answer, and while the deposit is awaited), the live hot
 * path with an order at the exchange unanswered, two orchestrators and two hot paths taking
 * flips, a silent feed, and a paused paper hot path. Prints the summary table; every violation
 * fails the run. The bounded version (one trial of each kill) is test/e2e/worker-crash.test.ts.
 *
 * WORKER_TRIALS=N runs N kills of each kind instead of ten (the other kinds scale along).
 */
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { TEST_TIME_SCALE } from '../helpers/wait';
import { DEFAULT_WORKER_PLAN, runWorkerTrials, workerSummaryTable, type WorkerPlan, type WorkerTrialResult } from '../chaos/worker-trials';

Runtime.install({ logger: new DefaultLogger('ERROR') });

function plan(): WorkerPlan {
  const raw = process.env.WORKER_TRIALS;
  if (raw === undefined || raw === '') return DEFAULT_WORKER_PLAN;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`WORKER_TRIALS must be a whole number from 1 to 100, got ${JSON.stringify(raw)}`);
  return { orchestratorKills: n, hotpathKills: n, silences: Math.max(1, Math.round(n / 5)), pausedKills: Math.max(1, Math.round(n / 5)), scaleOuts: Math.max(1, Math.round(n / 5)) };
}

test('worker crash trials: exactly one withdrawal, no client order id twice, BTC split and pause survive, every flip reaches both hot paths', async () => {
  const p = plan();
  const t0 = Date.now();
  const results: WorkerTrialResult[] = [];
  await runWorkerTrials(p, 2000, TEST_TIME_SCALE, (r) => {
    results.push(r);
    process.stdout.write(`worker trial ${results.length} ${r.kind} seed ${r.seed} (${r.point}): ${r.violations.length ? `${r.violations.length} VIOLATION(S)` : 'ok'} (${(r.ms / 1000).toFixed(1)} s)\n${r.violations.map((v) => `  - ${v}\n`).join('')}`);
  });
  process.stdout.write(`\n${workerSummaryTable(results)}\n\nwall time ${((Date.now() - t0) / 60_000).toFixed(1)} min\n`);
  expect(results.filter((r) => r.kind === 'orchestrator-withdrawal' && r.killed === 1)).toHaveLength(p.orchestratorKills);
  expect(results.filter((r) => r.kind === 'hotpath-trade' && r.killed === 1)).toHaveLength(p.hotpathKills);
  expect(results.flatMap((r) => r.violations.map((v) => `${r.kind} ${r.seed}: ${v}`))).toEqual([]);
}, 7_200_000);
