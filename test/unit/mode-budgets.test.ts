import { Decimal } from '../../domain/money/decimal';
import { loadConfig } from '../../config/loader';
import { modeBudgets } from '../../workers/capital';
import type { TradingMode } from '../../domain/allocation';

// The orchestrator's capital guard sizes the A-bot's and G-bot's budgets on the mode in force.
// A flip must count at once: the A-bot acts on its activation within a second, and a budget cached
// from the previous mode refused its first buys (found by the split e2e: budget 0 right after a
// flip to BTC, the signal's buy refused OVER_BUDGET and never retried).
describe('the orchestrator guard budgets follow the mode in force', () => {
  const config = loadConfig({ env: {} });
  let now = 1_000_000;
  let mode: TradingMode = 'GOLD';
  let portfolioReads = 0;
  const budgets = modeBudgets({
    config, clock: { now: () => now }, refreshMs: 10_000,
    readMode: async () => mode,
    portfolioUsd: async () => { portfolioReads += 1; return new Decimal('100000'); },
  });

  it('gives the new mode\'s split right after a flip, within the refresh period', async () => {
    expect((await budgets()).abot?.toFixed()).toBe('0');
    mode = 'BTC';
    now += 1_000;
    expect((await budgets()).abot?.toFixed()).toBe('15000');
    expect((await budgets()).gbot?.toFixed()).toBe('0');
  });

  it('re-reads the portfolio only after the refresh period while the mode stays', async () => {
    const before = portfolioReads;
    now += 1_000;
    await budgets();
    expect(portfolioReads).toBe(before);
    now += 10_000;
    await budgets();
    expect(portfolioReads).toBe(before + 1);
  });
});
