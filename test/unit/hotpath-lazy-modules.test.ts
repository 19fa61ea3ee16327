import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { scaled } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '../..');

/** The packages a fresh node process has loaded once it required `entry`. */
async function packagesLoadedBy(entry: string): Promise<string[]> {
  const script = `require(${JSON.stringify(path.join(ROOT, entry))});
    const names = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(names)].sort()));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: ROOT, timeout: scaled(30_000) });
  return JSON.parse(stdout) as string[];
}

describe('the hot path loads the Temporal SDK only when it runs its Temporal link', () => {
  it('requiring workers/hotpath.ts loads neither the worker, the client nor the workflow SDK (~50 MB of RSS together)', async () => {
    const loaded = await packagesLoadedBy('workers/hotpath.ts');
    // The module did load: ccxt and SQLite are on its static path.
    expect(loaded).toEqual(expect.arrayContaining(['ccxt', 'better-sqlite3']));
    expect(loaded.filter((p) => ['@temporalio/worker', '@temporalio/client', '@temporalio/workflow', 'webpack', 'rxjs'].includes(p))).toEqual([]);
  }, scaled(40_000));

  it('loads the Temporal link when asked, in a process started as the supervisor starts it (node --require tsx/cjs)', async () => {
    // A dynamic import() goes to Node's ESM loader, which tsx/cjs does not hook: the hot path died
    // at start with "Cannot find module workers/hotpath-link" under the supervisor.
    const script = `require(${JSON.stringify(path.join(ROOT, 'workers/hotpath.ts'))}).loadTemporalLink()
      .then((m) => process.stdout.write(JSON.stringify({ link: typeof m.HotpathLink, queue: m.HOTPATH_TASK_QUEUE, worker: Object.keys(require.cache).some((f) => f.includes('/@temporalio/worker/')) })))
      .catch((err) => { process.stdout.write(JSON.stringify({ error: String(err) })); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd: ROOT, timeout: scaled(30_000) });
    expect(JSON.parse(stdout)).toEqual({ link: 'function', queue: expect.stringMatching(/\S/), worker: true });
  }, scaled(40_000));
});
