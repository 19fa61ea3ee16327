import type { Decimal } from '../money/decimal';
import type { NetworkAvailability, NetworkCatalogue, NetworkRejection, TransferRules } from './types';

export interface NetworkCheckContext {
  asset: string;
  amount: Decimal;
  amountUsd: Decimal;
  priceUsd: Decimal;
  slippageUsd: Decimal;
  budgetUsd: Decimal;
  rules: TransferRules;
  catalogue: NetworkCatalogue;
}

export interface EligibleNetwork {
  network: string;
  fee: Decimal;
  feeUsd: Decimal;
  costUsd: Decimal;
  /** Expected minutes to arrive: the sender's live estimate, else networks.json typicalMinutes. */
  minutes: number;
}

const usd = (x: Decimal) => `$${x.toFixed(2)}`;

/**
 * The rules one sender network must pass, in a fixed order; the first that fails is the reason
 * given. Every figure behind a rejection is in its reason so an operator can check it.
 */
export function checkNetwork(
  sender: NetworkAvailability,
  receiver: NetworkAvailability | undefined,
  ctx: NetworkCheckContext,
): EligibleNetwork | NetworkRejection {
  const network = sender.network;
  const reject = (code: NetworkRejection['code'], reason: string): NetworkRejection => ({ network, code, reason });
  if (sender.asset !== ctx.asset) return reject('ASSET_MISMATCH', `sender lists ${sender.asset}, not ${ctx.asset}`);
  const info = ctx.catalogue.networks[network];
  if (!info) return reject('UNKNOWN_NETWORK', `${network} is not in networks.json: only catalogued networks are used`);
  if (!sender.withdrawEnabled) return reject('WITHDRAW_DISABLED', `withdrawals of ${ctx.asset} on ${info.name} are disabled at the sender`);
  if (!receiver) return reject('NOT_AT_RECEIVER', `the receiver does not accept ${ctx.asset} on ${info.name}`);
  if (receiver.asset !== ctx.asset) return reject('ASSET_MISMATCH', `receiver lists ${receiver.asset}, not ${ctx.asset}`);
  if (!receiver.depositEnabled) return reject('DEPOSIT_DISABLED', `deposits of ${ctx.asset} on ${info.name} are disabled at the receiver`);
  const fee = sender.withdrawFee;
  if (fee === undefined) return reject('FEE_UNKNOWN', `no live withdrawal fee for ${info.name}: the cost cannot be simulated`);
  if (ctx.amount.lt(sender.withdrawMin)) {
    return reject('BELOW_NETWORK_MINIMUM', `${ctx.amount.toFixed()} ${ctx.asset} is below the ${info.name} withdrawal minimum of ${sender.withdrawMin.toFixed()}`);
  }
  const feeUsd = fee.times(ctx.priceUsd);
  if (info.rule === 'large-transfers-only' && ctx.amountUsd.lt(ctx.rules.erc20MinimumUsd)) {
    return reject('LARGE_TRANSFERS_ONLY', `${info.name} only for transfers of ${usd(ctx.rules.erc20MinimumUsd)} or more; this is ${usd(ctx.amountUsd)}`);
  }
  // "Avoid unless its fee is confirmed under the limit": a live fee equal to the limit is not under it.
  if (info.rule === 'fee-confirmed-under-limit' && !feeUsd.lt(ctx.rules.avalancheMaxFeeUsd)) {
    return reject('FEE_NOT_UNDER_LIMIT', `${info.name} fee ${usd(feeUsd)} is not under ${usd(ctx.rules.avalancheMaxFeeUsd)}`);
  }
  if (fee.gte(ctx.amount)) return reject('FEE_EXCEEDS_AMOUNT', `fee ${fee.toFixed()} ${ctx.asset} would consume the whole amount`);
  const costUsd = feeUsd.plus(ctx.slippageUsd);
  if (costUsd.gt(ctx.budgetUsd)) {
    return reject('OVER_BUDGET', `cost ${usd(costUsd)} (fee ${usd(feeUsd)} + slippage ${usd(ctx.slippageUsd)}) exceeds the budget of ${usd(ctx.budgetUsd)}`);
  }
  return { network, fee, feeUsd, costUsd, minutes: sender.expectedMinutes ?? info.typicalMinutes };
}
