import { loadClientConnectConfig } from '@temporalio/envconfig';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export interface TemporalConnectSettings {
  /** Options shared by the client Connection and the workers' NativeConnection. */
  connectionOptions: ConnectionOptions & { address: string };
  namespace: string;
}

/**
 * Temporal's standard client settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS_*, TEMPORAL_PROFILE and the temporal.toml file), with the local dev server as the
 * default address. Every process (workers, receiver, `qbot`) connects through this one place.
 */
export function temporalConnectSettings(env: NodeJS.ProcessEnv = process.env): TemporalConnectSettings {
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const cfg = loadClientConnectConfig({ overrideEnvVars: vars });
  const opts = cfg.connectionOptions;
  return {
    connectionOptions: { ...(opts as ConnectionOptions), address: opts.address ?? DEFAULT_TEMPORAL_ADDRESS },
    namespace: cfg.namespace ?? 'default',
  };
}

/**
 * A client whose connection is dialled on first use: the receiver must start (and answer 503)
 * even while Temporal is down, and a CLI call fails with the real gRPC reason.
 */
export function lazyClient(settings: TemporalConnectSettings): Client {
  const connection = Connection.lazy(settings.connectionOptions);
  return new Client({ connection, namespace: settings.namespace });
}

/** A client that has already reached the server (fails fast with the reason otherwise). */
export async function connectClient(settings: TemporalConnectSettings, timeoutMs = 5_000): Promise<Client> {
  const connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: timeoutMs });
  return new Client({ connection, namespace: settings.namespace });
}
