import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { Decimal } from '../../domain/money/decimal';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { orderFilled } from '../../adapters/persistence/ledger-entries';
import { registerLedgerCommands } from '../../signals/cli/commands/ledger';

const d = (x: string) => new Decimal(x);
let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-cli-'));
  file = path.join(dir, 'ledger.sqlite');
  const l = SqliteLedger.open({ file });
  const ref = { at: Date.UTC(2026, 10, 2), exchange: 'binance' as const, symbol: 'BTC/USDT', side: 'buy' as const, clientOrderId: 'c1', correlationId: 'opp-1' };
  l.append(orderFilled({ ...ref, orderId: 'o1', filled: d('0.6'), cost: d('60.15'), fees: [{ currency: 'USDT', amount: d('0.06015') }], realisedPnlUsd: d('0.1') }));
  l.append(orderFilled({ ...ref, side: 'sell', clientOrderId: 'c2', orderId: 'o2', filled: d('0.6'), cost: d('60.45'), fees: [{ currency: 'USDT', amount: d('0.06045') }], realisedPnlUsd: d('0.2') }));
  l.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<string> {
  const program = new Command('qbot').exitOverride();
  registerLedgerCommands(program);
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    await program.parseAsync(['node', 'qbot', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('\n');
}

describe('qbot ledger / qbot fees quote', () => {
  test('balances, fees, pnl and entries read back exactly', async () => {
    // USDT: -60.15 - 0.06015 + 60.45 - 0.06045 = 0.1794; BTC: 0.6 - 0.6 = 0
    expect(await run('ledger', 'balances', '--file', file)).toBe(['binance      BTC    0', 'binance      USDT   0.1794'].join('\n'));
    expect(JSON.parse(await run('ledger', 'fees', '--file', file, '--json'))).toEqual([{ exchange: 'binance', asset: 'USDT', amount: '0.1206' }]);
    expect(await run('ledger', 'pnl', '--file', file)).toBe('realised PnL: 0.3 USD');
    expect(await run('ledger', 'pnl', '--file', file, '--since', '2026-12-01')).toBe('realised PnL: 0 USD');
    const entries = JSON.parse(await run('ledger', 'entries', '--file', file, '--kind', 'fee', '--json')) as Array<{ delta: string }>;
    expect(entries.map((e) => e.delta)).toEqual(['-0.06015', '-0.06045']);
    expect((await run('ledger', 'entries', '--file', file, '--last', '1')).split('\n')).toHaveLength(1);
  });

  test('a missing ledger is an error, and inspecting never creates one', async () => {
    const missing = path.join(dir, 'nope.sqlite');
    await expect(run('ledger', 'balances', '--file', missing)).rejects.toThrow(/no ledger at/);
    expect(fs.existsSync(missing)).toBe(false);
    await expect(run('ledger', 'pnl', '--file', file, '--since', 'yesterday-ish')).rejects.toThrow(/--since must be/);
  });

  test('read-only: the CLI connection cannot write', () => {
    const ro = SqliteLedger.open({ file, readOnly: true });
    expect(() => ro.append([{ kind: 'decision', at: 1, correlationId: 'x' }])).toThrow(/readonly/);
    ro.close();
  });

  test('fees quote prints the fee book rate and reason', async () => {
    expect(await run('fees', 'quote', 'kraken', 'BTC/USD', '1000', '--file', file)).toMatch(/^0.4 % in USD: kraken BTC\/USD taker 0.4 %/);
    const q = JSON.parse(await run('fees', 'quote', 'binance', 'BTC/USDT', '1000', '--discount-asset-usd', '5', '--json')) as { rate: string; feeCurrency: string };
    expect(q).toMatchObject({ rate: '0.00075', feeCurrency: 'BNB' });
  });

  test('the real qbot binary has the command wired', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.resolve(__dirname, '../../bin/qbot.js'), 'ledger', 'pnl', '--file', file], { env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(out.trim()).toBe('realised PnL: 0.3 USD');
  });
});
