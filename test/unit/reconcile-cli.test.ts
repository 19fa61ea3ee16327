import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { Decimal } from '../../domain/money/decimal';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { StateStore } from '../../adapters/persistence/state-sqlite';
import { bookOpeningBalances } from '../../adapters/persistence/ledger-entries';
import { PaperBalances } from '../../adapters/paper/paper-balances';
import { PaperFunding } from '../../adapters/paper/paper-funding';
import { PaperTrading } from '../../adapters/paper/paper-trading';
import { createGbotActivities } from '../../activities/gbot';
import { registerReconcileCommands } from '../../signals/cli/commands/reconcile';
import { systemClock } from '../../ports/clock';
import { depositEntry, depositMissingEntry } from '../../activities/missing-deposits';

const D = (s: string) => new Decimal(s);
const COLD = '0x00000000000000000000000000000000000c01d0';
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reconcile-cli-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ out: string; exitCode: number | undefined }> {
  const program = new Command('qbot').exitOverride();
  registerReconcileCommands(program);
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const before = process.exitCode;
  try {
    await program.parseAsync(['node', 'qbot', 'reconcile', ...args]);
    return { out: out.join('\n'), exitCode: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

/** A paper venue whose opening balances are booked, then a withdrawal to the cold wallet. */
async function paperRun(): Promise<{ wallet: PaperBalances; close: () => void }> {
  const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
  const state = StateStore.open({ file: path.join(dir, 'state.sqlite') });
  const wallet = new PaperBalances({ PAXG: D('1'), USDT: D('500') }, { store: state, exchange: 'kraken' });
  if (wallet.fresh) bookOpeningBalances(ledger, { at: 1, exchange: 'kraken', balances: { PAXG: D('1'), USDT: D('500') } });
  const funding = new PaperFunding({ exchange: 'kraken', wallet, networks: { PAXG: [{ network: 'ERC20', fee: D('0.0001') }] }, allowedAddresses: [COLD], store: state });
  const trading = new PaperTrading({ exchange: 'kraken', markets: [], books: () => undefined, wallet, ledger });
  const acts = createGbotActivities({ venues: [{ exchange: 'kraken', trading, account: trading, funding, markets: [], books: () => undefined, paper: true, booksFills: true }], ledger, clock: systemClock, quoteCurrencies: ['USD'], goldAsset: 'PAXG', coldWalletAddress: COLD, goldNetwork: 'ERC20' });
  expect((await acts.gbotSendToCold({ key: 'k1', exchange: 'kraken', amount: '0.25', purpose: 'flip' })).status).toBe('confirmed');
  return { wallet, close: () => (ledger.close(), state.close()) };
}

describe('qbot reconcile', () => {
  it('lists a deposit booked missing (in transit, not a difference) until its deposit is booked', async () => {
    const r = await paperRun();
    r.close();
    const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite') });
    const txid = 'aa'.repeat(32);
    ledger.append([
      { kind: 'transfer-out', at: 2, exchange: 'binance', asset: 'USDT', delta: D('-99'), correlationId: 'rebalance-USDT-1', idempotencyKey: 'withdrawal:binance:w1:out', details: { to: 'kraken', withdrawalId: 'w1' } },
      depositMissingEntry({ correlationId: 'rebalance-USDT-1', from: 'binance', to: 'kraken', asset: 'USDT', inTransit: '99', txid, withdrawalId: 'w1', since: Date.UTC(2026, 11, 1), reason: 'not credited within 7200 s' }),
    ]);
    const json = JSON.parse((await run('--json', '--data-dir', dir)).out) as { missingDeposits?: unknown };
    expect(json.missingDeposits).toEqual([{ from: 'binance', to: 'kraken', asset: 'USDT', inTransit: '99', txid, since: '2026-12-01T00:00:00.000Z', correlationId: 'rebalance-USDT-1' }]);
    expect((await run('--data-dir', dir)).out).toContain(`DEPOSIT MISSING, in transit: 99 USDT binance -> kraken (txid ${txid}`);
    ledger.append([depositEntry({ at: 3, to: 'kraken', from: 'binance', asset: 'USDT', received: D('99'), txid, correlationId: 'rebalance-USDT-1', late: true })]);
    ledger.close();
    expect((JSON.parse((await run('--json', '--data-dir', dir)).out) as { missingDeposits?: unknown }).missingDeposits).toBeUndefined();
  });

  it('the ledger and the paper exchange agree once opening balances are booked: every difference is zero, exit 0', async () => {
    const r = await paperRun();
    r.close();
    const { out, exitCode } = await run('--json', '--data-dir', dir);
    const report = JSON.parse(out) as { ok: boolean; source: string; differences: Array<{ exchange: string; asset: string; ledgerAmount: string; exchangeAmount: string; difference: string }> };
    expect(report.ok).toBe(true);
    expect(report.source).toBe('paper');
    expect(report.differences).toEqual([
      { exchange: 'kraken', asset: 'PAXG', ledgerAmount: '0.75', exchangeAmount: '0.75', difference: '0' },
      { exchange: 'kraken', asset: 'USDT', ledgerAmount: '500', exchangeAmount: '500', difference: '0' },
    ]);
    expect(exitCode).toBeUndefined();
  });

  it('a balance change the ledger never saw is reported per venue and asset, and exits 1', async () => {
    const r = await paperRun();
    r.wallet.apply([['USDT', D('5.5')]]); // coins arrived that nobody booked
    r.close();
    const { out, exitCode } = await run('--json', '--data-dir', dir);
    const report = JSON.parse(out) as { ok: boolean; differences: Array<{ asset: string; difference: string }> };
    expect(report.ok).toBe(false);
    expect(report.differences.find((d) => d.asset === 'USDT')).toEqual({ exchange: 'kraken', asset: 'USDT', ledgerAmount: '500', exchangeAmount: '505.5', difference: '5.5' });
    expect(exitCode).toBe(1);
    const text = await run('--data-dir', dir);
    expect(text.out).toMatch(/kraken\s+USDT\s+ledger 500\s+exchange 505.5\s+difference 5.5/);
  });
});
