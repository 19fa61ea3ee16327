import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { feeSchedulesFromSettings } from '../../adapters/persistence/fee-book-setup';
import { loadConfig } from '../../config/loader';
import { FeeBook } from '../../domain/fees';
import { qbotConfigFrom } from '../../hotpath/qbot-config';
import { backtest, loadBacktestInput } from '../../signals/cli/commands/backtest';
import { runPaperReplay } from '../../workers/paper-replay';
import { buildProgram } from '../../signals/cli/main';
import { BALANCES, recordWithDislocations } from '../helpers/dislocation-recording';

/**
 * The open test of issue #18: the backtest's PnL equals the ledger's of a paper run over the same
 * recording. The paper run is the live hot path (ccxt adapters over `qbot sim --replay-raw`,
 * scanners, gates, executor, paper fills, SQLite ledger), paced frame by frame by its
 * acknowledgements on the recording's clock (workers/paper-replay.ts).
 */
describe('a paper hot path over the replay of a recording and `qbot backtest` of it agree', () => {
  let dir: string;
  const cfg = loadConfig({ env: { LATENCY_MODE: 'laptop', LOG_LEVEL: 'silent', TRADING_MODE: 'paper' } });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-replay-'));
    // Kraken at the depth the hot path subscribes (its 50-level copies ask for 100).
    await recordWithDislocations(path.join(dir, 'rec'), 100);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([0])('latency %i ms: the same trades, and the ledger\'s realised PnL equals the backtest\'s net PnL to the last unit', async (latencyMs) => {
    const rec = path.join(dir, 'rec');
    const report = await backtest(await loadBacktestInput({ recording: rec }), {
      thresholds: [undefined], latencyMs, balances: BALANCES, config: qbotConfigFrom(cfg, 'laptop'), feeBook: new FeeBook(feeSchedulesFromSettings(cfg.settings.fees)),
    });
    expect(report.thresholdSource).toBe('baseline');
    expect(report.run.completed).toBeGreaterThan(0);
    const ledger = SqliteLedger.open({ file: ':memory:' });
    const run = await runPaperReplay({ dir: rec, config: cfg, latencyMs, balances: BALANCES, ledger });
    expect(run.books).toBeGreaterThan(10);
    // The hot path joined before the first dislocation: every trade the backtest took is after it.
    expect(report.run.tradeList.every((t) => t.at >= run.joinedAtMs)).toBe(true);
    // It was handed exactly the recording's book states (top 50 levels, each frame's).
    expect(run.differentBooks).toEqual([]);
    // Attempt by attempt: the same outcomes and realised PnL, in order.
    const results = ledger.entries({ kind: 'decision' }).map((e) => e.details as { type?: string; status?: string; realisedPnlUsd?: string }).filter((d) => d.type === 'attempt-result');
    expect(results.map((d) => [d.status, d.realisedPnlUsd])).toEqual(report.run.tradeList.map((t) => [t.status, t.pnlUsd]));
    expect(ledger.realisedPnlUsd().toFixed()).toBe(report.netPnlUsd);
  });

  it('qbot paper-replay --compare at 40 ms: the same run from the command line says "equal to the last unit"; bad input is refused', async () => {
    const balances = path.join(dir, 'balances.json');
    fs.writeFileSync(balances, JSON.stringify(Object.fromEntries(Object.entries(BALANCES).map(([ex, a]) => [ex, Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.toFixed()]))]))));
    const out: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((x: string) => void out.push(x));
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'qbot', 'paper-replay', '--recording', path.join(dir, 'rec'), '--balances', balances, '--latency-ms', '40', '--compare']);
      await expect(buildProgram().exitOverride().parseAsync(['node', 'qbot', 'paper-replay', '--recording', path.join(dir, 'rec'), '--latency-ms', 'soon'])).rejects.toThrow('--latency-ms must be a whole number');
    } finally {
      spy.mockRestore();
    }
    const pnl = (prefix: string, re: RegExp) => re.exec(out.find((l) => l.startsWith(prefix)) ?? '')?.[1];
    expect(pnl('paper hot path:', /realised PnL (-?[0-9.]+) USD/)).toBe(pnl('backtest:', /net PnL (-?[0-9.]+) USD/));
    expect(pnl('backtest:', /net PnL (-?[0-9.]+) USD/)).not.toBe('0');
    expect(out).toContain('equal to the last unit');
    expect(process.exitCode ?? 0).toBe(0);
  });
});
