import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../../domain/money';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { ROOT } from '../helpers/processes';
import { scaled } from '../helpers/wait';

// The supervised demo's venues are the local simulator: its processes open the ledger with
// `simulated`, every entry they book carries `details.simulated: true`, and `qbot ledger entries`
// says so. Entries booked by a process on real or paper venues carry no such tag.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-simulated-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fill = (key: string, details?: Record<string, unknown>) => ({
  kind: 'fill' as const, at: 1_000, exchange: 'binance' as const, asset: 'BTC', delta: new Decimal('0.01'), correlationId: key, idempotencyKey: key,
  ...(details ? { details } : {}),
});

function qbotLedgerEntries(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/qbot.js'), 'ledger', 'entries', '--file', file], { cwd: ROOT, timeout: scaled(30_000) },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

test('entries booked by a simulator process are tagged simulated (details kept); others are not; qbot ledger entries shows the tag', async () => {
  const file = path.join(dir, 'ledger.sqlite');
  const sim = SqliteLedger.open({ file, simulated: true });
  expect(sim.append([fill('sim-1', { reason: 'demo trade' }), fill('sim-2')])).toBe(true);
  // A retry of the same step is still one booking, tag or not.
  expect(sim.append([fill('sim-1', { reason: 'demo trade' })])).toBe(false);
  sim.close();
  const paper = SqliteLedger.open({ file });
  paper.append([fill('paper-1')]);
  expect(paper.entries().map((e) => [e.correlationId, e.details])).toEqual([
    ['sim-1', { reason: 'demo trade', simulated: true }],
    ['sim-2', { simulated: true }],
    ['paper-1', undefined],
  ]);
  paper.close();

  const lines = (await qbotLedgerEntries(file)).trim().split('\n');
  expect(lines.map((l) => [l.split('  ')[6], l.endsWith('[simulated]')])).toEqual([['sim-1', true], ['sim-2', true], ['paper-1', false]]);
}, scaled(60_000));
