/**
 * Preloaded (`node --require`) into every child the supervisor forks: a child notices its parent's
 * death, even a `kill -9` of it, because the IPC channel closes ('disconnect'). It then stops as if
 * told to (SIGTERM to itself, so its own graceful shutdown runs), and exits anyway after a short
 * grace: no part of the demo outlives the supervisor. A process started without IPC (an operator's
 * `qbot worker …`) is not affected.
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
}
