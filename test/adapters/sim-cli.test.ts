import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import ccxt from 'ccxt';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`qbot sim exited with ${String(code)} before printing: ${err}`)));
  });
}

describe('qbot sim (standalone)', () => {
  it('--json prints urls that a stock ccxt client deep-merges and uses; SIGINT stops it cleanly', async () => {
    const child = spawn(TSX, ['signals/cli/run.ts', 'sim', '--json', '--exchanges', 'kraken', '--seed', '4'], { cwd: ROOT });
    try {
      const urls = JSON.parse(await firstLine(child)) as Record<string, { api: Record<string, unknown> }>;
      expect(Object.keys(urls)).toEqual(['kraken']);
      const ex = new ccxt.pro.kraken({ apiKey: 'any', secret: Buffer.from('any-secret').toString('base64'), urls: urls.kraken });
      await ex.loadHttpProxyAgent();
      const ob = await ex.watchOrderBook('BTC/USD', 10);
      expect(ob.bids.length).toBe(10);
      const bal = await ex.fetchBalance();
      expect(bal.USD?.total).toBe(100000);
      await ex.close();
    } finally {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  }, 60_000);

  it('refuses a bad fault spec with a clear message and exit code 1', async () => {
    const child = spawn(TSX, ['signals/cli/run.ts', 'sim', '--faults', 'kraken:explode=1'], { cwd: ROOT });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/unknown fault "explode"/);
  }, 60_000);
});
