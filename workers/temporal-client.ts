import { NativeConnection } from '@temporalio/worker';
import { temporalConnectSettings, type TemporalConnectSettings } from '../signals/connection';
import { retryWithBackoff, type BackoffOptions } from './retry-backoff';

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
  o: BackoffOptions = {},
): Promise<T> {
  return retryWithBackoff(dial, log, `${part}: Temporal not reachable yet; trying again`, o);
}
