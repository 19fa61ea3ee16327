/**
 * The simulator of the worker crash trials in its own OS process, as the real exchanges are: run in
 * the trial runner's process it was starved of CPU under load (10 s request timeouts, a deposit
 * never credited, no kill point reached). The runner drives it through `SimControl` over the fork
 * IPC channel (every call answered, errors included) and asks it to keep its market moving; the
 * child exits when the channel closes, so a killed runner leaves no simulator behind.
 *
 * Run as a script it is the child; imported, `startSimProcess` forks it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startSimulator, type SimControl, type SimulatorOptions } from '../../adapters/sim';

type ControlMethod = keyof SimControl;
type AsyncControl = { [K in ControlMethod]: (...args: Parameters<SimControl[K]>) => Promise<ReturnType<SimControl[K]>> };

type Request = { id: number; method: ControlMethod | 'ticking'; args: unknown[] };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
type Ready = { type: 'ready'; port: number };

export interface SimProcess {
  port: number;
  pid: number;
  /** The simulator's control handle; each call is one IPC round trip. */
  control: AsyncControl;
  /** Steps the model every `everyMs` inside the simulator's process (false: the market is frozen). */
  ticking(on: boolean, everyMs?: number): Promise<void>;
  close(): Promise<void>;
}

const CONTROL_METHODS: ControlMethod[] = ['book', 'setBook', 'step', 'injectFault', 'clearFaults', 'balances', 'credit', 'withdrawals', 'orders', 'stats', 'setFeeTier'];

export async function startSimProcess(opts: SimulatorOptions, readyWithinMs: number): Promise<SimProcess> {
  const child: ChildProcess = fork(__filename, [], {
    execArgv: ['--require', 'tsx/cjs'],
    env: { ...process.env, SIM_PROCESS_OPTIONS: JSON.stringify(opts) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let gone: Error | undefined;
  const exited = new Promise<void>((r) => child.once('exit', (code, signal) => {
    gone = new Error(`simulator process exited (${signal ?? code ?? '?'})`);
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
    r();
  }));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`simulator process not ready within ${readyWithinMs} ms`)), readyWithinMs);
    child.once('message', (m: Ready) => {
      clearTimeout(t);
      resolve(m.port);
    });
    void exited.then(() => reject(gone));
  });
  child.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  let next = 0;
  const call = (method: Request['method'], args: unknown[]): Promise<unknown> => {
    if (gone) return Promise.reject(gone);
    const id = ++next;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, method, args } satisfies Request);
    });
  };
  const control = Object.fromEntries(CONTROL_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as AsyncControl;
  return {
    port,
    pid: child.pid ?? -1,
    control,
    async ticking(on, everyMs = 250) {
      await call('ticking', [on, everyMs]);
    },
    async close() {
      if (!gone) child.disconnect();
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function runChild(): Promise<void> {
  const opts = JSON.parse(process.env.SIM_PROCESS_OPTIONS ?? '{}') as SimulatorOptions;
  const sim = await startSimulator(opts);
  let tick: NodeJS.Timeout | undefined;
  const ticking = (on: boolean, everyMs: number) => {
    if (tick) clearInterval(tick);
    tick = on ? setInterval(() => sim.control.step(), everyMs) : undefined;
  };
  const send = (m: Reply | Ready) => process.send?.(m);
  process.on('message', (m: Request) => {
    try {
      let value: unknown;
      if (m.method === 'ticking') ticking(Boolean(m.args[0]), Number(m.args[1]));
      else if (CONTROL_METHODS.includes(m.method)) value = (sim.control[m.method] as (...a: unknown[]) => unknown)(...m.args);
      else throw new Error(`sim process: no control method ${String(m.method)}`);
      send({ id: m.id, ok: true, value: value ?? null });
    } catch (err) {
      send({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
  // The runner is gone (closed, or killed with kill -9): the simulator goes too.
  process.on('disconnect', () => {
    ticking(false, 0);
    void sim.close().then(() => process.exit(0));
  });
  send({ type: 'ready', port: sim.port });
}

if (require.main === module) {
  runChild().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
