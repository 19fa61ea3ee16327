/**
 * `npm run chaos [-- --trials N --seed S]`: the nightly-style chaos run (default 27 trials: every
 * crash point and every exchange fault at least three times), a summary table, exit 1 on any
 * invariant violation.
 */
import { runTrial, summaryTable, trialSpecs, type TrialResult } from './driver';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number >= 1, got ${String(process.argv[i + 1])}`);
  return v;
}

async function main(): Promise<void> {
  const trials = flag('trials', 27);
  const seed = flag('seed', 1);
  const scale = process.env.TEST_TIME_SCALE ? Number(process.env.TEST_TIME_SCALE) : 3;
  const results: TrialResult[] = [];
  for (const spec of trialSpecs(trials, seed)) {
    const r = await runTrial(spec, { timeScale: scale });
    results.push(r);
    console.log(`trial ${results.length}/${trials} seed ${r.seed} crash ${r.crashAt} fault ${r.fault}: ${r.violations.length ? `${r.violations.length} VIOLATION(S)` : 'ok'} (${(r.ms / 1000).toFixed(1)} s)`);
    for (const v of r.violations) console.log(`  - ${v}`);
  }
  console.log(`\n${summaryTable(results)}`);
  process.exit(results.some((r) => r.violations.length) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
