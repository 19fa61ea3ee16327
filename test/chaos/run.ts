/**
 * `npm run chaos [-- --trials N --seed S --workers on|off|only --worker-trials N]`: the nightly-style chaos run.
 * The money-mover trials (default 27: every crash point and exchange fault at least twice), then
 * the worker crash trials (orchestrator and hot path processes SIGKILLed mid-withdrawal and
 * mid-trade, ten each; silence; paused restart; two orchestrators and two hot paths), summary
 * tables, exit 1 on any invariant violation.
 */
import { runTrial, summaryTable, trialSpecs, type TrialResult } from './driver';
import type { WorkerTrialResult } from './worker-trials';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number >= 1, got ${String(process.argv[i + 1])}`);
  return v;
}

function workersFlag(): 'on' | 'off' | 'only' {
  const i = process.argv.indexOf('--workers');
  if (i < 0) return 'on';
  const v = process.argv[i + 1];
  if (v !== 'on' && v !== 'off' && v !== 'only') throw new Error(`--workers must be on, off or only, got ${String(v)}`);
  return v;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const trials = flag('trials', 27);
  const seed = flag('seed', 1);
  const workers = workersFlag();
  const scale = process.env.TEST_TIME_SCALE ? Number(process.env.TEST_TIME_SCALE) : 3;
  const results: TrialResult[] = [];
  if (workers !== 'only') {
    for (const spec of trialSpecs(trials, seed)) {
      const r = await runTrial(spec, { timeScale: scale });
      results.push(r);
      console.log(`trial ${results.length}/${trials} seed ${r.seed} crash ${r.crashAt} fault ${r.fault}: ${r.violations.length ? `${r.violations.length} VIOLATION(S)` : 'ok'} (${(r.ms / 1000).toFixed(1)} s, ${r.invariantsChecked} invariants checked, ${r.faultsInjected} fault(s) injected)`);
      for (const v of r.violations) console.log(`  - ${v}`);
    }
    // Printed now as well: the worker trials after them take much longer.
    console.log(`\n${summaryTable(results)}\n\nmover trials: ${((Date.now() - t0) / 60_000).toFixed(1)} min\n`);
  }
  let workerResults: WorkerTrialResult[] = [];
  let workerTable = '';
  if (workers !== 'off') {
    // Loaded only when asked for: `--workers off` needs neither Temporal's worker SDK nor the worker rig.
    const { Runtime, DefaultLogger } = await import('@temporalio/worker');
    const { DEFAULT_WORKER_PLAN, runWorkerTrials, workerSummaryTable } = await import('./worker-trials');
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    // --worker-trials N: N orchestrator and N hot path kills (default 10 each); the other kinds scale along.
    const n = flag('worker-trials', DEFAULT_WORKER_PLAN.orchestratorKills);
    const plan = n === DEFAULT_WORKER_PLAN.orchestratorKills ? DEFAULT_WORKER_PLAN : { orchestratorKills: n, hotpathKills: n, silences: Math.max(1, Math.round(n / 3)), pausedKills: Math.max(1, Math.round(n / 5)), scaleOuts: Math.max(1, Math.round(n / 5)) };
    workerResults = await runWorkerTrials(plan, 1000 + seed * 100, scale, (r) => {
      console.log(`worker trial ${r.kind} seed ${r.seed} (${r.point}): ${r.violations.length ? `${r.violations.length} VIOLATION(S)` : 'ok'} (${(r.ms / 1000).toFixed(1)} s)`);
      for (const v of r.violations) console.log(`  - ${v}`);
    });
    workerTable = workerSummaryTable(workerResults);
  }
  if (results.length) console.log(`\n${summaryTable(results)}`);
  if (workerResults.length) console.log(`\n${workerTable}`);
  console.log(`\nwall time ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
  process.exit(results.some((r) => r.violations.length) || workerResults.some((r) => r.violations.length) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
