import { Decimal, ZERO } from '../money/decimal';
import { percentOf } from '../money/percent';
import type { ExchangeId } from '../market';
import { checkNetwork, type EligibleNetwork } from './network-rules';
import {
  describeTarget,
  type NetworkAvailability,
  type NetworkCatalogue,
  type NetworkRejection,
  type TransferDecision,
  type TransferRefusal,
  type TransferRules,
  type TransferTarget,
} from './types';

export interface TransferRequest {
  asset: string;
  /** What leaves the sender; the network fee comes out of it. */
  amount: Decimal;
  from: ExchangeId;
  to: TransferTarget;
  /** The sender's networks for the asset, live (fees and minimums at execution time). */
  senderNetworks: readonly NetworkAvailability[];
  /** Where the receiver accepts deposits of the asset. */
  receiverNetworks: readonly NetworkAvailability[];
  assetPriceUsd: Decimal;
  /** Slippage of the conversions this transfer depends on, if any (counted in its cost). */
  conversionSlippageUsd?: Decimal;
  rules: TransferRules;
  catalogue: NetworkCatalogue;
}

/** The most a transfer may cost: the larger of the flat target ($1) and a share of the amount (0.05 %). */
export function transferBudgetUsd(amountUsd: Decimal, rules: TransferRules): Decimal {
  return Decimal.max(rules.costTargetUsd, percentOf(amountUsd, rules.costBudgetPercentOfAmount));
}

/**
 * Chooses the network for one transfer, or refuses with the reason. Among the networks both
 * sides share that pass every rule, the cheapest wins: live cost in USD (fee + slippage), then
 * the expected time (the sender's live estimate where it gives one, else networks.json), and only
 * on a tie the configured preference (this route's preferredRoutes order, then preferenceRank).
 * Preference ranks the user's usual choices; it must never make a transfer pay more than a
 * network that both sides accept right now.
 */
export function planTransfer(req: TransferRequest): TransferDecision {
  const amountUsd = req.amount.times(req.assetPriceUsd);
  const budgetUsd = transferBudgetUsd(amountUsd, req.rules);
  const refuse = (code: TransferRefusal['code'], reason: string, rejected: NetworkRejection[] = []): TransferRefusal => ({
    status: 'refused', code, reason, asset: req.asset, amount: req.amount, amountUsd,
    from: req.from, to: req.to, budgetUsd, rejected,
  });

  if (!req.amount.gt(ZERO)) return refuse('INVALID_REQUEST', `amount must be positive, got ${req.amount.toFixed()}`);
  if (!req.assetPriceUsd.gt(ZERO)) return refuse('INVALID_REQUEST', `USD price of ${req.asset} must be positive, got ${req.assetPriceUsd.toFixed()}`);
  if (req.to.kind === 'exchange' && req.to.exchange === req.from) return refuse('SAME_EXCHANGE', `${req.from} to itself is not a transfer`);
  if (amountUsd.lt(req.rules.minimumUsd)) {
    return refuse('BELOW_TRANSFER_MINIMUM', `$${amountUsd.toFixed(2)} is below the $${req.rules.minimumUsd.toFixed(2)} transfer minimum`);
  }

  const receiverByNetwork = new Map(req.receiverNetworks.map((n) => [n.network, n]));
  const senderCodes = new Set(req.senderNetworks.map((n) => n.network));
  const ctx = {
    asset: req.asset, amount: req.amount, amountUsd, priceUsd: req.assetPriceUsd,
    slippageUsd: req.conversionSlippageUsd ?? ZERO, budgetUsd, rules: req.rules, catalogue: req.catalogue,
  };
  const eligible: EligibleNetwork[] = [];
  const rejected: NetworkRejection[] = [];
  for (const sender of req.senderNetworks) {
    const r = checkNetwork(sender, receiverByNetwork.get(sender.network), ctx);
    if ('code' in r) rejected.push(r);
    else eligible.push(r);
  }
  for (const receiver of req.receiverNetworks) {
    if (!senderCodes.has(receiver.network)) {
      rejected.push({ network: receiver.network, code: 'NOT_AT_SENDER', reason: `${req.from} does not offer ${req.asset} on ${receiver.network}` });
    }
  }
  const sharedAny = req.senderNetworks.some((s) => receiverByNetwork.has(s.network));
  if (eligible.length === 0) {
    return sharedAny
      ? refuse('NO_ELIGIBLE_NETWORK', `no shared network for ${req.asset} ${req.from} -> ${describeTarget(req.to)} passes the rules`, rejected)
      : refuse('NO_SHARED_NETWORK', `${req.from} and ${describeTarget(req.to)} share no network for ${req.asset}`, rejected);
  }

  const route = req.to.kind === 'exchange'
    ? req.catalogue.preferredRoutes.find((p) => p.from === req.from && p.to === (req.to as { exchange: ExchangeId }).exchange && p.asset === req.asset)
    : undefined;
  const preferredIndex = (n: string) => {
    const i = route?.networks.indexOf(n) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const info = (n: string) => req.catalogue.networks[n]!;
  eligible.sort(
    (a, b) =>
      a.costUsd.comparedTo(b.costUsd) ||
      a.minutes - b.minutes ||
      preferredIndex(a.network) - preferredIndex(b.network) ||
      info(a.network).preferenceRank - info(b.network).preferenceRank,
  );
  const [best, ...others] = eligible as [EligibleNetwork, ...EligibleNetwork[]];
  return {
    status: 'planned',
    asset: req.asset,
    amount: req.amount,
    amountUsd,
    from: req.from,
    to: req.to,
    network: best.network,
    networkName: info(best.network).name,
    fee: best.fee,
    feeUsd: best.feeUsd,
    slippageUsd: ctx.slippageUsd,
    costUsd: best.costUsd,
    budgetUsd,
    receives: req.amount.minus(best.fee),
    arrivesInMinutes: best.minutes,
    preferredRoute: preferredIndex(best.network) !== Number.MAX_SAFE_INTEGER,
    alternatives: others.map((o) => o.network),
    rejected,
  };
}
