import { SqliteLedger } from '../../adapters/persistence/ledger-sqlite';
import { createMoneyActivities } from '../../activities/money';
import { judgeTransferCost, summarizeTransferCosts } from '../../domain/money-manager';
import { Decimal } from '../../domain/money/decimal';

const d = (s: string) => new Decimal(s);
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');

function book(ledger: SqliteLedger, id: string, outcome: string, costUsd: string | undefined, at: number) {
  ledger.append([{ kind: 'decision', at, correlationId: id, idempotencyKey: `rebalance:${id}:${outcome}`, details: { what: 'rebalance', outcome, ...(costUsd ? { costUsd } : {}) } }]);
}

describe('rule 25: average cost per rebalance and yearly total, from the ledger', () => {
  it('summarises every transfer that left (completed or stuck), the running average and the last 365 days', () => {
    const s = summarizeTransferCosts([
      { at: NOW - 400 * DAY, costUsd: d('2') },
      { at: NOW - 10 * DAY, costUsd: d('0.5') },
      { at: NOW - DAY, costUsd: d('0.8') },
    ], NOW, d('9000'));
    expect([s.rebalances, s.totalUsd.toFixed(), s.averageUsd!.toFixed(), s.yearTotalUsd.toFixed(), s.yearPercentOfCapital!.toFixed(4)])
      .toEqual([3, '3.3', '1.1', '1.3', '0.0144']);
    expect(summarizeTransferCosts([], NOW).averageUsd).toBeUndefined();
  });

  it('refuses a transfer that would push the average over the target, or the year over its share of capital', () => {
    const rule = { targetAverageUsd: d('1'), yearlyPercentOfCapital: d('0.5') };
    const s = summarizeTransferCosts([{ at: NOW - DAY, costUsd: d('0.9') }, { at: NOW - DAY, costUsd: d('0.9') }], NOW, d('9000'));
    // (1.8 + 1.2) / 3 = 1 exactly: allowed (the rule is "under", reaching it is the limit)
    expect(judgeTransferCost(s, d('1.2'), rule)).toMatchObject({ ok: true, averageAfterUsd: d('1') });
    const over = judgeTransferCost(s, d('1.5'), rule);
    expect(over).toEqual({ ok: false, code: 'AVERAGE_OVER_TARGET', averageAfterUsd: d('1.1'), yearAfterUsd: d('3.3'), reason: 'would raise the average cost per rebalance to $1.10, over the $1.00 target (2 so far, average $0.90)' });
    // $9,000 at 0.5 % = $45 a year; $44.50 spent
    const year = summarizeTransferCosts(Array.from({ length: 89 }, () => ({ at: NOW - DAY, costUsd: d('0.5') })), NOW, d('9000'));
    const y = judgeTransferCost(year, d('0.6'), rule);
    expect(y).toMatchObject({ ok: false, code: 'YEARLY_COST_OVER_BUDGET' });
    expect((y as { reason: string }).reason).toBe('would raise transfer costs over the last 365 days to $45.10, over 0.5 % of $9000.00 capital ($45.00)');
  });

  it('the ledger query and the activity read the costs the rebalance workflow booked (decimal strings out)', async () => {
    const ledger = SqliteLedger.open({ file: ':memory:' });
    book(ledger, 'rebalance-USDT-1', 'completed', '1', NOW - 2 * DAY);
    book(ledger, 'rebalance-USDT-2', 'stuck', '0.5', NOW - DAY);
    book(ledger, 'rebalance-USDT-3', 'refused', undefined, NOW - DAY);
    book(ledger, 'rebalance-USDT-4', 'withdrawal-rejected', '0.7', NOW - DAY);
    expect(ledger.transferCosts().map((c) => [c.correlationId, c.costUsd.toFixed()])).toEqual([['rebalance-USDT-1', '1'], ['rebalance-USDT-2', '0.5']]);
    const acts = createMoneyActivities({
      venues: {}, ledger, clock: { now: () => NOW }, catalogue: { networks: {}, preferredRoutes: [] },
      rules: { minimumUsd: d('500'), costTargetUsd: d('1'), costBudgetPercentOfAmount: d('0.05'), erc20MinimumUsd: d('10000'), avalancheMaxFeeUsd: d('1') },
    });
    expect(await acts.rebalanceCosts({ capitalUsd: '9000' })).toEqual({ rebalances: 2, totalUsd: '1.5', averageUsd: '0.75', yearTotalUsd: '1.5', yearPercentOfCapital: '0.0167' });
    expect(await acts.judgeRebalanceCost({ costUsd: '1.6', targetAverageUsd: '1', yearlyPercentOfCapital: '0.5', capitalUsd: '9000' }))
      .toEqual({ ok: false, code: 'AVERAGE_OVER_TARGET', averageAfterUsd: '1.03', yearAfterUsd: '3.1', reason: 'would raise the average cost per rebalance to $1.03, over the $1.00 target (2 so far, average $0.75)' });
    ledger.close();
  });
});
