/**
 * Temporal message definitions and task-queue names: the one place they are spelled.
 * Workflow code imports this file directly (never an index that also pulls in the webhook
 * receiver or the CLI, whose Node imports break the workflow bundle).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TradingMode, BotName } from '../domain/allocation';

export const ORCHESTRATOR_TASK_QUEUE = 'orchestrator';
export const HOTPATH_TASK_QUEUE = 'hotpath';

export const MODE_WORKFLOW_ID = 'mode';

/** A macro alert as it reaches the mode workflow (validated by the receiver first). */
export interface MacroAlert {
  mode: TradingMode;
  /** Unique alert id; TradingView can deliver the same alert twice. */
  alertId: string;
  /** When TradingView fired it, ISO-8601. */
  firedAt: string;
  source: 'tradingview' | 'operator';
  reason: string;
}

export interface SetModeRequest {
  mode: TradingMode;
  reason: string;
  /** Optional: operators may pass their own id to make a retry idempotent. */
  requestId?: string;
  /**
   * Optional ISO time the request refers to; when given, a request older than the last applied
   * alert is refused. Without it the workflow's own clock stamps the request.
   */
  firedAt?: string;
}

export interface SetModeResult {
  mode: TradingMode;
  changed: boolean;
  message: string;
}

export interface ModeFlip {
  from: TradingMode;
  to: TradingMode;
  at: string;
  reason: string;
  alertId: string;
  source: MacroAlert['source'];
}

export interface ModeView {
  mode: TradingMode;
  changedAt: string | null;
  reason: string;
  /** Capital split in force, percent as decimal strings. */
  allocationPercent: Record<BotName, string>;
  history: ModeFlip[];
  pendingFlips: number;
  /** The flip being applied right now, if any. */
  flipInProgress?: { from: TradingMode; to: TradingMode; alertId: string } | null;
  /** Bots switched on or off by the mode in force. */
  bots?: Record<BotName, 'active' | 'inactive'>;
  /** firedAt of the newest accepted alert. */
  lastAlertAt?: string | null;
  /** Recent alerts that changed nothing (duplicates, out of order, invalid), newest last. */
  ignoredAlerts?: Array<{ alertId: string; why: string; at: string }>;
}

export const macroSignal = defineSignal<[MacroAlert]>('macro');
export const setModeUpdate = defineUpdate<SetModeResult, [SetModeRequest]>('setMode');
export const modeQuery = defineQuery<ModeView>('mode');

// --- A-bot alerts -------------------------------------------------------------------------------
// TradingView's buy/sell alerts for the A-bot go to a durable inbox workflow (id `abot-inbox`)
// that keeps them in order until the A-bot workflow takes them: nothing accepted by the receiver
// is lost while the A-bot itself is not running (or not written yet).

export const ABOT_INBOX_WORKFLOW_ID = 'abot-inbox';

export interface AbotAlert {
  action: 'buy' | 'sell';
  /** Asset code from coins.json `abotUniverse`, e.g. "SOL". */
  ticker: string;
  alertId: string;
  firedAt: string;
  source: 'tradingview' | 'operator';
}

export interface AbotInboxView {
  pending: AbotAlert[];
  /** How many alerts were ever accepted, and how many were handed to the A-bot. */
  received: number;
  taken: number;
  duplicatesIgnored: number;
  /** Failed deliveries to the A-bot in a row (the alerts stay pending), and the last reason. */
  deliveryFailures?: number;
  lastDeliveryError?: string | null;
}

export const abotAlertSignal = defineSignal<[AbotAlert]>('abotAlert');
export const abotInboxQuery = defineQuery<AbotInboxView>('abotInbox');
/** The A-bot takes up to `max` alerts, oldest first; they leave the inbox. */
export const takeAbotAlertsUpdate = defineUpdate<AbotAlert[], [{ max: number }]>('takeAbotAlerts');

// --- Hot path control (activities on HOTPATH_TASK_QUEUE, implemented by hotpath/control.ts) ------

export interface HotpathAllocationRequest {
  mode: TradingMode;
  /** Percent of capital per bot, decimal strings. */
  allocationPercent: Record<BotName, string>;
  /** The flip that asks for it: re-applying the same flip is a no-op. */
  flipId: string;
}

