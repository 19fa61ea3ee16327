import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { installProcessGuard } from '../../workers/process-guard';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CHILD = path.join(ROOT, 'test/fixtures/process-guard-child.ts');

/** Runs the child, answers "ping" once both errors were logged (or it printed "started" unguarded), collects its output. */
function runChild(mode: 'guarded' | 'unguarded'): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [CHILD, mode], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let pinged = false;
    const onOut = (c: Buffer) => {
      out += c.toString();
      const ready = mode === 'guarded' ? out.includes('UNCAUGHT EXCEPTION') && out.includes('UNHANDLED REJECTION') : out.includes('started');
      if (ready && !pinged) {
        pinged = true;
        child.stdin.write('ping\n');
      }
    };
    child.stdout.on('data', onOut);
    child.stderr.on('data', onOut);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test('with the guard, an uncaught exception and an unhandled rejection are logged and the process keeps answering', async () => {
  const r = await runChild('guarded');
  expect(r.out).toContain('boom from a timer');
  expect(r.out).toContain('nobody awaited this');
  expect(r.out).toContain('alive: ping');
  expect(r.code).toBe(0);
}, 60_000);

test('without it the same process dies (the failure the guard prevents)', async () => {
  const r = await runChild('unguarded');
  expect(r.out).not.toContain('alive: ping');
  expect(r.code).not.toBe(0);
}, 60_000);

test('a process throwing in a loop is broken, not unlucky: past the limit it exits 1', () => {
  const lines: string[] = [];
  const exits: number[] = [];
  let t = 0;
  // What Node does with an uncaught exception, without throwing one inside the test runner.
  const fire = (e: Error) => (process as NodeJS.EventEmitter).emit('uncaughtException', e, 'uncaughtException');
  const uninstall = installProcessGuard({ error: (_o, msg) => lines.push(msg) }, { maxPerMinute: 3, exit: (c) => exits.push(c), now: () => t });
  try {
    for (let i = 0; i < 3; i += 1) fire(new Error(`e${i}`));
    expect(exits).toEqual([]);
    t = 61_000; // the first three are now older than a minute
    fire(new Error('e3'));
    expect(exits).toEqual([]);
    for (let i = 0; i < 3; i += 1) fire(new Error(`f${i}`));
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toContain('more than 3 uncaught errors in a minute');
  } finally {
    uninstall();
  }
});
