// Preloaded into a worker process by test/e2e/worker-process-guard.test.ts (NODE_OPTIONS=--require):
// one stray promise rejection, as a failing connection or a library callback would leave, once the
// entry point has had the chance to install its guard (or after 90 s regardless: loading a worker takes long on a busy machine).
/* global setInterval, clearInterval */
'use strict';
const started = Date.now();
const timer = setInterval(() => {
  const guarded = process.listenerCount('unhandledRejection') > 0;
  if (!guarded && Date.now() - started < 90000) return;
  clearInterval(timer);
  void Promise.reject(new Error('stray rejection from the test preload'));
}, 100);
