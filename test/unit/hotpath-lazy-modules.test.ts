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
});
