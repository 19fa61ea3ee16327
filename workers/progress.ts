import { ConfigError } from '../config/loader';
import { TemporalDevServerError } from './temporal-dev-server';
import { ListenError } from '../adapters/net/listen';

/**
 * The start-up display of `npm run demo` / `npm start`: one line per part as it comes up, with
 * the time it took, and a message that names the cause when a part fails.
 */
export interface Progress {
  /** Runs one start-up step; a failure is rethrown as a StartupError naming the step and cause. */
  step<T>(label: string, run: () => Promise<T>, done?: (value: T) => string): Promise<T>;
  info(line: string): void;
}

export class StartupError extends Error {
  constructor(readonly part: string, readonly reason: string) {
    super(`${part} failed: ${reason}`);
    this.name = 'StartupError';
  }
}

/** A human reason for a start-up failure: port in use, binary missing, bad config, or the message. */
export function explainStartupError(err: unknown): string {
  if (err instanceof StartupError) return err.reason;
  if (err instanceof ConfigError) return `bad config: ${err.message}`;
  if (err instanceof TemporalDevServerError || err instanceof ListenError) return err.message;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; issues?: Array<{ path: unknown[]; message: string }> };
  if (e && e.code === 'EADDRINUSE') return `port ${e.address ?? ''}:${e.port ?? ''} is already in use (stop what holds it or set another port, see README)`;
  if (e && e.code === 'EACCES') return `not allowed to listen on ${e.address ?? ''}:${e.port ?? ''} (ports below 1024 need privileges)`;
  if (e && e.code === 'ENOENT') return `file not found: ${e.message}`;
  if (e && Array.isArray(e.issues)) return `bad config: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  const message = err instanceof Error ? err.message : String(err);
  if (/ENOTFOUND|EAI_AGAIN|ENETUNREACH/.test(message)) return `cannot reach the network (offline? DNS?): ${message}; \`npm run demo\` runs without internet`;
  return message;
}

export function consoleProgress(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`), now: () => number = Date.now): Progress {
  return {
    async step(label, run, done) {
      const t0 = now();
      write(`  … ${label}`);
      try {
        const value = await run();
        const secs = ((now() - t0) / 1000).toFixed(1);
        write(`  ✔ ${label}${done ? `: ${done(value)}` : ''} (${secs} s)`);
        return value;
      } catch (err) {
        const cause = explainStartupError(err);
        write(`  ✘ ${label}: ${cause}`);
        throw new StartupError(label, cause);
      }
    },
    info(line) {
      write(line);
    },
  };
}

/** Progress that records lines (tests, or a caller that prints elsewhere). */
export function silentProgress(lines: string[] = []): Progress {
  return consoleProgress((l) => lines.push(l));
}
