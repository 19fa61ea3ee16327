import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { ROOT } from '../helpers/processes';
import { scaled } from '../helpers/wait';

// The demo starts the orchestrator, the hot path and the dashboard side by side on one fresh data
// folder; each opens the ledger, and the first open creates its tables. Found by the split e2e:
// "orchestrator failed: table entries already exists" when two processes migrated at once.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-race-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openAt(file: string, at: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'test/fixtures/ledger/open-at.ts'), file, String(at)], { cwd: ROOT, timeout: scaled(30_000) },
      (err, stdout, stderr) => resolve(`${stdout.trim()}${err && !stdout ? ` ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` : ''}`));
  });
}

test('processes opening a fresh ledger at the same moment all succeed, and the schema is created once', async () => {
  for (let round = 0; round < 2; round += 1) {
    const file = path.join(dir, `ledger-${round}.sqlite`);
    // Far enough ahead that every child has loaded its modules and spins until the same millisecond.
    const at = Date.now() + scaled(4_000);
    const results = await Promise.all(Array.from({ length: 6 }, () => openAt(file, at)));
    expect(results).toEqual(Array.from({ length: 6 }, () => 'opened'));
    const ledger = SqliteLedger.open({ file });
    expect(ledger.entries()).toEqual([]);
    ledger.close();
  }
}, scaled(90_000));
