import { scaled } from '../helpers/wait';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const FIX = 'test/fixtures/currencies';
const BINANCE = `${FIX}/binance-usdt.json`;
const KRAKEN = `${FIX}/kraken-usdt.json`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `qbot` binary as an operator runs it, in a child process. */
function qbot(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/qbot.js', 'plan-transfer', ...args], { cwd: ROOT, timeout: scaled(120_000) }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const usdt = (amount: string, from: string, to: string, files: string, ...more: string[]) =>
  ['--asset', 'USDT', '--amount', amount, '--from', from, '--to', to, '--currencies', files, '--json', ...more];

// Eight tsx start-ups at once on a busy 2-core machine can take well over a minute.
jest.setTimeout(scaled(150_000));

// Started together: each run pays tsx's start-up, and they are independent.
const runs: Record<string, Promise<Run>> = {};
beforeAll(() => {
  Object.assign(runs, {
    binanceToKraken: qbot(usdt('1000', 'binance', 'kraken', `${BINANCE},${KRAKEN}`)),
    krakenToBinance: qbot(usdt('1000', 'kraken', 'binance', `${KRAKEN},${BINANCE}`)),
    krakenToBinanceLarge: qbot(usdt('5000', 'kraken', 'binance', `${KRAKEN},${BINANCE}`)),
    belowMinimum: qbot(usdt('499.99', 'binance', 'kraken', `${BINANCE},${KRAKEN}`)),
    human: qbot(['--asset', 'USDT', '--amount', '1000', '--from', 'binance', '--to', 'kraken', '--currencies', `${BINANCE},${KRAKEN}`]),
    badAmount: qbot(usdt('1e3', 'binance', 'kraken', `${BINANCE},${KRAKEN}`)),
    noCurrencies: qbot(['--asset', 'USDT', '--amount', '1000', '--from', 'binance', '--to', 'kraken']),
    unknownAsset: qbot(['--asset', 'DOGE', '--amount', '1000', '--from', 'binance', '--to', 'kraken', '--currencies', `${BINANCE},${KRAKEN}`, '--price-usd', '0.1']),
  });
});

describe('qbot plan-transfer (child process, fixture currencies)', () => {
  it('Binance -> Kraken 1000 USDT: the cheapest network, BNB Smart Chain at 0.29 USDT', async () => {
    const r = await runs.binanceToKraken!;
    expect([r.code, r.stderr]).toEqual([0, '']);
    const plan = JSON.parse(r.stdout);
    // Kraken calls BNB Smart Chain "BSC"; it must still be recognised as our BEP20.
    expect(plan).toMatchObject({ status: 'planned', network: 'BEP20', fee: '0.29', feeUsd: '0.29', costUsd: '0.29', budgetUsd: '1', receives: '999.71', arrivesInMinutes: 3 });
    // Cheapest first: Solana, then Tron at 1 USDT (exactly the $1 budget, still allowed).
    expect(plan.alternatives).toEqual(['SOL', 'TRC20']);
    expect(plan.rejected.map((x: { network: string; code: string }) => `${x.network}:${x.code}`)).toEqual([
      'MATIC:WITHDRAW_DISABLED',
      'AVAXC:NOT_AT_RECEIVER',
      'OPTIMISM:UNKNOWN_NETWORK',
      'ERC20:LARGE_TRANSFERS_ONLY',
    ]);
  });

  it('Kraken -> Binance: the cheapest network beats the preferred route (Tron, Solana); Tron over budget at $1000 only', async () => {
    const small = JSON.parse((await runs.krakenToBinance!).stdout);
    expect(small).toMatchObject({ status: 'planned', network: 'BEP20', fee: '0.3', preferredRoute: false, alternatives: ['SOL', 'MATIC'] });
    expect(small.rejected[0]).toMatchObject({ network: 'TRC20', code: 'OVER_BUDGET' });
    const large = JSON.parse((await runs.krakenToBinanceLarge!).stdout);
    expect(large).toMatchObject({ status: 'planned', network: 'BEP20', fee: '0.3', budgetUsd: '2.5', alternatives: ['SOL', 'MATIC', 'TRC20'] });
  });

  it('exits non-zero with the reason when there is no plan', async () => {
    const r = await runs.belowMinimum!;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'refused', code: 'BELOW_TRANSFER_MINIMUM', reason: '$499.99 is below the $500.00 transfer minimum' });
  });

  it('prints a readable plan without --json', async () => {
    const r = await runs.human!;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PLAN 1000 USDT binance -> kraken on BNB Smart Chain (BEP20)');
    expect(r.stdout).toContain('not ERC20: LARGE_TRANSFERS_ONLY');
  });

  it('refuses bad input with exit code 1 and a clear message', async () => {
    const bad = await runs.badAmount!;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--amount: must be digits/);
    const none = await runs.noCurrencies!;
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/pass --currencies FROM\.json,TO\.json/);
    const unknown = await runs.unknownAsset!;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/binance-usdt\.json: has no currency "DOGE"/);
  });
});
