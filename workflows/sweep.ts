import { ApplicationFailure, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { GBOT_WORKFLOW_ID, goldColdAddedSignal, sweepQuery, type SweepView } from '../signals/defs';
import { Decimal } from '../domain/money/decimal';
import { judgeSendable, judgeSweep, monthKey } from '../domain/sweep';
import type { ExchangeId } from '../domain/market';
import type { SweepActivities } from '../activities/sweep';
import type { GbotActivities } from '../activities/gbot';
import { boundedActivities, describeRun } from './activity-policy';

export interface SweepInput {
  month: string;
  profitPercent: string;
  allowedModes: string[];
  maxPerCalendarMonth: number;
}

const sweepActs = proxyActivities<SweepActivities>(boundedActivities({ startToClose: '30 seconds', maximumAttempts: 10 }));
const gold = proxyActivities<GbotActivities>(boundedActivities({ startToClose: '1 minute', maximumAttempts: 10 }));

/**
 * The monthly sweep (id `sweep-YYYY-MM`): 15 % of the realised profit since the last sweep, as
 * PAXG to the cold wallet, in BTC mode, once per calendar month. A refusal fails the run with
 * type `SweepRefused` and the reason, which is what `qbot sweep` prints.
 */
export async function sweepWorkflow(input: SweepInput): Promise<SweepView> {
  const view: SweepView = { month: input.month, state: 'checking', message: 'checking the rules' };
  setHandler(sweepQuery, () => ({ ...view }));
  describeRun({ asset: 'PAXG', state: `checking ${input.month}` });
  const refuse = async (reason: string): Promise<never> => {
    Object.assign(view, { state: 'refused', message: reason });
    describeRun({ asset: 'PAXG', state: `refused: ${reason}` });
    await sweepActs.sweepRecord({ month: input.month, what: `refused:${workflowInfo().runId}`, details: { reason } });
    throw ApplicationFailure.nonRetryable(reason, 'SweepRefused');
  };

  const ctx = await sweepActs.sweepContext();
  const verdict = judgeSweep({
    month: input.month, currentMonth: monthKey(Date.now()), mode: ctx.mode, allowedModes: input.allowedModes, sweptMonths: ctx.sweptMonths,
    maxPerMonth: input.maxPerCalendarMonth, profitSinceLastUsd: new Decimal(ctx.profitSinceLastUsd), profitPercent: new Decimal(input.profitPercent),
  });
  if (!verdict.ok) return refuse(verdict.reason);
  const amountUsd = verdict.amountUsd.toFixed(2);
  // Can what we buy be sent? Checked before the claim: a refusal here leaves the month free.
  let buyOn: { exchanges?: ExchangeId[] } = {};
  if (patched('sweep-checks-withdrawal-first')) {
    const limits = await gold.gbotColdWithdrawalLimits();
    const sendable = judgeSendable({
      amountUsd: new Decimal(amountUsd), goldPriceUsd: new Decimal(await gold.gbotGoldPriceUsd()),
      venues: limits.venues.map((v) => ({ exchange: v.exchange, withdrawMin: new Decimal(v.withdrawMin), withdrawFee: new Decimal(v.withdrawFee) })),
    });
    if (!sendable.ok) return refuse(sendable.code === 'NO_WITHDRAWAL_ROUTE' ? `${sendable.reason} (${limits.unavailable.join('; ')})` : sendable.reason);
    // Buy only where the amount can leave again.
    buyOn = { exchanges: sendable.exchanges as ExchangeId[] };
  }
  const claim = await sweepActs.sweepClaim({ month: input.month, runId: workflowInfo().runId, profitUsd: verdict.profitUsd.toFixed(), amountUsd });
  if (!claim.claimed) return refuse(claim.reason ?? `the sweep for ${input.month} already ran`);

  Object.assign(view, { state: 'buying', message: `buying PAXG for ${amountUsd} USD (15 % of ${verdict.profitUsd.toFixed(2)} USD)`, amountUsd });
  const t = await gold.gbotBuyGold({ key: `sweep:${input.month}:buy`, budgetUsd: amountUsd, ...buyOn });
  if (t.status !== 'confirmed') {
    Object.assign(view, { state: 'failed', message: `PAXG purchase refused: ${t.reason}` });
    throw ApplicationFailure.nonRetryable(view.message, 'SweepFailed');
  }
  Object.assign(view, { state: 'sending', message: `sending ${t.filled} PAXG from ${t.exchange} to the cold wallet`, paxg: t.filled });
  const c = await gold.gbotSendToCold({ key: `sweep:${input.month}:cold`, exchange: t.exchange, amount: t.filled, purpose: 'sweep' });
  if (c.status !== 'confirmed') {
    // The PAXG stays on the exchange and the month stays claimed: an operator decides, loudly.
    Object.assign(view, { state: 'failed', message: `bought ${t.filled} PAXG on ${t.exchange} but the cold wallet transfer was refused: ${c.reason}` });
    throw ApplicationFailure.nonRetryable(view.message, 'SweepFailed');
  }
  await sweepActs.sweepRecord({ month: input.month, what: 'done', details: { amountUsd, paxg: c.amount, exchange: t.exchange, txid: c.txid, paper: c.paper } });
  try {
    await getExternalWorkflowHandle(GBOT_WORKFLOW_ID).signal(goldColdAddedSignal, { month: input.month, amount: c.amount, costUsd: t.usd });
  } catch {
    // No G-bot running: the ledger has the transfer; its `gold` view just will not include it.
  }
  describeRun({ asset: 'PAXG', amount: c.amount, state: 'done' });
  Object.assign(view, { state: 'done', message: `swept ${c.amount} PAXG (${amountUsd} USD) to the cold wallet${c.paper ? ' (paper)' : ''}` });
  return { ...view };
}
