import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal, ZERO } from '../../domain/money/decimal';
import { formatDecimal } from '../../domain/money/format';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { ROOT } from '../helpers/processes';
import { scaled, waitUntil } from '../helpers/wait';

// Paper mode over real data runs as separate processes (orchestrator and hot path) on one
// state.sqlite: they trade one paper inventory, so what each process does must add up there.
// Found by the shared-paper work: each process kept its own copy of the balances in memory and
// wrote it back whole, so the last writer erased the other's trades.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-shared-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Trader { child: ChildProcessWithoutNullStreams; lines: string[]; exited: Promise<number | null> }

function startTrader(file: string, prefix: string, count: number): Trader {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'test/fixtures/paper/trader.ts'), file, prefix, String(count)], { cwd: ROOT });
  const lines: string[] = [];
  let buf = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0) lines.push(`stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    resolve(code);
  }));
  return { child, lines, exited };
}

test('two processes trading one paper account: the stored balances are the opening balances plus both processes\' fills', async () => {
  const file = path.join(dir, 'state.sqlite');
  const count = 30;
  const traders = [startTrader(file, 'a', count), startTrader(file, 'b', count)];
  try {
    // Both have loaded the paper account before either trades.
    await waitUntil('both traders ready', () => traders.every((t) => t.lines.includes('ready')) || undefined, scaled(30_000));
    for (const t of traders) t.child.stdin.end('go\n');
    const codes = await Promise.all(traders.map((t) => t.exited));
    expect(traders.map((t) => t.lines.slice(-1)[0]?.startsWith('{') ? 'done' : t.lines.join(' / '))).toEqual(['done', 'done']);
    expect(codes).toEqual([0, 0]);
  } finally {
    for (const t of traders) if (t.child.exitCode === null) t.child.kill('SIGKILL');
  }

  const expected = new Map<string, Decimal>([['USDT', new Decimal('10000')], ['BTC', new Decimal('1')]]);
  for (const t of traders) {
    const deltas = JSON.parse(t.lines.slice(-1)[0] as string) as Record<string, string>;
    for (const [asset, d] of Object.entries(deltas)) expected.set(asset, (expected.get(asset) ?? ZERO).plus(new Decimal(d)));
  }
  const store = StateStore.open({ file });
  try {
    const after = new PaperBalances({}, { store, exchange: 'binance' });
    expect(after.fresh).toBe(false);
    const totals = Object.fromEntries(Object.entries(after.snapshot()).map(([a, b]) => [a, formatDecimal(b.total)]));
    expect(totals).toEqual(Object.fromEntries([...expected].map(([a, d]) => [a, formatDecimal(d)])));
    // Both processes really traded: 15 buys and 15 sells each of 0.01 BTC, so BTC is back at 1.
    expect(totals.BTC).toBe('1');
  } finally {
    store.close();
  }
}, scaled(60_000));
