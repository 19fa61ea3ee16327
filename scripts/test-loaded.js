#!/usr/bin/env node
/**
 * `npm run test:loaded`: the whole suite (`npm test`) while two busy-loop processes hold both
 * cores, as on a user's laptop that is doing other work. Prints the wall time and exits with the
 * suite's exit code. Extra arguments go to `npm test` (e.g. `-- test/unit`).
 *
 * The busy loops run at normal priority and are killed when the suite ends, however it ends.
 */
'use strict';
const { spawn } = require('node:child_process');
const os = require('node:os');

const burners = Number(process.env.TEST_LOADED_BURNERS ?? 2);
if (!Number.isInteger(burners) || burners < 0 || burners > 64) {
  console.error(`test:loaded: TEST_LOADED_BURNERS must be an integer 0-64, got ${process.env.TEST_LOADED_BURNERS}`);
  process.exit(2);
}

const loops = Array.from({ length: burners }, () =>
  // Each burner also exits when this script dies (its IPC channel closes), so none is left spinning.
  spawn(process.execPath, ['-e', "process.on('disconnect', () => process.exit(0)); for (;;) { for (let i = 0; i < 1e7; i += 1); }"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
const stopLoops = () => loops.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
process.on('exit', stopLoops);

const started = Date.now();
console.log(`test:loaded: ${burners} busy-loop processes on ${os.cpus().length} cores; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const suite = spawn(npm, ['test', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => suite.kill(sig));
suite.on('exit', (code, signal) => {
  stopLoops();
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`test:loaded: npm test ${code === 0 ? 'passed' : `failed (${signal ?? code})`} in ${secs} s with ${burners} busy loops; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  process.exit(code ?? 1);
});