export interface HotpathSnapshot {
  mode: TradingMode | null;
  allocationPercent: Record<BotName, string> | null;
  paused: boolean;
  pausedReason: string | null;
  lastFlipId: string | null;
  /** How many distinct allocations were applied since the process started. */
  allocationsApplied: number;
  updatedAt: string | null;
  /** A tripped kill switch (durable like the pause; an operator's resume clears it). */
  killSwitch: { reason: string; at: string } | null;
}

export interface HotpathControlActivities {
  applyAllocation(req: HotpathAllocationRequest): Promise<{ applied: boolean; snapshot: HotpathSnapshot }>;
  pauseHotpath(req: { reason: string }): Promise<HotpathSnapshot>;
  resumeHotpath(): Promise<HotpathSnapshot>;
  hotpathSnapshot(): Promise<HotpathSnapshot>;
}

// --- Rebalance (workflow id `rebalance-<asset>-<n>`, implemented by workflows/rebalance.ts) ------

export type RebalanceState =
  | 'planning' | 'awaiting-approval' | 'withdrawing' | 'in-transit'
  | 'completed' | 'refused' | 'rejected' | 'withdrawal-rejected' | 'withdrawal-failed' | 'stuck'
  /** The sender completed the withdrawal, the receiver never credited it by the deadline: booked as in transit. */
  | 'deposit-missing';

export interface RebalanceView {
  rebalanceId: string;
  asset: string;
  /** Decimal string, what leaves the sender. */
  amount: string;
  from: string;
  to: string;
  state: RebalanceState;
  network?: string;
  fee?: string;
  costUsd?: string;
  withdrawalId?: string;
  txid?: string;
  received?: string;
  /** Decimal string: sent but not credited by the deadline (state deposit-missing). */
  inTransit?: string;
  /** Why it ended the way it did (refusal, rejection, failure, timeout), or who approved. */
  reason?: string;
  history: Array<{ state: RebalanceState; at: string; note?: string }>;
}

export const rebalanceQuery = defineQuery<RebalanceView>('rebalance');
/** Operator approval of a large transfer; refused unless the rebalance is waiting for it. */
export const approveRebalanceUpdate = defineUpdate<RebalanceView, [{ by: string }]>('approveRebalance');
export const rejectRebalanceUpdate = defineUpdate<RebalanceView, [{ by: string; reason: string }]>('rejectRebalance');

// --- Money manager (workflow id `money`, implemented by workflows/money.ts) ---------------------

export const MONEY_WORKFLOW_ID = 'money';

export interface MoneyView {
  lastReviewAt: string | null;
  reviews: number;
  totalUsd: string | null;
  /** Per inventory asset: drift in percent (decimal string) and whether it is over the limit. */
  drifts: Array<{ asset: string; driftPercent: string; exceedsLimit: boolean }>;
  /** Rebalances running now, by asset (workflow ids). */
  running: Record<string, string>;
  /** Recent decisions: started, skipped (with why), finished (with the outcome). */
  events: Array<{ at: string; asset: string; what: string }>;
  /** Exchanges whose balances could not be read at the last review, and assets that could not be judged. */
  problems: string[];
  /** The dynamic BNB reserve on Binance at the last review (decimal strings), when it could be sized. */
  bnb?: { balance: string; required: string; topUp: string; binding: 'fee-spend' | 'minimum' } | null;
  /**
   * Rule 25 from the ledger (USD, decimal strings): transfers that left, their running average
   * per rebalance, the last 365 days' total and its percent of capital; with the targets.
   */
  costs?: {
    rebalances: number; totalUsd: string; averageUsd?: string; yearTotalUsd: string; yearPercentOfCapital?: string;
    targetAverageUsd: string; yearlyBudgetPercentOfCapital: string;
  };
}

export const moneyQuery = defineQuery<MoneyView>('money');
/** Review balances now instead of at the next interval. */
export const reviewMoneySignal = defineSignal('reviewMoney');

// --- A-bot, G-bot and the monthly sweep ---------------------------------------------------------

export const ABOT_WORKFLOW_ID = 'abot';
export const GBOT_WORKFLOW_ID = 'gbot';

/** A flip's instruction to a bot: active with `percent` of the capital, or inactive (percent "0"). */
export interface BotActivation {
  flipId: string;
  mode: TradingMode;
  percent: string;
}
export const botActivateSignal = defineSignal<[BotActivation]>('botActivate');
export const botDeactivateSignal = defineSignal<[BotActivation]>('botDeactivate');

export interface AbotOrderRequest {
  action: 'buy' | 'sell';
  coin: string;
  /** Alert id or operator request id: the same id twice is one order. */
  requestId: string;
  source: 'tradingview' | 'operator';
}

