import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalBinaries } from '../scripts/temporal-binaries';

/**
 * The embedded Temporal dev server (`temporal server start-dev`) with its SQLite file under the
 * data folder and the web UI. Used by `npm run temporal` and by the offline demo; a real cluster
 * (temporal-docker/) replaces it without code changes because workers only see TEMPORAL_ADDRESS.
 */

export class TemporalDevServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalDevServerError';
  }
}

export interface TemporalDevServerOptions {
  /** host:port of the gRPC frontend; port 0 picks a free one. Default 127.0.0.1:7233. */
  address?: string;
  /** Folder for the SQLite file (created if missing). Default `.data` in the project. */
  dataDir?: string;
  dbFileName?: string;
  /** Web UI port; 0 picks a free one. Default 8233. Ignored when headless. */
  uiPort?: number;
  headless?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra namespaces to create at start ("default" always exists). */
  namespaces?: string[];
  /** The `temporal` binary; default: the provisioned one (installing it if allowed). */
  binary?: string;
  install?: boolean;
  /** Where the server's own output goes: the terminal, or kept for error messages only. */
  output?: 'inherit' | 'capture';
  readyTimeoutMs?: number;
  /** The environment the child's allow-list is taken from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Told the server's pid as soon as it is spawned (a supervisor's shim kills it if it must). */
  onSpawn?: (pid: number) => void;
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  dbFile: string;
  pid: number;
  /** Resolves with the exit code when the server process ends, for whatever reason. */
  exited: Promise<number | null>;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period); idempotent. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Variables the Temporal server needs from us: where things are, locale and time zone. */
const CHILD_ENV_NAMES = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'TZ', 'LANG', 'LANGUAGE', 'USER', 'LOGNAME', 'SYSTEMROOT'];
const CHILD_ENV_PREFIXES = ['LC_', 'XDG_'];

/**
 * The environment of the dev server process: an allow-list, never the parent's whole environment,
 * which holds the exchange keys, the webhook passphrase and the dashboard token (a child process
 * has no use for them, and its crash dumps or /proc/<pid>/environ must not show them). TEMPORAL_*
 * variables are left out too: the server is configured by its flags alone.
 */
export function devServerEnv(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) {
    if (v !== undefined && (CHILD_ENV_NAMES.includes(k) || CHILD_ENV_PREFIXES.some((p) => k.startsWith(p)))) out[k] = v;
  }
  return out;
}

function parseAddress(address: string): { host: string; port: number } {
  const m = /^([^\s:]+):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new TemporalDevServerError(`TEMPORAL_ADDRESS must be host:port, got "${address}"`);
  return { host: m[1] as string, port };
}

/** Binds the port for a moment: the only reliable "is it free" check. Port 0 returns a free one. */
export function probePort(host: string, port: number): Promise<{ free: true; port: number } | { free: false; code: string }> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve({ free: false, code: err.code ?? 'UNKNOWN' }));
    srv.listen({ host, port, exclusive: true }, () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve({ free: true, port: bound }));
    });
  });
}

async function claimPort(host: string, port: number, what: string, hint: string): Promise<number> {
  const r = await probePort(host, port);
  if (r.free) return r.port;
  if (r.code === 'EADDRINUSE') throw new TemporalDevServerError(`${what} port ${host}:${port} is already in use (${hint})`);
  throw new TemporalDevServerError(`cannot bind ${what} port ${host}:${port}: ${r.code}`);
}

function resolveBinary(opts: TemporalDevServerOptions): string {
  if (opts.binary !== undefined) {
    try {
      fs.accessSync(opts.binary, fs.constants.X_OK);
      return opts.binary;
    } catch {
      throw new TemporalDevServerError(`the Temporal CLI binary ${opts.binary} is missing or not executable (run \`npm run provision\`)`);
    }
  }
  try {
    return temporalBinaries({ install: opts.install ?? true }).cli;
  } catch (err) {
    throw new TemporalDevServerError(`no Temporal CLI binary: ${(err as Error).message}`);
  }
}

/** Waits until the frontend answers gRPC, or the process dies, or time runs out. */
async function waitUntilServing(address: string, child: ChildProcess, exited: Promise<number | null>, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void exited.then(() => {
    died = true;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (died) throw new TemporalDevServerError(`temporal server start-dev exited with code ${child.exitCode ?? 'null'} before serving${tail()}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new TemporalDevServerError(`the dev server on ${address} was not serving after ${timeoutMs} ms (${lastError})${tail()}`);
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const binary = resolveBinary(opts);
  const { host, port: wantedPort } = parseAddress(opts.address ?? '127.0.0.1:7233');
  const port = await claimPort(host, wantedPort, 'Temporal gRPC', 'another Temporal server, e.g. `npm run temporal`, may be running; stop it or set TEMPORAL_ADDRESS to another port');
  const headless = opts.headless ?? false;
  const uiPort = headless ? undefined : await claimPort(host, opts.uiPort ?? 8233, 'Temporal UI', 'pass another UI port');

  const dataDir = path.resolve(PROJECT_ROOT, opts.dataDir ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, opts.dbFileName ?? 'temporal.sqlite');

  const args = ['server', 'start-dev', '--db-filename', dbFile, '--ip', host, '--port', String(port), '--log-level', opts.logLevel ?? 'warn'];
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  for (const ns of opts.namespaces ?? []) args.push('--namespace', ns);

  const capture = (opts.output ?? 'capture') === 'capture';
  const child = spawn(binary, args, { stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'], env: devServerEnv(opts.env ?? process.env) });
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const tail = () => (lines.length ? `:\n${lines.join('\n')}` : '');

  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      lines.push(err.message);
      resolve(null);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    })();
    return stopping;
  };

  const address = `${host}:${port}`;
  try {
    await waitUntilServing(address, child, exited, opts.readyTimeoutMs ?? 60_000, tail);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: uiPort === undefined ? undefined : `http://${host}:${uiPort}`, dbFile, pid: child.pid as number, exited, stop };
}
