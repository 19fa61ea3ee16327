/**
 * Jest setup (setupFilesAfterEnv): the per-test and per-hook timeouts written in the tests are
 * quiet-machine figures; here they are scaled by TEST_TIME_SCALE (see ./wait.ts), so one setting
 * governs every deadline of the suite. The config's default testTimeout is scaled in jest.config.js;
 * `jest.setTimeout` is per module, so its callers pass `scaled(ms)` themselves.
 */
import { scaled } from './wait';

type AnyFn = (...args: unknown[]) => unknown;

function scaleLast(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  return typeof last === 'number' ? [...args.slice(0, -1), scaled(last)] : args;
}

function wrapTestFn<T extends AnyFn>(fn: T): T {
  const wrapped = ((...args: unknown[]) => fn(...scaleLast(args))) as unknown as T;
  // Keep `.each`, `.only`, `.skip`, `.todo`, `.concurrent`, `.failing`; the timed variants scale too.
  for (const key of Object.keys(fn) as Array<keyof T>) {
    const v = fn[key];
    (wrapped as Record<keyof T, unknown>)[key] =
      key === 'only' || key === 'concurrent' || key === 'failing' ? wrapTestFn(v as AnyFn)
        : key === 'each' ? (...table: unknown[]) => wrapTestFn((v as AnyFn)(...table) as AnyFn)
          : v;
  }
  return wrapped;
}

const g = globalThis as unknown as Record<string, AnyFn>;
for (const name of ['it', 'test', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach']) {
  const original = g[name];
  if (typeof original === 'function') g[name] = wrapTestFn(original);
}
