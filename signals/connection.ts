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
  // An empty TEMPORAL_* variable (`TEMPORAL_API_KEY=` left in a .env) means unset: the SDK would
  // otherwise turn TLS on for an empty key and fail later with a cryptic transport error.
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && !(e[0].startsWith('TEMPORAL_') && e[1].trim() === '')),
  );
  const cfg = loadClientConnectConfig({ overrideEnvVars: vars });
  const opts = cfg.connectionOptions;
  return {
    connectionOptions: { ...(opts as ConnectionOptions), address: opts.address ?? DEFAULT_TEMPORAL_ADDRESS },
    namespace: cfg.namespace ?? 'default',
  };
}

/**
 * A client dialled on first use and re-dialled after a failure: the receiver must start (and
 * answer 503) while Temporal is down, and pick the server up once it is back. (With the SDK's
 * `Connection.lazy`, a failed dial later surfaced as an unhandled "Channel has been shut down".)
 */
export class ClientOnDemand {
  private pending: Promise<Client> | undefined;

  constructor(
    private readonly settings: TemporalConnectSettings,
    private readonly connectTimeoutMs = 2_000,
  ) {}

  get(): Promise<Client> {
    this.pending ??= connectClient(this.settings, this.connectTimeoutMs).catch((err: unknown) => {
      this.pending = undefined;
      throw err;
    });
    return this.pending;
  }

  async close(): Promise<void> {
    const client = await this.pending?.catch(() => undefined);
    this.pending = undefined;
    await client?.connection.close();
  }
}

/** A client that has already reached the server (fails fast with the reason otherwise). */
export async function connectClient(settings: TemporalConnectSettings, timeoutMs = 5_000): Promise<Client> {
  const connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: timeoutMs });
  return new Client({ connection, namespace: settings.namespace });
}
