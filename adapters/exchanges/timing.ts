export class WatchTimeout extends Error {
  constructor(readonly ms: number, what: string) {
    super(`${what}: no update within ${ms} ms`);
    this.name = 'WatchTimeout';
  }
}

/**
 * Races a promise against a timer. A ccxt watch on a silent feed never settles, so every watch
 * goes through here; the losing promise keeps a handler attached (race subscribes to it), so its
 * later rejection is not an unhandled one.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WatchTimeout(ms, what)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A sleep that ends early when `signal` aborts (so closing never waits out a long backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with a cap: attempt 1 -> base, 2 -> 2 x base, ... */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
