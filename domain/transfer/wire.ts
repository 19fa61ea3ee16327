import { formatDecimal } from '../money/format';
import type { NetworkRejection, TransferDecision, TransferTarget } from './types';

/** A transfer decision with every amount as a plain decimal string (JSON, Temporal payloads, logs). */
export type TransferDecisionWire =
  | {
      status: 'planned'; asset: string; amount: string; amountUsd: string; from: string; to: TransferTarget;
      network: string; networkName: string; fee: string; feeUsd: string; slippageUsd: string; costUsd: string;
      budgetUsd: string; receives: string; arrivesInMinutes: number; preferredRoute: boolean;
      alternatives: string[]; rejected: NetworkRejection[];
    }
  | {
      status: 'refused'; code: string; reason: string; asset: string; amount: string; amountUsd: string;
      from: string; to: TransferTarget; budgetUsd: string; rejected: NetworkRejection[];
    };

export function transferDecisionToWire(d: TransferDecision): TransferDecisionWire {
  const common = { asset: d.asset, amount: formatDecimal(d.amount), amountUsd: formatDecimal(d.amountUsd), from: d.from, to: d.to, budgetUsd: formatDecimal(d.budgetUsd), rejected: d.rejected };
  if (d.status === 'refused') return { status: 'refused', code: d.code, reason: d.reason, ...common };
  return {
    status: 'planned',
    ...common,
    network: d.network,
    networkName: d.networkName,
    fee: formatDecimal(d.fee),
    feeUsd: formatDecimal(d.feeUsd),
    slippageUsd: formatDecimal(d.slippageUsd),
    costUsd: formatDecimal(d.costUsd),
    receives: formatDecimal(d.receives),
    arrivesInMinutes: d.arrivesInMinutes,
    preferredRoute: d.preferredRoute,
    alternatives: d.alternatives,
  };
}
