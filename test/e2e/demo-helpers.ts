import { eventuallyWithin } from '../helpers/wait';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { effectiveEnv } from '../../config/dotenv';
import { startDemo } from '../../workers/dev';
import { silentProgress } from '../../workers/progress';
import type { RunningSystem } from '../../workers/system';

export const DEMO_TOKEN = 'e2e-dashboard-token-123';
export const DEMO_PASSPHRASE = 'e2e-webhook-passphrase';

/** A fresh data folder under the OS temp dir (one per test file, removed by the caller). */
export function tempDataDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `qbot-${name}-`));
}

/** The demo on free ports (0 everywhere) with its state in `dataDir`, as `npm run demo` starts it. */
export async function startTestDemo(dataDir: string, lines: string[] = [], over: Record<string, string> = {}): Promise<RunningSystem> {
  const env = effectiveEnv({
    withDemoDefaults: true,
    base: {
      QBOT_DATA_DIR: dataDir, TEMPORAL_ADDRESS: '127.0.0.1:0', TEMPORAL_UI_PORT: '0', SIM_PORT: '0', WEBHOOK_PORT: '0',
      DASHBOARD_PORT: '0', QBOT_METRICS_PORT: '0', LOG_LEVEL: 'error', DASHBOARD_TOKEN: DEMO_TOKEN, WEBHOOK_PASSPHRASE: DEMO_PASSPHRASE,
      ...over,
    },
  });
  return startDemo({ env, progress: silentProgress(lines), seed: 7 });
}

/** True when nothing accepts connections on host:port any more. */
export function portClosed(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Polls until `fn` stops throwing; the deadline scales with TEST_TIME_SCALE (test/helpers/wait.ts). */
export function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000, stepMs = 250, what = 'the expectation below to hold'): Promise<T> {
  return eventuallyWithin(what, fn, timeoutMs, stepMs);
}

export const hostPortOf = (url: string): string => new URL(url).host;
