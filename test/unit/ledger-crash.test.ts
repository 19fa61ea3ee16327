import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';

/**
 * "Durable before acknowledgement": a child process appends batches and prints an ack after each
 * append returns; the parent SIGKILLs it mid-stream (no clean close, no checkpoint). Every acked
 * batch must be in the file when it is reopened, and no batch may be half there.
 */
const CHILD = `
require('tsx/cjs');
const { SqliteLedger } = require(${JSON.stringify(path.resolve(__dirname, '../../adapters/persistence/ledger-sqlite.ts'))});
const { Decimal } = require(${JSON.stringify(path.resolve(__dirname, '../../domain/money/decimal.ts'))});
const l = SqliteLedger.open({ file: process.argv[1] });
for (let i = 0; ; i += 1) {
  l.append([
    { kind: 'fill', at: i, exchange: 'binance', asset: 'BTC', delta: new Decimal('0.00000001'), correlationId: 'b' + i, idempotencyKey: 'b' + i + ':1' },
    { kind: 'fill', at: i, exchange: 'binance', asset: 'USDT', delta: new Decimal('-0.00064772'), correlationId: 'b' + i, idempotencyKey: 'b' + i + ':2' },
  ]);
  process.stdout.write('ack ' + i + '\\n');
}
`;

test('every acknowledged batch survives a SIGKILL, whole', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-crash-'));
  const file = path.join(dir, 'ledger.sqlite');
  try {
    const child = spawn(process.execPath, ['-e', CHILD, file], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if ((out.match(/ack /g) ?? []).length >= 40) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${err}`)));
    });
    child.kill('SIGKILL');
    await exited;
    const acked = (out.match(/ack (\d+)\n/g) ?? []).map((l) => Number(l.slice(4)));
    const lastAck = Math.max(...acked);
    expect(lastAck).toBeGreaterThanOrEqual(39);

    const l = SqliteLedger.open({ file });
    const byBatch = new Map<string, number>();
    for (const e of l.entries()) byBatch.set(e.correlationId, (byBatch.get(e.correlationId) ?? 0) + 1);
    for (let i = 0; i <= lastAck; i += 1) expect(byBatch.get(`b${i}`)).toBe(2);
    for (const n of byBatch.values()) expect(n).toBe(2); // no half batch, acked or not
    l.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
