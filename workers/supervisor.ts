import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { explainStartupError, StartupError, type Progress } from './progress';

/**
 * A small process supervisor (`npm run demo`, `npm start`): starts its parts in order, each as its
 * own forked Node process, and waits until each is ready before the next; prefixes every child's
 * output with the part's name; restarts a part that dies with back-off (bounded: after
 * `maxQuickFailures` deaths in a row shortly after starting it gives up and stops everything);
 * stops the parts in reverse order. Children are forked with an IPC channel and preload
 * parent-watch.ts, so they exit when the supervisor dies, even by `kill -9`.
 *
 * Hand-written on child_process.fork rather than a process manager (pm2 and friends daemonise and
 * outlive their caller, the opposite of what a demo needs).
 */
export interface PartSpec {
  /** Shown in progress lines and as the prefix of the part's output. */
  name: string;
  /** The file to fork (absolute, or relative to the project root). */
  entry: string;
  args?: string[];
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** A short description once ready (a URL), or undefined while not ready yet. Called repeatedly. */
  ready(): Promise<string | undefined>;
  readyTimeoutMs?: number;
  /** SIGTERM, then SIGKILL after this long (the orchestrator drains activities for up to 30 s). */
  stopGraceMs?: number;
  /**
   * Parts that must be ready before this one is forked (default: every part listed before it).
   * Parts that do not need each other start side by side: a busy laptop waits for the slowest, not the sum.
   */
  after?: string[];
}

export interface SupervisorOptions {
  parts: PartSpec[];
  progress: Progress;
  /** Where children's prefixed output goes (default stdout). */
  write?: (line: string) => void;
  /** Back-off before a restart: `firstBackoffMs` doubling up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** A part that dies within `quickMs` of starting, `maxQuickFailures` times in a row, is given up on. */
  quickMs?: number;
  maxQuickFailures?: number;
  /** Called once the supervisor gave up on a part (after it stopped everything). */
  onGiveUp?: (part: string, reason: string) => void;
  /** Node flags for the children (default: the TypeScript hook and the measured young generation, docs/qbot.md). */
  execArgv?: string[];
}

const ROOT = path.resolve(__dirname, '..');
const PARENT_WATCH = path.join(__dirname, 'parent-watch.ts');

export function defaultExecArgv(): string[] {
  return ['--max-semi-space-size=16', '--require', require.resolve('tsx/cjs'), '--require', PARENT_WATCH];
}

interface Running {
  spec: PartSpec;
  child: ChildProcess;
  startedAt: number;
  exited: Promise<void>;
  /** Processes the child started and reported (the Temporal binary behind its shim). */
  extraPids: number[];
  tail: string[];
}

export interface PartState {
  name: string;
  pid: number | undefined;
  extraPids: number[];
  restarts: number;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly restarts = new Map<string, number>();
  private readonly quickFailures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly write: (line: string) => void;
  private readonly width: number;
  private stopping: Promise<void> | undefined;
  private started = false;
  /** Every pid any part ever had (tests check none is left). */
  readonly allPids: number[] = [];

  constructor(private readonly o: SupervisorOptions) {
    this.write = o.write ?? ((l) => process.stdout.write(`${l}\n`));
    this.width = Math.max(...o.parts.map((p) => p.name.length));
  }

  /** Starts every part in order; a part that cannot start is named, what started is stopped, and this rejects. */
  async start(): Promise<void> {
    const ready = new Map<string, Promise<void>>();
    this.o.parts.forEach((spec, i) => {
      const deps = (spec.after ?? this.o.parts.slice(0, i).map((p) => p.name)).map((n) => ready.get(n));
      ready.set(spec.name, Promise.all(deps).then(async () => {
        if (this.stopping) return;
        await this.o.progress.step(spec.name, async () => {
          const r = await this.launch(spec);
          return `${r.detail} · pid ${r.pid}${r.extra.length ? ` (${r.extra.join(', ')})` : ''}`;
        }, (d) => d);
      }));
    });
    try {
      // The first failure is the cause; parts still starting are then stopped with the rest.
      await Promise.all(ready.values());
    } catch (err) {
      await this.stop();
      throw err;
    }
    if (!this.stopping) this.started = true;
  }

  states(): PartState[] {
    return this.o.parts.map((p) => {
      const r = this.running.get(p.name);
      return { name: p.name, pid: r?.child.pid, extraPids: r?.extraPids ?? [], restarts: this.restarts.get(p.name) ?? 0 };
    });
  }

