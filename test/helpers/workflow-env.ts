import { Runtime, DefaultLogger } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer, startTimeSkippingServer } from './temporal';

export type TemporalServerKind = 'dev' | 'time-skipping';

/**
 * The set-up every workflow test file shares: the SDK's own logging kept to errors, one real
 * Temporal server started before the file's tests and torn down after them.
 *
 * Call it once at the top of a test file. The server only exists once `beforeAll` has run, so
 * what is returned stands in for it: every property read is passed on to the started server
 * (methods bound to it). That keeps the tests' bodies exactly as they were written against a
 * plain `env` variable; reading it at file load, before any hook, fails with the reason.
 * The time-skipping server skips time for everyone on it: a file that uses it has it to itself.
 */
export function temporalServerForThisFile(kind: TemporalServerKind = 'dev'): TestWorkflowEnvironment {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let started: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    started = kind === 'dev' ? await startDevServer() : await startTimeSkippingServer();
  }, 60_000);
  afterAll(async () => {
    await started?.teardown();
  });
  return new Proxy({} as TestWorkflowEnvironment, {
    get(_standIn, property) {
      if (!started) throw new Error(`the Temporal ${kind} server is not started yet (asked for ${String(property)}): use it inside a test or hook`);
      const value: unknown = Reflect.get(started, property, started);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}