export interface AbotOrderResult {
  done: boolean;
  message: string;
}

/** Fire-and-forget (TradingView alerts) and waiting (operators: the answer is the outcome). */
export const abotOrderSignal = defineSignal<[AbotOrderRequest]>('abotOrder');
export const abotOrderUpdate = defineUpdate<AbotOrderResult, [AbotOrderRequest]>('abotOrderUpdate');

export interface AbotSlotView {
  slot: number;
  coin: string | null;
  exchange?: string;
  amount?: string;
  costUsd?: string;
  seatWarmer?: boolean;
  closing?: boolean;
  staked?: { productId: string; amount: string; apy: string; since: string } | null;
}

export interface AbotView {
  active: boolean;
  mode: TradingMode | null;
  percent: string;
  slots: AbotSlotView[];
  realisedPnlUsd: string;
  rewardsUsd: string;
  /** Recent outcomes, newest last: what was done or refused and why. */
  recent: Array<{ id: string; action: string; coin: string; done: boolean; message: string }>;
  queued: number;
  /**
   * Positions the exchange held less of than the A-bot remembered when it went to act (newest
   * last): it acted on the exchange's figure. More on the exchange is not a difference: other
   * bots may hold the same coin there.
   */
  reconciliation?: Array<{ coin: string; exchange: string; believed: string; actual: string; difference: string; at: string }>;
}
export const slotsQuery = defineQuery<AbotView>('slots');

export interface GoldView {
  active: boolean;
  mode: TradingMode | null;
  percent: string;
  perExchange: Array<{ exchange: string; amount: string; costUsd: string }>;
  coldWallet: { amount: string; costUsd: string };
  /** USD per PAXG over everything held (exchanges and cold wallet). */
  averageCostUsd: string;
  realisedPnlUsd: string;
  cycles: Array<{ flipId: string; mode: TradingMode; sold: string; kept: string; message: string }>;
  /**
   * PAXG a flip to BTC could not sell (refused or partly filled): it stays on the exchange, never
   * withdrawn, and is retried with back-off; `needs-operator` once the bounded attempts ran out.
   */
  pendingSales?: GoldPendingSale[];
  /** The last comparison of the G-bot's memory with the exchanges' balances, before it acted. */
  reconciliation?: GoldReconciliation;
}
/** What the G-bot believed it held per exchange and what the exchange said (decimal strings). */
export interface GoldReconciliation {
  flipId: string;
  differences: Array<{ exchange: string; believed: string; actual: string; difference: string }>;
  /** Venues whose balances could not be read: the G-bot kept its own figure for them. */
  unavailable: string[];
}
export interface GoldPendingSale {
  flipId: string;
  exchange: string;
  /** PAXG still to sell, decimal string. */
  amount: string;
  attempts: number;
  state: 'retrying' | 'needs-operator';
  lastReason: string;
}
export const goldQuery = defineQuery<GoldView>('gold');

/** One comparison of the ledger with the exchanges: only the venue/asset pairs that differ (decimal strings). */
export interface ReconcileReport {
  ok: boolean;
  differences: Array<{ exchange: string; asset: string; ledgerAmount: string; exchangeAmount: string; difference: string }>;
  /** Venues whose balances could not be read this round. */
  unavailable: string[];
  /** Withdrawals the sender completed that the receiver has not credited (booked as sent, in transit). */
  missingDeposits?: Array<{ from: string; to: string; asset: string; inTransit: string; txid: string; since: string }>;
  /** Missing deposits that arrived since the last round, booked now (once). */
  lateDepositsBooked?: number;
}
export interface ReconcileView {
  checks: number;
  last?: ReconcileReport & { at: string };
  /** When the current run of differences began (cleared once they agree). */
  differingSince?: string;
  lastError?: string;
}
/** The periodic reconciliation workflow (workflows/reconcile.ts) answers this. */
export const reconcileQuery = defineQuery<ReconcileView>('reconcile');
/** The sweep reports PAXG it sent to the cold wallet, so `gold` shows everything held. */
export const goldColdAddedSignal = defineSignal<[{ month: string; amount: string; costUsd: string }]>('goldColdAdded');

export interface SweepView {
  month: string;
  state: 'checking' | 'refused' | 'buying' | 'sending' | 'done' | 'failed';
  message: string;
  amountUsd?: string;
  paxg?: string;
}
export const sweepQuery = defineQuery<SweepView>('sweep');
