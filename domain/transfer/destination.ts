import type { ExchangeId } from '../market';
import type { TransferPlan } from './types';

declare const fromApi: unique symbol;
declare const fromConfig: unique symbol;

/** A deposit address as one of our exchanges' APIs returned it. Only `exchangeDepositAddress` makes one. */
export type ExchangeDepositAddress = {
  readonly exchange: ExchangeId;
  readonly asset: string;
  readonly network: string;
  readonly address: string;
  readonly tag?: string;
} & { readonly [fromApi]: true };

/** The cold wallet address from the environment (COLD_WALLET_ADDRESS). Only `coldWalletAddress` makes one. */
export type ColdWalletAddress = { readonly address: string } & { readonly [fromConfig]: true };

/**
 * Where a withdrawal is sent. There is deliberately no variant that takes an arbitrary string:
 * the activity that fetched the address through the exchange's API, or read the cold wallet
 * from config, is the only code that constructs these.
 */
export type WithdrawalDestination =
  | { kind: 'exchange'; exchange: ExchangeId; address: ExchangeDepositAddress }
  | { kind: 'cold-wallet'; address: ColdWalletAddress };

export function exchangeDepositAddress(fetched: { exchange: ExchangeId; asset: string; network: string; address: string; tag?: string }): ExchangeDepositAddress {
  if (fetched.address.trim() === '' || fetched.address.trim() !== fetched.address) {
    throw new Error(`deposit address from ${fetched.exchange} is empty or padded`);
  }
  return { ...fetched } as ExchangeDepositAddress;
}

export function coldWalletAddress(configured: string): ColdWalletAddress {
  if (configured.trim() === '' || configured.trim() !== configured) throw new Error('cold wallet address is empty or padded');
  return { address: configured } as ColdWalletAddress;
}

export type DestinationCheck = { ok: true } | { ok: false; reason: string };

/** A destination fits a plan only when it is the planned receiver, for the planned asset and network. */
export function checkDestination(plan: Pick<TransferPlan, 'to' | 'asset' | 'network'>, dest: WithdrawalDestination): DestinationCheck {
  if (plan.to.kind !== dest.kind) return { ok: false, reason: `plan sends to ${plan.to.kind}, destination is ${dest.kind}` };
  if (dest.kind === 'exchange' && plan.to.kind === 'exchange') {
    const a = dest.address;
    if (dest.exchange !== plan.to.exchange || a.exchange !== plan.to.exchange) {
      return { ok: false, reason: `plan sends to ${plan.to.exchange}, address belongs to ${a.exchange}` };
    }
    if (a.asset !== plan.asset || a.network !== plan.network) {
      return { ok: false, reason: `address is for ${a.asset} on ${a.network}, plan is ${plan.asset} on ${plan.network}` };
    }
  }
  return { ok: true };
}
