/**
 * The stage of the worker crash trials: a Temporal dev server (the cluster stand-in), the simulator
 * (the exchange; its own OS process, sim-process.ts, so a loaded runner cannot starve it; it
 * survives every kill, so its control handle reads what the exchange really did), a data
 * directory shared by the workers as on one machine,
 * and the real worker processes: `workers/orchestrator.ts` (every workflow and activity, venues at
 * SIM_URL) and the hot path (test/chaos/hotpath-child.ts = startHotpath with its venues at
 * SIM_URL). Each worker reaches the simulator through its own proxy (sim-proxy.ts), which can hold
 * one request so the trial kills the worker at an exact point of a money move.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MODE_WORKFLOW_ID, modeQuery, setModeUpdate, type HotpathSnapshot } from '../../signals/defs';
import { freePort, get } from '../helpers/processes';
import { startDevServer } from '../helpers/temporal';
import { startSimProxy, type SimProxy } from './sim-proxy';
import { startSimProcess, type SimProcess } from './sim-process';

const ROOT = path.resolve(__dirname, '../..');
export const OPS_TASK_QUEUE = 'chaos-ops';

/** Thrown by a probe when waiting longer cannot help (the process waited on has exited). */
export class WaitAborted extends Error {}

/** Waits for a condition, bounded (deadline scaled by the rig's time scale); throws with what was last seen. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, baseMs: number, scale: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + baseMs * scale;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${baseMs * scale} ms waiting for ${what}${last instanceof Error ? ` (last: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export type Role = 'orchestrator' | 'hotpath';

/** One worker OS process (restartable with the same environment and proxy). */
export class WorkerProcess {
  child!: ChildProcess;
  private out: string[] = [];
  private exited!: Promise<void>;
  /** Outputs of earlier runs of this worker (before each kill), oldest first. */
  readonly earlier: string[][] = [];

  constructor(readonly name: string, readonly role: Role, readonly proxy: SimProxy, readonly port: number, private readonly env: NodeJS.ProcessEnv) {
    this.spawn();
  }

  private spawn(): void {
    const entry = this.role === 'orchestrator' ? 'workers/orchestrator.ts' : 'test/chaos/hotpath-child.ts';
    // node itself with tsx's require hook: the `tsx` binary (and `qbot worker`) run the worker in a
    // child of their own, and a SIGKILL to the wrapper would leave the worker alive.
    this.child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, entry)], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    this.out = lines;
    for (const s of [this.child.stdout, this.child.stderr]) if (s) readline.createInterface({ input: s }).on('line', (l) => lines.push(l));
    const child = this.child;
    this.exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  lines(): string[] {
    return this.out;
  }

  output(): string {
    return this.out.join('\n');
  }

  /** The JSON log lines (pino) of the current run whose message is `msg`. */
  logs(msg: string): Array<Record<string, unknown>> {
    return this.out.flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        return o.msg === msg ? [o] : [];
      } catch {
        return [];
      }
    });
  }

  /** `kill -9` of the worker process itself; resolves once the OS reports it dead. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * Starts the worker again with the same environment (same proxy, data dir, ports); `change`
   * alters it (a trial that must show its invariants can fail restarts on the wrong data dir).
   */
  restart(change: NodeJS.ProcessEnv = {}): void {
    if (this.alive()) throw new Error(`${this.name} is still running`);
    this.earlier.push(this.out);
    Object.assign(this.env, change);
    this.spawn();
  }

  async stop(): Promise<void> {
    if (!this.alive()) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(t);
  }

  /** Start-up failures a supervisor's restart got past (e.g. a simulator request timed out on a loaded machine). */
  readonly startFailures: string[] = [];

  /**
   * Waits until the worker serves. A worker that exits while starting is started again, twice at
   * most, as a process manager would; its last words are kept in `startFailures`.
   */
  async ready(scale: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.waitServing(scale);
        return;
      } catch (err) {
        if (!(err instanceof WaitAborted) || attempt >= 3) throw err;
        this.startFailures.push(err.message);
        process.stderr.write(`${this.name} exited while starting; starting it again: ${err.message.slice(-300)}\n`);
        this.restart();
      }
    }
  }

  private async waitServing(scale: number): Promise<void> {
    const exited = () => {
      if (!this.alive()) throw new WaitAborted(`${this.name} exited while starting: ${this.output().slice(-1500)}`);
    };
    if (this.role === 'orchestrator') {
      await until(`${this.name} health`, async () => {
        exited();
        const r = await get(`http://127.0.0.1:${this.port}/health`);
        return r.status === 200 && (JSON.parse(r.body) as { worker?: string }).worker === 'RUNNING';
      }, 120_000, scale, 250);
    } else {
      await until(`${this.name} running`, () => {
        exited();
        return this.logs('chaos hot path ready').length > 0;
      }, 90_000, scale, 100);
    }
  }

  /** The allocations this run of the hot path applied from the mode workflow, in order. */
  appliedModes(): Array<{ mode: string; qbot: string; flipId: string }> {
    return this.logs('allocation applied from the mode workflow').map((o) => ({
      mode: String(o.mode), qbot: String((o.allocationPercent as Record<string, string> | undefined)?.qbot), flipId: String(o.flipId),
    }));
  }
}

