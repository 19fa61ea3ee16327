import { activityInfo, ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import type { ExchangeId } from '../domain/market';
import type { Decimal } from '../domain/money/decimal';
import { formatDecimal } from '../domain/money/format';
import { parseDecimal } from '../domain/money/parse';
import {
  checkDestination, exchangeDepositAddress, planTransfer, transferDecisionToWire,
  type NetworkCatalogue, type TransferDecisionWire, type TransferRules, type TransferTarget,
} from '../domain/transfer';
import { judgeTransferCost, summarizeTransferCosts } from '../domain/money-manager/transfer-costs';
import type { Account } from '../ports/account';
import type { MarketData } from '../ports/market-data';
import type { Clock } from '../ports/clock';
import type { Funding } from '../ports/funding';
import type { Ledger } from '../ports/ledger';
import { depositEntry, depositMissingEntry } from './missing-deposits';

/** The typed reason code of a deposit not seen by its deadline. */
const DEPOSIT_MISSING_CODE = 'DEPOSIT_MISSING';

/**
 * Activities of the money manager and the rebalance workflow: thin calls over the Account and
 * Funding ports, the ledger, and the pure planners. Money crosses the Temporal boundary as
 * decimal strings. Expected failures come back as values with a reason; only failures worth a
 * retry (exchange unreachable, rate limited) are thrown, and the one that sends money is safe to
 * retry because the Funding port never sends one idempotency key twice.
 */
export interface MoneyActivityDeps {
  /** `marketData` (its markets) tells which assets a venue lists; without it every asset counts as listed. */
  venues: Partial<Record<ExchangeId, { account: Account; funding: Funding; marketData?: Pick<MarketData, 'markets'> }>>;
  ledger: Ledger;
  clock: Clock;
  catalogue: NetworkCatalogue;
  rules: TransferRules;
  /** Pause between status polls while a transfer is under way. */
  pollMs?: number;
  /** coins.json stablecoins (asset -> peg): a USD-pegged stable is valued at 1 unless `usdPrice` knows better. */
  stablecoins?: Record<string, string>;
  /** Live USD price of an asset (e.g. the hot path's book mid); undefined when unknown. */
  usdPrice?: (asset: string) => Promise<Decimal | undefined>;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface PlanTransferInput {
  asset: string;
  amount: string;
  from: ExchangeId;
  to: TransferTarget;
  priceUsd: string;
  slippageUsd?: string;
}

export interface WithdrawalInput {
  rebalanceId: string;
  asset: string;
  from: ExchangeId;
  to: ExchangeId;
  network: string;
  amount: string;
  fee: string;
}

export type WithdrawalOutcome = { status: 'submitted'; id: string; address: string } | { status: 'rejected'; code: string; reason: string };

export interface AwaitTransferInput extends WithdrawalInput {
  withdrawalId: string;
  timeoutMs: number;
}

export type TransferOutcome =
  | { status: 'credited'; txid: string; received: string }
  | { status: 'failed'; reason: string }
  | { status: 'stuck'; reason: string }
  /** The sender completed it (txid) but the receiver did not credit it in time: kept booked as in transit. */
  | { status: 'deposit-missing'; txid: string; inTransit: string; reason: string };

export interface BalancesSnapshot {
  /** exchange -> asset -> total (decimal string). */
  holdings: Partial<Record<ExchangeId, Record<string, string>>>;
  /** Exchanges whose balances could not be read, with why. */
  unread: Array<{ exchange: ExchangeId; reason: string }>;
}

/** Rule 25's standing, as decimal strings (USD; the average to cents, the percent to 4 places). */
export interface TransferCostsWire {
  rebalances: number;
  totalUsd: string;
  averageUsd?: string;
  yearTotalUsd: string;
  yearPercentOfCapital?: string;
}

export type CostJudgementWire =
  | { ok: true; averageAfterUsd: string; yearAfterUsd: string }
  | { ok: false; code: string; reason: string; averageAfterUsd: string; yearAfterUsd: string };

export function createMoneyActivities(deps: MoneyActivityDeps) {
  const venue = (exchange: ExchangeId) => {
    const v = deps.venues[exchange];
    if (!v) throw ApplicationFailure.nonRetryable(`no adapters for ${exchange}`, 'NoVenue');
    return v;
  };
  const pollMs = deps.pollMs ?? 5_000;

  return {
    async readBalances(exchanges: ExchangeId[]): Promise<BalancesSnapshot> {
      const out: BalancesSnapshot = { holdings: {}, unread: [] };
      for (const exchange of exchanges) {
        const b = await venue(exchange).account.balances();
        if ('status' in b) {
          out.unread.push({ exchange, reason: `${b.code}: ${b.reason}` });
          continue;
        }
        out.holdings[exchange] = Object.fromEntries(Object.entries(b.assets).map(([a, x]) => [a, formatDecimal(x.total)]));
      }
      return out;
    },

    /** BNB paid in fees on Binance over the last `days` days, from the ledger (sizes the BNB reserve). */
    async bnbFeeSpend(days: number): Promise<{ bnbSpent: string; days: string }> {
      const since = deps.clock.now() - days * 86_400_000;
      const spent = deps.ledger
        .feesPaid({ since, exchange: 'binance' })
        .filter((f) => f.asset === 'BNB')
        .reduce((sum, f) => sum.plus(f.amount), parseDecimal('0'));
      return { bnbSpent: formatDecimal(spent), days: String(days) };
    },

    /**
     * The assets each venue lists (bases and quotes of its markets): the money manager sets no
     * target where an asset cannot be held (Binance.com has no USD). A venue without market data,
     * or whose markets cannot be read now, is left out (the review then counts every asset as listed there).
     */
    async listedAssets(exchanges: ExchangeId[]): Promise<Partial<Record<ExchangeId, string[]>>> {
      const out: Partial<Record<ExchangeId, string[]>> = {};
      for (const exchange of exchanges) {
        const md = deps.venues[exchange]?.marketData;
        if (!md) continue;
        try {
          const markets = await md.markets();
          out[exchange] = [...new Set(markets.flatMap((m) => [m.base, m.quote]))].sort();
        } catch (err) {
          deps.logger?.warn({ exchange, error: err instanceof Error ? err.message : String(err) }, 'markets unreadable: every asset counts as listed');
        }
      }
      return out;
    },

    /** Rule 25's standing from the ledger: every transfer that left, its running average, the last 365 days. */
    async rebalanceCosts(input: { capitalUsd?: string }): Promise<TransferCostsWire> {
      const s = summarizeTransferCosts(deps.ledger.transferCosts(), deps.clock.now(), input.capitalUsd ? parseDecimal(input.capitalUsd) : undefined);
      return {
        rebalances: s.rebalances, totalUsd: formatDecimal(s.totalUsd), yearTotalUsd: formatDecimal(s.yearTotalUsd),
        ...(s.averageUsd ? { averageUsd: formatDecimal(s.averageUsd.toDecimalPlaces(2)) } : {}),
        ...(s.yearPercentOfCapital ? { yearPercentOfCapital: formatDecimal(s.yearPercentOfCapital.toDecimalPlaces(4)) } : {}),
      };
    },

    /** Would this transfer's cost keep rule 25 (average per rebalance, yearly share of capital)? */
    async judgeRebalanceCost(input: { costUsd: string; targetAverageUsd: string; yearlyPercentOfCapital: string; capitalUsd?: string }): Promise<CostJudgementWire> {
      const standing = summarizeTransferCosts(deps.ledger.transferCosts(), deps.clock.now(), input.capitalUsd ? parseDecimal(input.capitalUsd) : undefined);
      const j = judgeTransferCost(standing, parseDecimal(input.costUsd), {
        targetAverageUsd: parseDecimal(input.targetAverageUsd), yearlyPercentOfCapital: parseDecimal(input.yearlyPercentOfCapital),
      });
      const figures = { averageAfterUsd: formatDecimal(j.averageAfterUsd.toDecimalPlaces(2)), yearAfterUsd: formatDecimal(j.yearAfterUsd) };
      return j.ok ? { ok: true, ...figures } : { ok: false, code: j.code, reason: j.reason, ...figures };
    },

    /** USD prices as decimal strings; an asset left out has no price (the review says so). */
    async usdPrices(assets: string[]): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      for (const asset of assets) {
        const live = await deps.usdPrice?.(asset);
        if (live) out[asset] = formatDecimal(live);
        else if (asset === 'USD' || deps.stablecoins?.[asset] === 'USD') out[asset] = '1';
      }
      return out;
    },

    /** Prices the transfer on the live networks of both sides, at the moment it is about to run. */
    async planTransfer(input: PlanTransferInput): Promise<TransferDecisionWire> {
      if (input.to.kind !== 'exchange') throw ApplicationFailure.nonRetryable('cold-wallet transfers are not wired into the rebalance yet', 'NotSupported');
      const sender = await venue(input.from).funding.networks(input.asset);
      const receiver = await venue(input.to.exchange).funding.networks(input.asset);
      for (const [side, r] of [['sender', sender], ['receiver', receiver]] as const) {
        if ('status' in r) throw ApplicationFailure.create({ message: `${side} networks: ${r.code}: ${r.reason}`, nonRetryable: !r.retryable, type: r.code });
      }
      const decision = planTransfer({
        asset: input.asset, amount: parseDecimal(input.amount), from: input.from, to: input.to,
        senderNetworks: sender as Exclude<typeof sender, { status: 'rejected' }>,
        receiverNetworks: receiver as Exclude<typeof receiver, { status: 'rejected' }>,
        assetPriceUsd: parseDecimal(input.priceUsd), conversionSlippageUsd: parseDecimal(input.slippageUsd ?? '0'),
        rules: deps.rules, catalogue: deps.catalogue,
      });
      return transferDecisionToWire(decision);
    },

    /**
     * Fetches the receiver's own deposit address (the only kind of address we send to) and submits
     * the withdrawal under the rebalance's idempotency key; books it when the exchange took it.
     */
    async submitWithdrawal(input: WithdrawalInput): Promise<WithdrawalOutcome> {
      const got = await venue(input.to).funding.depositAddress(input.asset, input.network);
      if ('status' in got) {
        if (got.retryable) throw ApplicationFailure.retryable(`deposit address: ${got.reason}`, got.code);
        return { status: 'rejected', code: got.code, reason: `no ${input.to} deposit address: ${got.reason}` };
      }
      const address = exchangeDepositAddress({ exchange: input.to, ...got });
      const check = checkDestination({ to: { kind: 'exchange', exchange: input.to }, asset: input.asset, network: input.network }, { kind: 'exchange', exchange: input.to, address });
      if (!check.ok) return { status: 'rejected', code: 'ADDRESS_NOT_ALLOWED', reason: check.reason };
      const amount = parseDecimal(input.amount);
      const sent = await venue(input.from).funding.withdraw({
        asset: input.asset, network: input.network, amount, address: address.address,
        ...(address.tag ? { tag: address.tag } : {}), idempotencyKey: `rebalance:${input.rebalanceId}`,
      });
      if (sent.status === 'rejected') {
        if (sent.retryable) throw ApplicationFailure.retryable(`withdrawal: ${sent.reason}`, sent.code);
        deps.logger?.warn({ ...input, code: sent.code, reason: sent.reason }, 'withdrawal rejected');
        return { status: 'rejected', code: sent.code, reason: sent.reason };
      }
      const fee = parseDecimal(input.fee);
      const at = deps.clock.now();
      const common = { at, exchange: input.from, asset: input.asset, correlationId: input.rebalanceId };
      const details = { to: input.to, network: input.network, withdrawalId: sent.id };
      deps.ledger.append([
        { ...common, kind: 'transfer-out', delta: amount.minus(fee).negated(), idempotencyKey: `withdrawal:${input.from}:${sent.id}:out`, details },
        { ...common, kind: 'fee', delta: fee.negated(), idempotencyKey: `withdrawal:${input.from}:${sent.id}:fee`, details },
      ]);
      return { status: 'submitted', id: sent.id, address: address.address };
    },

    /**
     * Follows a withdrawal until the receiver credits it, heartbeating every poll. Resumes from its
     * heartbeat after a worker restart, so the deadline counts from the first attempt.
     */
    async awaitTransfer(input: AwaitTransferInput): Promise<TransferOutcome> {
      const resumed = activityInfo().heartbeatDetails as { startedAt?: number } | undefined;
      const startedAt = resumed?.startedAt ?? deps.clock.now();
      const deadline = startedAt + input.timeoutMs;
      let last = 'not yet seen';
      let sentTxid: string | undefined;
      while (deps.clock.now() < deadline) {
        heartbeat({ startedAt, last });
        const w = await venue(input.from).funding.withdrawalStatus(input.withdrawalId);
        if (w.status === 'failed') {
          deps.ledger.append([{
            kind: 'transfer-failed', at: deps.clock.now(), exchange: input.from, asset: input.asset, delta: parseDecimal(input.amount),
            correlationId: input.rebalanceId, idempotencyKey: `withdrawal:${input.from}:${input.withdrawalId}:failed`, details: { withdrawalId: input.withdrawalId, reason: w.reason },
          }]);
          return { status: 'failed', reason: w.reason };
        }
        last = w.status === 'rejected' ? `${w.code}: ${w.reason}` : `withdrawal ${w.status}`;
        if (w.status === 'confirmed' && w.txid) {
          sentTxid = w.txid;
          const d = await venue(input.to).funding.depositStatus({ asset: input.asset, txid: w.txid, since: startedAt - 3_600_000 });
          last = d.status === 'rejected' ? `deposit check: ${d.reason}` : `withdrawal confirmed, deposit ${d.status}`;
          if (d.status === 'confirmed') {
            const received = d.amount ?? parseDecimal(input.amount).minus(parseDecimal(input.fee));
            deps.ledger.append([depositEntry({ at: deps.clock.now(), to: input.to, from: input.from, asset: input.asset, received, txid: w.txid, correlationId: input.rebalanceId })]);
            return { status: 'credited', txid: w.txid, received: formatDecimal(received) };
          }
        }
        await sleep(pollMs);
      }
      const reason = `not credited within ${Math.round(input.timeoutMs / 1000)} s (last: ${last})`;
      if (sentTxid) {
        // The sender is done: the money is on its way or lost between venues. Kept as in transit, never written off.
        const inTransit = formatDecimal(parseDecimal(input.amount).minus(parseDecimal(input.fee)));
        deps.ledger.append([depositMissingEntry({
          correlationId: input.rebalanceId, from: input.from, to: input.to, asset: input.asset, inTransit, txid: sentTxid, withdrawalId: input.withdrawalId,
          since: deps.clock.now(), reason,
        })]);
        deps.logger?.warn({ ...input, txid: sentTxid, inTransit }, 'deposit missing: withdrawal completed, not credited by the deadline');
        return { status: 'deposit-missing', txid: sentTxid, inTransit, reason: `${DEPOSIT_MISSING_CODE}: ${inTransit} ${input.asset} sent (txid ${sentTxid}) ${reason}` };
      }
      return { status: 'stuck', reason };
    },

    async recordRebalance(input: { rebalanceId: string; outcome: string; details: Record<string, unknown> }): Promise<void> {
      deps.ledger.append([{
        kind: 'decision', at: deps.clock.now(), correlationId: input.rebalanceId,
        idempotencyKey: `rebalance:${input.rebalanceId}:${input.outcome}`, details: { what: 'rebalance', outcome: input.outcome, ...input.details },
      }]);
      const log = input.outcome === 'completed' ? deps.logger?.info : deps.logger?.warn;
      log?.call(deps.logger, { ...input }, `rebalance ${input.rebalanceId} ${input.outcome}`);
    },
  };
}

export type MoneyActivities = ReturnType<typeof createMoneyActivities>;
