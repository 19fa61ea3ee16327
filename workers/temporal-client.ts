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
