/**
 * Every deadline in the tests scales with one setting, TEST_TIME_SCALE: a busy 2-core laptop needs
 * several times longer than a quiet one for the same work. Tests wait for conditions, never for a
 * fixed time; the deadline only bounds how long a failing test takes to say so.
 *
 * The default (3) is sized for a 2-core machine with both cores busy (load average ~7); a fast
 * machine can run with TEST_TIME_SCALE=1, a very slow one with 5 or more.
 */
export const DEFAULT_TEST_TIME_SCALE = 3;

export function parseTimeScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TEST_TIME_SCALE;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(n) || n < 0.1 || n > 100) {
    throw new Error(`TEST_TIME_SCALE must be a number between 0.1 and 100, got ${JSON.stringify(raw)}`);
  }
  return n;
}

export const TEST_TIME_SCALE = parseTimeScale(process.env.TEST_TIME_SCALE);

/** A deadline of `ms` on a quiet machine, scaled for this one. */
export function scaled(ms: number): number {
  return Math.round(ms * TEST_TIME_SCALE);
}

function describeSeen(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 500 ? `${s.slice(0, 500)}…` : s;
  } catch {
    return String(v);
  }
}

/** The error a timed-out wait throws: what was awaited, for how long, and what was seen last. */
export class WaitTimeout extends Error {
  constructor(readonly what: string, readonly waitedMs: number, readonly lastSeen: unknown) {
    super(`timed out after ${waitedMs} ms (TEST_TIME_SCALE=${TEST_TIME_SCALE}) waiting for ${what}; last seen: ${describeSeen(lastSeen)}`);
    this.name = 'WaitTimeout';
  }
}

/**
 * Polls `probe` until it returns a value that is not `undefined`, `null` or `false` (and does not
 * throw), and returns that value. `baseMs` is the quiet-machine deadline; it is scaled.
 */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, baseMs = 10_000, everyMs = 50): Promise<Exclude<T, undefined | null | false>> {
  const limit = scaled(baseMs);
  const deadline = Date.now() + limit;
  let last: unknown = '(nothing yet)';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, undefined | null | false>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new WaitTimeout(what, limit, last);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Polls until `check` stops throwing and returns its value. On timeout the last assertion error is
 * rethrown with the wait's description prepended, so the failure shows what was expected and seen.
 */
export async function eventuallyWithin<T>(what: string, check: () => Promise<T> | T, baseMs = 10_000, everyMs = 50): Promise<T> {
  const limit = scaled(baseMs);
  const deadline = Date.now() + limit;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) {
        if (err instanceof Error) {
          err.message = `timed out after ${limit} ms (TEST_TIME_SCALE=${TEST_TIME_SCALE}) waiting for ${what}; last seen:\n${err.message}`;
          throw err;
        }
        throw new WaitTimeout(what, limit, err);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
