import { Decimal, HUNDRED, ZERO } from '../money/decimal';

const YEAR_MS = 365 * 86_400_000;

/** One transfer that left an exchange (a rebalance that completed or got stuck), as the ledger booked it. */
export interface TransferCostRecord {
  at: number;
  /** Fee + conversion slippage in USD, as planned at the moment it was sent. */
  costUsd: Decimal;
}

/**
 * Rule 25 is about totals, not one transfer: the average cost per rebalance (target $1) and the
 * operating cost over a year (under 0.5 % of capital). This is the standing the next transfer is
 * judged against.
 */
export interface TransferCostSummary {
  rebalances: number;
  totalUsd: Decimal;
  /** Undefined before the first transfer. */
  averageUsd: Decimal | undefined;
  /** Costs of the last 365 days (rolling, so a January does not reset a bad December). */
  yearTotalUsd: Decimal;
  capitalUsd: Decimal | undefined;
  /** yearTotalUsd as a percent of capital, when capital is known. */
  yearPercentOfCapital: Decimal | undefined;
}

export function summarizeTransferCosts(records: readonly TransferCostRecord[], now: number, capitalUsd?: Decimal): TransferCostSummary {
  let totalUsd = ZERO;
  let yearTotalUsd = ZERO;
  for (const r of records) {
    totalUsd = totalUsd.plus(r.costUsd);
    if (r.at > now - YEAR_MS) yearTotalUsd = yearTotalUsd.plus(r.costUsd);
  }
  const known = capitalUsd?.gt(ZERO) ? capitalUsd : undefined;
  return {
    rebalances: records.length,
    totalUsd,
    averageUsd: records.length > 0 ? totalUsd.div(records.length) : undefined,
    yearTotalUsd,
    capitalUsd: known,
    yearPercentOfCapital: known ? yearTotalUsd.times(HUNDRED).div(known) : undefined,
  };
}

export interface TransferCostRule {
  /** transfers.costTargetUsd: the average cost per rebalance to stay under. */
  targetAverageUsd: Decimal;
  /** transfers.yearlyCostBudgetPercentOfCapital. */
  yearlyPercentOfCapital: Decimal;
}

export type TransferCostJudgement =
  | { ok: true; averageAfterUsd: Decimal; yearAfterUsd: Decimal }
  | { ok: false; code: 'AVERAGE_OVER_TARGET' | 'YEARLY_COST_OVER_BUDGET'; reason: string; averageAfterUsd: Decimal; yearAfterUsd: Decimal };

const usd = (x: Decimal) => `$${x.toFixed(2)}`;

/**
 * Would this transfer keep the totals within rule 25? Reaching the target exactly is allowed (the
 * same boundary as the per-transfer budget); a judgement of "no" is not a final refusal: the
 * rebalance asks an operator, who may accept the cost (e.g. a venue that must be refilled now).
 */
export function judgeTransferCost(standing: TransferCostSummary, costUsd: Decimal, rule: TransferCostRule): TransferCostJudgement {
  const averageAfterUsd = standing.totalUsd.plus(costUsd).div(standing.rebalances + 1);
  const yearAfterUsd = standing.yearTotalUsd.plus(costUsd);
  if (averageAfterUsd.gt(rule.targetAverageUsd)) {
    const so = standing.averageUsd ? `${standing.rebalances} so far, average ${usd(standing.averageUsd)}` : 'the first transfer';
    return {
      ok: false, code: 'AVERAGE_OVER_TARGET', averageAfterUsd, yearAfterUsd,
      reason: `would raise the average cost per rebalance to ${usd(averageAfterUsd)}, over the ${usd(rule.targetAverageUsd)} target (${so})`,
    };
  }
  if (standing.capitalUsd) {
    const budget = standing.capitalUsd.times(rule.yearlyPercentOfCapital).div(HUNDRED);
    if (yearAfterUsd.gt(budget)) {
      return {
        ok: false, code: 'YEARLY_COST_OVER_BUDGET', averageAfterUsd, yearAfterUsd,
        reason: `would raise transfer costs over the last 365 days to ${usd(yearAfterUsd)}, over ${rule.yearlyPercentOfCapital.toFixed()} % of ${usd(standing.capitalUsd)} capital (${usd(budget)})`,
      };
    }
  }
  return { ok: true, averageAfterUsd, yearAfterUsd };
}
