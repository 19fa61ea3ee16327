import { ApplicationFailure, condition, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { approveRebalanceUpdate, rebalanceQuery, rejectRebalanceUpdate, type RebalanceState, type RebalanceView } from '../signals/defs';
import { Decimal } from '../domain/money/decimal';
import type { ExchangeId } from '../domain/market';
import type { MoneyActivities } from '../activities/money';
import { boundedActivities, describeRun } from './activity-policy';

export interface RebalanceInput {
  rebalanceId: string;
  asset: string;
  /** Decimal strings. */
  amount: string;
  priceUsd: string;
  from: ExchangeId;
  to: ExchangeId;
  /** Transfers worth more than this wait for an operator (settings.transfers.approvalAboveUsd). */
  approvalAboveUsd: string;
  approvalTimeoutMs: number;
  depositTimeoutMs: number;
  /**
   * Rule 25 (decimal strings): a transfer that would push the average cost per rebalance over
   * the target, or the last 365 days over their share of capital, waits for an operator.
   */
  costRule?: { targetAverageUsd: string; yearlyPercentOfCapital: string; capitalUsd?: string };
  /**
   * How long one attempt of a step may go unheard (a quick step's start-to-close, the deposit
   * wait's heartbeat) before Temporal gives it to a worker again; default 1 minute. A worker
   * killed mid-step is noticed only then (the crash trials shorten it; retries are safe: every
   * money move is keyed).
   */
  attemptTimeoutMs?: number;
}

/**
 * One cross-exchange transfer: plan on live networks -> operator approval above the configured
 * amount -> withdraw under the rebalance's idempotency key -> wait for the receiver to credit it.
 * Every ending is a state with its reason, booked in the ledger; nothing that moves money is
 * retried in a way that could send twice (the Funding port dedupes by key, and a withdrawal whose
 * outcome stays unknown ends as `stuck` for an operator instead of being sent again).
 */
export async function rebalanceWorkflow(input: RebalanceInput): Promise<RebalanceView> {
  const view: RebalanceView = { rebalanceId: input.rebalanceId, asset: input.asset, amount: input.amount, from: input.from, to: input.to, state: 'planning', history: [] };
  const move = (state: RebalanceState, note?: string) => {
    view.state = state;
    view.history.push({ state, at: new Date().toISOString(), ...(note ? { note } : {}) });
    describeRun({ asset: input.asset, amount: input.amount, state: `${state} ${input.from} -> ${input.to}` });
  };
  move('planning');
  let decision: { approved: boolean; by: string; reason?: string } | undefined;

  setHandler(rebalanceQuery, () => ({ ...view, history: [...view.history] }));
  const mustAwait = () => {
    if (view.state !== 'awaiting-approval') throw new Error(`rebalance ${input.rebalanceId} is ${view.state}, not awaiting approval`);
  };
  setHandler(approveRebalanceUpdate, async ({ by }) => {
    decision = { approved: true, by };
    await condition(() => view.state !== 'awaiting-approval');
    return { ...view };
  }, { validator: (r) => { mustAwait(); if (!r?.by) throw new Error('say who approves (by)'); } });
  setHandler(rejectRebalanceUpdate, async ({ by, reason }) => {
    decision = { approved: false, by, reason };
    await condition(() => view.state !== 'awaiting-approval');
    return { ...view };
  }, { validator: (r) => { mustAwait(); if (!r?.by || !r.reason?.trim()) throw new Error('a rejection needs who (by) and a reason'); } });

  // Same commands as before, only their timeouts may differ: no patch needed.
  const attempt = input.attemptTimeoutMs ?? '1 minute';
  const quick = proxyActivities<MoneyActivities>(boundedActivities({ startToClose: attempt, maximumInterval: '30 seconds', maximumAttempts: 10 }));
  const follow = proxyActivities<MoneyActivities>(boundedActivities({
    startToClose: input.depositTimeoutMs + 120_000, heartbeatTimeout: attempt, maximumInterval: '30 seconds', maximumAttempts: 20,
  }));

  const finish = async (state: RebalanceState, reason: string): Promise<RebalanceView> => {
    view.reason = reason;
    move(state, reason);
    if (state !== 'completed') log.warn('rebalance ended without a transfer', { rebalanceId: input.rebalanceId, state, reason });
    await quick.recordRebalance({ rebalanceId: input.rebalanceId, outcome: state, details: { ...view, history: undefined } });
    return { ...view };
  };

  const plan = await quick.planTransfer({ asset: input.asset, amount: input.amount, from: input.from, to: { kind: 'exchange', exchange: input.to }, priceUsd: input.priceUsd });
  if (plan.status === 'refused') return finish('refused', `${plan.code}: ${plan.reason}`);
  Object.assign(view, { network: plan.network, fee: plan.fee, costUsd: plan.costUsd });

  // patched: runs started before the cost rule went straight on to the approval check.
  const cost = input.costRule && patched('rebalance-cost-rule') ? await quick.judgeRebalanceCost({ costUsd: plan.costUsd, ...input.costRule }) : undefined;
  const large = new Decimal(plan.amountUsd).gt(new Decimal(input.approvalAboveUsd));
  if (large || (cost && !cost.ok)) {
    const why = [large ? `$${plan.amountUsd} is above $${input.approvalAboveUsd}` : '', cost && !cost.ok ? `cost $${plan.costUsd} ${cost.reason}` : ''];
    move('awaiting-approval', why.filter((x) => x).join('; '));
    const answered = await condition(() => decision !== undefined, input.approvalTimeoutMs);
    if (!answered) return finish('rejected', `no approval within ${Math.round(input.approvalTimeoutMs / 1000)} s`);
    if (!decision!.approved) return finish('rejected', `rejected by ${decision!.by}: ${decision!.reason}`);
  }

  move('withdrawing', `${plan.network}, fee ${plan.fee} ${input.asset}`);
  const leg = { rebalanceId: input.rebalanceId, asset: input.asset, from: input.from, to: input.to, network: plan.network, amount: plan.amount, fee: plan.fee };
  let sent;
  try {
    sent = await quick.submitWithdrawal(leg);
  } catch (err) {
    return finish('stuck', `withdrawal outcome unknown, not retried: ${describe(err)}`);
  }
  if (sent.status === 'rejected') return finish('withdrawal-rejected', `${sent.code}: ${sent.reason}`);
  view.withdrawalId = sent.id;
  move('in-transit', `withdrawal ${sent.id}`);

  let outcome;
  try {
    outcome = await follow.awaitTransfer({ ...leg, withdrawalId: sent.id, timeoutMs: input.depositTimeoutMs });
  } catch (err) {
    return finish('stuck', `lost track of withdrawal ${sent.id}: ${describe(err)}`);
  }
  if (outcome.status === 'failed') return finish('withdrawal-failed', outcome.reason);
  if (outcome.status === 'stuck') return finish('stuck', outcome.reason);
  // Same command (the outcome's record) as a stuck ending: only its name and reason differ.
  if (outcome.status === 'deposit-missing') {
    Object.assign(view, { txid: outcome.txid, inTransit: outcome.inTransit });
    return finish('deposit-missing', outcome.reason);
  }
  Object.assign(view, { txid: outcome.txid, received: outcome.received });
  const approvedBy = decision?.approved ? `; approved by ${decision.by}` : '';
  return finish('completed', `credited ${outcome.received} ${input.asset} on ${input.to}${approvedBy}`);
}

function describe(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.message;
  if (err instanceof Error) return err.cause instanceof Error ? err.cause.message : err.message;
  return String(err);
}
