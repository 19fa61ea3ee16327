import { Worker } from 'node:worker_threads';

/**
 * Preloaded (`node --require`) into every child the supervisor forks: a child notices its parent's
 * death, even a `kill -9` of it, and exits. No part of the demo outlives the supervisor. A process
 * started without IPC (an operator's `qbot worker …`) is not affected.
 *
 * Two watches, because one is not enough on a busy machine:
 * - the IPC channel closing ('disconnect'): the child stops as if told to (SIGTERM to itself, so its
 *   own graceful shutdown runs) and exits after a short grace anyway;
 * - a watchdog thread that sees the parent pid change (reparented). The main thread cannot react
 *   while it is still loading its modules (15 s and more on a loaded laptop), a thread can: SIGTERM,
 *   then SIGKILL once the grace is over.
 */
const GRACE_MS = 7_000;

if (process.send) {
  process.once('disconnect', () => {
    setTimeout(() => process.exit(0), GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  // A 'disconnect' listener refs the IPC channel, which alone would keep a finished process alive
  // (a receiver or simulator that closed everything would wait for the supervisor's SIGKILL).
  process.channel?.unref();

  const watchdog = new Worker(
    `const { workerData: w } = require('node:worker_threads');
     const t = setInterval(() => {
       if (process.ppid === w.parent) return;
       clearInterval(t);
       try { process.kill(w.self, 'SIGTERM'); } catch {}
       setTimeout(() => { try { process.kill(w.self, 'SIGKILL'); } catch {} }, w.graceMs);
     }, 250);`,
    // The supervisor says who it is: a child forked a moment before the supervisor died starts out
    // already reparented, and process.ppid alone would look normal to it.
    { eval: true, workerData: { parent: Number(process.env.QBOT_SUPERVISOR_PID) || process.ppid, self: process.pid, graceMs: GRACE_MS + 1_000 } },
  );
  watchdog.unref();
}