export interface Rig {
  env: TestWorkflowEnvironment;
  sim: SimProcess;
  dataDir: string;
  scale: number;
  workers: WorkerProcess[];
  startOrchestrator(name: string): Promise<WorkerProcess>;
  /** `trading`: live = real ccxt orders at the simulator; paper = paper accounts in the data dir's state.sqlite. */
  startHotpath(name: string, trading: 'live' | 'paper', dataDir?: string): Promise<WorkerProcess>;
  /** Writes every worker's output (this run and the killed ones) to a folder; returns its path. */
  keepLogs(label: string): string;
  setMode(mode: 'BTC' | 'GOLD', reason: string): Promise<string>;
  pauseHotpath(reason: string): Promise<HotpathSnapshot>;
  hotpathSnapshot(): Promise<HotpathSnapshot>;
  /** Keeps the simulator's market moving (autoTick off, so a trial can freeze it for a dislocation). */
  ticking(on: boolean): Promise<void>;
  close(keepDir?: boolean): Promise<void>;
}

export async function startRig(o: { seed: number; scale: number }): Promise<Rig> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-crash-'));
  const starting = [startDevServer(), startSimProcess({ port: 0, seed: o.seed, autoTick: false, dislocationRate: 0, withdrawalDelayMs: 300 }, 60_000 * o.scale)] as const;
  const [envStart, simStart] = await Promise.allSettled(starting);
  if (envStart.status === 'rejected' || simStart.status === 'rejected') {
    // Whatever did start goes again: a failed start leaves no dev server or simulator behind.
    if (envStart.status === 'fulfilled') await envStart.value.teardown();
    if (simStart.status === 'fulfilled') await simStart.value.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw envStart.status === 'rejected' ? envStart.reason : (simStart as PromiseRejectedResult).reason;
  }
  const env = envStart.value;
  const sim = simStart.value;
  const ticking = (on: boolean) => sim.ticking(on, 250);
  await ticking(true);
  // The operator's tool for the hot path's control activities (pause, snapshot) on task queue `hotpath`.
  const ops = await Worker.create({
    connection: env.nativeConnection, taskQueue: OPS_TASK_QUEUE, workflowsPath: require.resolve('./workflows/hotpath-ops'),
    shutdownGraceTime: '1 second',
  });
  const opsRunning = ops.run();
  const workers: WorkerProcess[] = [];
  const temporalEnv = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default', LOG_LEVEL: 'info' };
  let opsCount = 0;
  const rig: Rig = {
    env, sim, dataDir, scale: o.scale, workers,
    async startOrchestrator(name) {
      const [proxy, port] = await Promise.all([startSimProxy(`http://127.0.0.1:${sim.port}`), freePort()]);
      const w = new WorkerProcess(name, 'orchestrator', proxy, port, { ...temporalEnv, SIM_URL: proxy.url, QBOT_DATA_DIR: dataDir, ORCHESTRATOR_HEALTH_PORT: String(port) });
      workers.push(w);
      await w.ready(o.scale);
      return w;
    },
    async startHotpath(name, trading, dir) {
      const [proxy, port] = await Promise.all([startSimProxy(`http://127.0.0.1:${sim.port}`), freePort()]);
      // The simulator accepts any key; live trading only insists that some are set.
      const keys = trading === 'live' ? { BINANCE_API_KEY: 'sim', BINANCE_API_SECRET: 'sim', KRAKEN_API_KEY: 'sim', KRAKEN_API_SECRET: Buffer.from('sim').toString('base64') } : {};
      const w = new WorkerProcess(name, 'hotpath', proxy, port, {
        ...temporalEnv, ...keys, SIM_URL: proxy.url, QBOT_DATA_DIR: dir ?? dataDir, QBOT_METRICS_PORT: String(port), TRADING_MODE: trading, LATENCY_MODE: 'laptop',
      });
      workers.push(w);
      await w.ready(o.scale);
      return w;
    },
    keepLogs(label) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `worker-crash-logs-${label}-`));
      for (const w of workers) {
        const file = w.name.replace(/[^a-z0-9]+/gi, '-');
        w.earlier.forEach((lines, i) => fs.writeFileSync(path.join(dir, `${file}.run${i + 1}.log`), lines.join('\n')));
        fs.writeFileSync(path.join(dir, `${file}.run${w.earlier.length + 1}.log`), w.output());
      }
      return dir;
    },
    async setMode(mode, reason) {
      const r = await env.client.workflow.getHandle(MODE_WORKFLOW_ID).executeUpdate(setModeUpdate, { args: [{ mode, reason }] });
      const view = await env.client.workflow.getHandle(MODE_WORKFLOW_ID).query(modeQuery);
      if (view.mode !== mode) throw new Error(`setMode ${mode}: the mode is ${view.mode} (${JSON.stringify(r)})`);
      return view.history.at(-1)?.alertId ?? `initial-${view.mode}`;
    },
    pauseHotpath(reason) {
      opsCount += 1;
      return env.client.workflow.execute('chaosPauseHotpath', { taskQueue: OPS_TASK_QUEUE, workflowId: `chaos-pause-${process.pid}-${opsCount}`, args: [reason] });
    },
    hotpathSnapshot() {
      opsCount += 1;
      return env.client.workflow.execute('chaosHotpathSnapshot', { taskQueue: OPS_TASK_QUEUE, workflowId: `chaos-snapshot-${process.pid}-${opsCount}`, args: [] });
    },
    ticking,
    async close(keepDir) {
      await ticking(false).catch(() => undefined);
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(workers.map((w) => w.proxy.close()));
      ops.shutdown();
      await opsRunning;
      await sim.close();
      await env.teardown();
      if (!keepDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return rig;
}
