/**
 * Tries `attempt` until it succeeds, waiting `firstDelayMs` doubling to `maxDelayMs` between tries
 * (a service that is still starting, or down for a while, is not hammered). Every failure is logged
 * with `message`, the attempt number, the wait and the error, so an operator sees what is awaited.
 * `stopped()` ends the wait (shutdown during start-up): the last error is thrown.
 */
export interface BackoffOptions {
  firstDelayMs?: number;
  maxDelayMs?: number;
  stopped?: () => boolean;
}

export async function retryWithBackoff<T>(
  attempt: () => Promise<T>,
  log: { warn(obj: object, msg: string): void },
  message: string,
  o: BackoffOptions & { fields?: object } = {},
): Promise<T> {
  let delay = o.firstDelayMs ?? 500;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (o.stopped?.()) throw err;
      log.warn({ ...o.fields, attempt: n, retryInMs: delay, error: err instanceof Error ? err.message : String(err) }, message);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, o.maxDelayMs ?? 30_000);
    }
  }
}
