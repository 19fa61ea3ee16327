/**
 * Three short chaos trials inside `npm test` (the long run is `npm run chaos`): the money mover is
 * SIGKILLed at a crash point against the simulator, restarted on its data dir, and the invariants
 * are checked (see driver.ts). Each trial is a real OS process using real ccxt, the SQLite ledger
 * and the durable state; the kill is at an announced point, not at a time.
 */
import { runTrial, type TrialSpec } from './driver';
import { scaled, TEST_TIME_SCALE } from '../helpers/wait';

// withdrawal-fails and http-429 stay covered in npm test by test/workflows/rebalance.test.ts and
// test/adapters/markets-after-rate-limit.test.ts; the long run has every fault.
const TRIALS: TrialSpec[] = [
  { seed: 101, crashAt: 'after-withdraw-submitted', fault: 'deposit-missing' },
  { seed: 102, crashAt: 'after-order-sent', fault: 'order-timeout' },
  { seed: 103, crashAt: 'flip-after-order', fault: 'gap-leg' },
];

describe('chaos: kill -9 at a crash point, restart, invariants hold', () => {
  it.each(TRIALS)('seed $seed, crash $crashAt, fault $fault', async (spec) => {
    const r = await runTrial(spec, { timeScale: TEST_TIME_SCALE });
    expect(r.crashed).toBe(true);
    expect(r.invariantsChecked).toBeGreaterThan(30);
    expect(r.violations).toEqual([]);
  }, scaled(60_000));
});
