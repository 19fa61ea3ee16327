import { NativeConnection } from '@temporalio/worker';
import { temporalConnectSettings, type TemporalConnectSettings } from '../signals/connection';

export { temporalConnectSettings, ClientOnDemand, connectClient } from '../signals/connection';

/** A worker connection from the same settings the clients use (TEMPORAL_ADDRESS & co). */
export async function connectWorker(settings: TemporalConnectSettings = temporalConnectSettings()): Promise<NativeConnection> {
  const { address, tls, apiKey, metadata } = settings.connectionOptions;
  return NativeConnection.connect({
    address,
    ...(tls !== undefined ? { tls } : {}),
    ...(apiKey !== undefined && typeof apiKey === 'string' ? { apiKey } : {}),
    ...(metadata !== undefined ? { metadata: metadata as Record<string, string> } : {}),
  });
}

/**
 * Dials until the server answers: NativeConnection.connect fails at once while Temporal is down,
 * and a worker must outlive the server's restarts. Waits 0.5 s, doubling to 30 s, between tries
 * (a busy server is not hammered); `stopped()` ends the wait (shutdown during start-up).
 */
export async function connectWithBackoff<T>(
  dial: () => Promise<T>,
  log: { warn(obj: object, msg: string): void },
  part: string,
  o: { firstDelayMs?: number; maxDelayMs?: number; stopped?: () => boolean } = {},
): Promise<T> {
  let delay = o.firstDelayMs ?? 500;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dial();
    } catch (err) {
      if (o.stopped?.()) throw err;
      log.warn({ attempt, retryInMs: delay, error: err instanceof Error ? err.message : String(err) }, `${part}: Temporal not reachable yet; trying again`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, o.maxDelayMs ?? 30_000);
    }
  }
}
