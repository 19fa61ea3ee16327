import { moneyPanel } from '../../dashboard/bots';
import type { MoneyView } from '../../signals/defs';

const view = (over: Partial<MoneyView> = {}): MoneyView => ({
  lastReviewAt: '2026-11-30T12:00:00.000Z', reviews: 3, totalUsd: '9000.00', drifts: [], running: {}, events: [], problems: [], ...over,
});

describe('dashboard money panel: rule 25 (average cost per rebalance, last 365 days)', () => {
  it('shows the running average and the yearly total against their targets', () => {
    const p = moneyPanel(view({
      costs: { rebalances: 4, totalUsd: '3.4', averageUsd: '0.85', yearTotalUsd: '2.9', yearPercentOfCapital: '0.0322', targetAverageUsd: '1', yearlyBudgetPercentOfCapital: '0.5' },
    }));
    expect(p.costs).toBe('transfer costs: average $0.85 per rebalance over 4 (target under $1.00); last 365 days $2.90 = 0.0322 % of capital (budget 0.5 %)');
  });

  it('says so before the first transfer and when the costs were not read', () => {
    expect(moneyPanel(view({ costs: { rebalances: 0, totalUsd: '0', yearTotalUsd: '0', targetAverageUsd: '1', yearlyBudgetPercentOfCapital: '0.5' } })).costs)
      .toBe('transfer costs: no transfer yet (target under $1.00 per rebalance, 0.5 % of capital a year)');
    expect(moneyPanel(view()).costs).toBe('transfer costs not read at the last review');
  });
});
