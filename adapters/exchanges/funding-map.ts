import type { Currency, Transaction } from 'ccxt';
import type { Networks } from '../../config/schemas';
import type { NetworkInfo, WithdrawalStatus } from '../../ports/funding';
import { decOr } from './convert';

/** Our network codes (TRC20, BEP20...) <-> ccxt's unified codes (TRX, BSC...). */
export class NetworkCodes {
  private readonly toCcxt = new Map<string, string>();
  private readonly fromCcxt = new Map<string, string>();
  constructor(networks?: Networks) {
    for (const [ours, n] of Object.entries(networks?.networks ?? {})) {
      this.toCcxt.set(ours, n.ccxtCode);
      this.fromCcxt.set(n.ccxtCode, ours);
    }
  }
  ccxt(ours: string): string {
    return this.toCcxt.get(ours) ?? ours;
  }
  ours(ccxtCode: string): string {
    return this.fromCcxt.get(ccxtCode) ?? ccxtCode;
  }
}

/**
 * Per-network withdrawal facts from ccxt's currency structure. A network whose fee the venue does
 * not state is left out: the transfer chooser must never pick a network it cannot price.
 */
export function networkInfos(asset: string, currency: Currency | undefined, codes: NetworkCodes): { infos: NetworkInfo[]; unpriced: string[] } {
  const infos: NetworkInfo[] = [];
  const unpriced: string[] = [];
  for (const [code, n] of Object.entries(currency?.networks ?? {})) {
    if (!n) continue;
    const network = codes.ours(n.network ?? code);
    if (n.fee === undefined || n.fee === null) {
      unpriced.push(network);
      continue;
    }
    infos.push({
      asset,
      network,
      withdrawEnabled: n.withdraw !== false && n.active !== false,
      depositEnabled: n.deposit !== false && n.active !== false,
      withdrawFee: decOr(n.fee),
      withdrawMin: decOr(n.limits?.withdraw?.min),
      ...arrivalMinutes(n.info),
    });
  }
  return { infos, unpriced };
}

/**
 * The venue's arrival estimate from the raw network entry ccxt keeps in `info` (ccxt has no
 * unified field for it): Binance's `estimatedArrivalTime`, in minutes, often as a string. Anything
 * that is not a positive whole number is ignored, and the catalogue's typical time stands in.
 */
function arrivalMinutes(info: unknown): { expectedMinutes?: number } {
  const raw = (info as { estimatedArrivalTime?: unknown } | undefined)?.estimatedArrivalTime;
  const minutes = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  return typeof minutes === 'number' && Number.isInteger(minutes) && minutes > 0 ? { expectedMinutes: minutes } : {};
}

/** ccxt's unified transaction status (already mapped from Binance 0-6 / Kraken words) to ours. */
export function withdrawalStatusOf(t: Transaction): WithdrawalStatus {
  const id = String(t.id);
  switch (t.status) {
    case 'ok':
      return { status: 'confirmed', id, txid: t.txid ?? '', amount: decOr(t.amount), fee: decOr(t.fee?.cost) };
    case 'failed':
    case 'canceled':
      return { status: 'failed', id, reason: `exchange reports the withdrawal ${t.status}` };
    default:
      return { status: 'pending', id };
  }
}
