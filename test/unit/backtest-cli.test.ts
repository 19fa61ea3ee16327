import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../signals/cli/main';
import { Decimal } from '../../domain/money/decimal';
import { backtestReportSchema, summarizeRun, thresholdRange, type TradeRecord } from '../../domain/backtest/report';
import { OpportunityTracker } from '../../domain/backtest/opportunities';

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

describe('qbot backtest (CLI) over JSONL books', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qbot-backtest-'));
  const file = path.join(dir, 'books.jsonl');
  fs.writeFileSync(file, [
    line('kraken', 'USDT/USD', 900, '0.9999', '1.0001'),
    line('kraken', 'BTC/USD', 1_000, '99900', '100000'),
    line('coinbase', 'BTC/USD', 1_100, '101500', '101600'),
    line('coinbase', 'BTC/USD', 3_000, '100050', '100100'),
  ].join('\n'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes report.json (valid, money as strings) and report.html, and prints one row per threshold', async () => {
    const out = path.join(dir, 'out');
    const printed = (await run(['backtest', '--books', file, '--threshold', '0.4..0.6', '--latency-ms', '0', '--out', out, '--latency', 'laptop'])).join('\n');
    const report = backtestReportSchema.parse(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')));
    expect(report.byThreshold?.map((r) => r.thresholdPercent)).toEqual(['0.4', '0.5', '0.6']);
    expect(report.books).toBe(4);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('<svg data-testid="equity"');
    expect(printed).toMatch(/threshold %\s+trades\s+net PnL USD/);
    expect(printed.split('\n').filter((l) => /^0\.[456] /.test(l))).toHaveLength(3);
  });

  it.each([
    [['backtest', '--out', 'x'], /exactly one of --recording DIR and --books FILE/],
    [['backtest', '--books', 'b', '--recording', 'r', '--out', 'x'], /exactly one of/],
    [['backtest', '--books', 'b', '--threshold', '1..0.4', '--out', 'x'], /range goes down/],
    [['backtest', '--books', 'b', '--threshold', 'lots', '--out', 'x'], /--threshold must be a percent/],
    [['backtest', '--books', 'b', '--latency-ms', '-5', '--out', 'x'], /--latency-ms must be a whole number/],
  ])('refuses bad input with a clear error and writes nothing: %j', async (args, msg) => {
    const cwdOut = path.join(process.cwd(), 'x');
    await expect(run(args)).rejects.toThrow(msg);
    expect(fs.existsSync(cwdOut)).toBe(false);
  });
});

describe('backtest report arithmetic (pure)', () => {
  const t = (at: number, pnl: string, fees: string, expected?: string): TradeRecord => ({
    at, strategy: 'cross', route: 'kraken:BTC/USD -> coinbase:BTC/USD', venues: ['kraken', 'coinbase'], status: 'completed',
    pnlUsd: new Decimal(pnl), feesUsd: new Decimal(fees), ...(expected ? { expectedPnlUsd: new Decimal(expected) } : {}),
    decisionNetPercent: new Decimal('0.6'), thresholdPercent: new Decimal('0.5'),
  });

  it('adds PnL, fees, wins and slippage exactly, per strategy, route and venue', () => {
    const s = summarizeRun({ thresholdPercent: new Decimal('0.5'), thresholdSource: 'fixed', trades: [t(2, '1.10', '0.3', '1.2'), t(1, '-0.2', '0.1', '0.1')], refusedByReason: { NET_BELOW_THRESHOLD: 3 }, evaluated: 5, opportunityDurationsMs: [300, 100, 200] });
    expect(s).toMatchObject({ trades: 2, wins: 1, winRate: '0.5', netPnlUsd: '0.9', feesUsd: '0.4', refused: 3, averageNetPercent: '0.6' });
    // Slippage: (1.10 - 1.2) + (-0.2 - 0.1) = -0.4
    expect(s.slippage).toEqual({ trades: 2, totalUsd: '-0.4', meanUsd: '-0.2' });
    expect(s.equity).toEqual([{ at: 1, pnlUsd: '-0.2' }, { at: 2, pnlUsd: '0.9' }]);
    expect(s.byVenue).toEqual({ coinbase: { trades: 2, netPnlUsd: '0.9', feesUsd: '0.4' }, kraken: { trades: 2, netPnlUsd: '0.9', feesUsd: '0.4' } });
    expect(s.opportunities).toEqual({ count: 3, medianMs: 200, p90Ms: 300, maxMs: 300 });
  });

  it('steps a threshold range by 0.1 or the given step, both ends included, in exact decimals', () => {
    expect(thresholdRange('0.4..1').map((d) => d.toFixed())).toEqual(['0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1']);
    expect(thresholdRange('0.4..1', new Decimal('0.25')).map((d) => d.toFixed())).toEqual(['0.4', '0.65', '0.9']);
    expect(thresholdRange('0.5').map((d) => d.toFixed())).toEqual(['0.5']);
  });

  it('an opportunity lasts from its first passing evaluation to its first failing one', () => {
    const o = new OpportunityTracker();
    o.observe(10, 'a', true);
    o.observe(20, 'a', true);
    o.observe(35, 'a', false);
    o.observe(40, 'b', true);
    expect(o.finish(100)).toEqual([25, 60]);
  });
});