  /** Stops every running part in reverse order (SIGTERM, then SIGKILL after its grace); idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      for (const spec of [...this.o.parts].reverse()) {
        const r = this.running.get(spec.name);
        if (!r) continue;
        if (r.child.exitCode !== null || r.child.signalCode !== null) {
          // Already dead (waiting for a restart, or given up on): nothing to stop but its helpers.
          killLeftovers(r);
          continue;
        }
        this.o.progress.info(`  ■ stopping ${spec.name} (pid ${r.child.pid})`);
        await this.terminate(r);
        this.o.progress.info(`  ■ ${spec.name} stopped${describeExit(r.child)}`);
      }
    })();
    return this.stopping;
  }

  private async terminate(r: Running): Promise<void> {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      signalGroup(r.child, 'SIGTERM');
      const killer = setTimeout(() => signalGroup(r.child, 'SIGKILL'), r.spec.stopGraceMs ?? 15_000);
      await r.exited;
      clearTimeout(killer);
    }
    killLeftovers(r);
  }

  /** Forks the part and waits until it is ready, or it exits, or its time runs out. */
  private async launch(spec: PartSpec): Promise<{ detail: string; pid: number; extra: number[] }> {
    const child = fork(path.resolve(ROOT, spec.entry), spec.args ?? [], {
      cwd: ROOT, env: { ...spec.env, QBOT_SUPERVISOR_PID: String(process.pid) }, execArgv: this.o.execArgv ?? defaultExecArgv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a Ctrl-C at the terminal reaches the supervisor only, which stops the parts in order.
      detached: true,
    });
    const r: Running = {
      spec, child, startedAt: Date.now(), extraPids: [], tail: [],
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
    };
    this.running.set(spec.name, r);
    if (child.pid) this.allPids.push(child.pid);
    // Said at once, so an operator (or a test) knows every pid even if the part never gets ready.
    this.o.progress.info(`  · ${spec.name}: pid ${child.pid ?? '?'}`);
    child.on('error', (err) => this.emit(spec.name, `! ${err.message}`, r));
    child.on('message', (m: unknown) => {
      const pids = (m as { qbotChildPids?: unknown })?.qbotChildPids;
      if (!Array.isArray(pids)) return;
      for (const p of pids.filter((x): x is number => Number.isInteger(x))) {
        r.extraPids.push(p);
        this.allPids.push(p);
        this.o.progress.info(`  · ${spec.name}: its helper process, pid ${p}`);
      }
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (l) => this.emit(spec.name, l, r));
    }
    void r.exited.then(() => this.onExit(r));

    const deadline = Date.now() + (spec.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new StartupError(spec.name, `exited${describeExit(child)} before it was ready${r.tail.length ? `:\n${r.tail.map((l) => `      ${l}`).join('\n')}` : ''}`);
      }
      if (this.stopping) throw new StartupError(spec.name, 'stopped while starting');
      const detail = await spec.ready().catch(() => undefined);
      if (detail !== undefined && child.exitCode === null) return { detail, pid: child.pid as number, extra: r.extraPids };
      if (Date.now() > deadline) {
        await this.terminate(r);
        throw new StartupError(spec.name, `not ready after ${Math.round((spec.readyTimeoutMs ?? 120_000) / 1000)} s${r.tail.length ? `:\n${r.tail.map((l) => `      ${l}`).join('\n')}` : ''}`);
      }
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  private emit(name: string, line: string, r: Running): void {
    r.tail.push(line);
    r.tail.splice(0, Math.max(0, r.tail.length - 8));
    this.write(`${name.padEnd(this.width)} │ ${line}`);
  }

  private onExit(r: Running): void {
    killLeftovers(r);
    if (this.stopping || !this.started || this.running.get(r.spec.name) !== r) return;
    const { name } = r.spec;
    const quickMs = this.o.quickMs ?? 30_000;
    const quick = Date.now() - r.startedAt < quickMs;
    const failures = quick ? (this.quickFailures.get(name) ?? 0) + 1 : 1;
    this.quickFailures.set(name, failures);
    const max = this.o.maxQuickFailures ?? 5;
    if (failures >= max) {
      const reason = `${name} died ${failures} times in a row within ${Math.round(quickMs / 1000)} s of starting${describeExit(r.child)}: giving up`;
      this.o.progress.info(`  ✘ ${reason}; stopping everything`);
      void this.stop().then(() => this.o.onGiveUp?.(name, reason));
      return;
    }
    const delay = Math.min(this.o.maxBackoffMs ?? 30_000, (this.o.firstBackoffMs ?? 1_000) * 2 ** (failures - 1));
    this.o.progress.info(`  ✘ ${name} exited${describeExit(r.child)}; restarting in ${(delay / 1000).toFixed(1)} s (attempt ${failures} of ${max - 1})`);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopping) return;
      this.restarts.set(name, (this.restarts.get(name) ?? 0) + 1);
      this.launch(r.spec).then(
        (x) => this.o.progress.info(`  ✔ ${name} restarted: ${x.detail} · pid ${x.pid}`),
        // The new child's own exit (if it died) already scheduled the next attempt or the give-up.
        (err: unknown) => this.o.progress.info(`  ✘ ${name} did not come back: ${explainStartupError(err).split('\n')[0] ?? ''}`),
      );
    }, delay);
    this.timers.add(t);
  }
}

function describeExit(child: ChildProcess): string {
  if (child.signalCode) return ` (signal ${child.signalCode})`;
  if (child.exitCode !== null) return ` (code ${child.exitCode})`;
  return '';
}

/** The child leads its own process group (detached): signal the group, so helpers it spawned go too. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function killLeftovers(r: Running): void {
  for (const pid of r.extraPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
