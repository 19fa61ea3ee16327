import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../signals/cli/main';

const line = (exchange: string, symbol: string, t: number, bid: string, ask: string) =>
  JSON.stringify({ exchange, symbol, timestamp: t, bids: [[bid, '5']], asks: [[ask, '5']] });

async function run(args: string[]): Promise<string[]> {
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'qbot', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('qbot scan', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-scan-'));
  const file = path.join(dir, 'books.jsonl');
  fs.writeFileSync(file, [
    line('kraken', 'BTC/USD', 1_000, '99900', '100000'),
    line('coinbase', 'BTC/USD', 1_100, '101500', '101600'),
    line('coinbase', 'BTC/USD', 3_000, '100050', '100100'),
  ].join('\n'));

  it('prints one JSON line per evaluated opportunity and a summary', async () => {
    const lines = (await run(['scan', '--books', file, '--json', '--all', '--latency', 'laptop'])).map((l) => JSON.parse(l) as Record<string, unknown>);
    const [first, ...rest] = lines;
    // Kraken taker 0.40 %, Coinbase 0.60 % (config fees): 1.5 % gross leaves ~0.48 % after the rebalance cost: below 0.5 %.
    expect(first).toMatchObject({ strategy: 'cross', markets: ['kraken:BTC/USD', 'coinbase:BTC/USD'], accepted: false, rejectedBy: 'NET_BELOW_THRESHOLD' });
    expect(typeof first!.netProfit).toBe('string');
    const summary = rest[rest.length - 1] as { summary: { books: number; evaluated: number; accepted: number } };
    // The third book is still crossed by 0.05 %, but Kraken's book is 2 s old by then (laptop allows 1.5 s).
    expect(rest[0]).toMatchObject({ rejectedBy: 'BOOK_STALE', reason: 'BOOK_STALE: market=kraken:BTC/USD ageMs=2000 maxAgeMs=1500' });
    expect(summary.summary).toMatchObject({ books: 3, evaluated: 2, accepted: 0 });
  });

  it('without --all, the live prefilter (net of the lowest fees) prunes it before any Decimal work', async () => {
    const lines = (await run(['scan', '--books', file, '--json'])).map((l) => JSON.parse(l) as { summary?: { evaluated: number; prefiltered: number } });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.summary).toMatchObject({ evaluated: 0 });
    expect(lines[0]!.summary!.prefiltered).toBeGreaterThan(0);
  });

  it('refuses a malformed file with the line number, changing nothing', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, `${line('kraken', 'BTC/USD', 1, '1', '2')}\n{"exchange":"kraken"}\n`);
    await expect(run(['scan', '--books', bad, '--json'])).rejects.toThrow(/^line 2: /);
  });
});
