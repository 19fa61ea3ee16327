import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { formatDecimal } from '../../domain/money/format';
import { ROOT } from './processes';
import { waitUntil } from './wait';

/** One OS process holding paper venues on a state file (test/fixtures/paper/venues.ts), asked over stdin. */
export interface PaperVenueProcess {
  child: ChildProcessWithoutNullStreams;
  ask(cmd: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

let nextId = 0;

/** Starts the process on `file` and waits for its "ready"; the caller stops it (afterEach). */
export async function startPaperVenueProcess(file: string, latencyMs = 0): Promise<PaperVenueProcess> {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'test/fixtures/paper/venues.ts'), file, String(latencyMs)], { cwd: ROOT });
  const answers = new Map<number, { result?: unknown; error?: string }>();
  let ready = false;
  let buf = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') ready = true;
      else if (line.startsWith('{')) {
        const a = JSON.parse(line) as { id: number; result?: unknown; error?: string };
        answers.set(a.id, a);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const v: PaperVenueProcess = {
    child,
    async ask(cmd) {
      const id = (nextId += 1);
      child.stdin.write(`${JSON.stringify({ ...cmd, id })}\n`);
      const a = await waitUntil(`answer to ${JSON.stringify(cmd)} (stderr: ${stderr.slice(-300)})`, () => answers.get(id), 30_000, 10);
      if (a.error) throw new Error(`${String(cmd.op)} failed in the venue process: ${a.error}`);
      return a.result;
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitUntil(`venue process ready (stderr: ${stderr.slice(-300)})`, () => ready || child.exitCode !== null, 30_000);
  } catch (err) {
    await v.stop();
    throw err;
  }
  if (!ready) throw new Error(`venue process exited: ${stderr}`);
  return v;
}

/** An exchange's paper totals as the state file holds them, read by a fresh connection. */
export function paperTotals(file: string, exchange: string): Record<string, string> {
  const store = StateStore.open({ file });
  try {
    return Object.fromEntries(Object.entries(new PaperBalances({}, { store, exchange }).snapshot()).map(([a, b]) => [a, formatDecimal(b.total)]));
  } finally {
    store.close();
  }
}

/** A starter for this test file's venue processes; every process it started is stopped after each test. */
export function paperVenueProcesses(): (file: string, latencyMs?: number) => Promise<PaperVenueProcess> {
  const running: PaperVenueProcess[] = [];
  afterEach(async () => {
    for (const v of running.splice(0)) await v.stop();
  });
  return async (file, latencyMs) => {
    const v = await startPaperVenueProcess(file, latencyMs);
    running.push(v);
    return v;
  };
}
