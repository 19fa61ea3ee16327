import type { Client } from '@temporalio/client';
import { loadConfig, type AppConfig } from '../../config';
import { effectiveEnv } from '../../config/dotenv';
import { connectClient, temporalConnectSettings } from '../connection';

/** Exit codes shared by the Temporal-backed commands. */
export const EXIT = { ok: 0, refused: 1, unreachable: 2, pending: 3 } as const;

export class CliExit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CliExit';
  }
}

/** Config plus a connected client, or a CliExit naming the address that could not be reached. */
export async function openTemporal(): Promise<{ client: Client; config: AppConfig; address: string }> {
  const env = effectiveEnv();
  const config = loadConfig({ env });
  const settings = temporalConnectSettings(env);
  try {
    const client = await connectClient(settings, 3_000);
    return { client, config, address: settings.connectionOptions.address };
  } catch (err) {
    throw new CliExit(EXIT.unreachable, `cannot reach Temporal at ${settings.connectionOptions.address} (namespace ${settings.namespace}): ${(err as Error).message}`);
  }
}

/** Resolves `p`, or rejects after `ms` with `message` (the promise itself keeps running). */
export async function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CliExit(EXIT.pending, message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command body with a client; maps CliExit to the exit code and always closes the connection. */
export async function withTemporal(body: (t: Awaited<ReturnType<typeof openTemporal>>) => Promise<number>): Promise<void> {
  let client: Client | undefined;
  try {
    const t = await openTemporal();
    client = t.client;
    process.exitCode = await body(t);
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    console.error(`qbot: ${err.message}`);
    process.exitCode = err.code;
  } finally {
    await client?.connection.close();
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof Error && err.name === 'WorkflowNotFoundError';
