import type { Exchange } from 'ccxt';
import type { Env } from '../../../config/env';
import type { NetworkInfo } from '../../../ports/funding';
import { decOr } from '../convert';
import type { NetworkCodes } from '../funding-map';
import { loadMarketsRecovering } from '../load-markets';

type Row = Record<string, unknown>;
type Implicit = Record<string, (params: Row) => Promise<unknown>>;

/** Kraken names networks in words; ccxt's unified codes are what our config maps from. */
const KRAKEN_NETWORK: Record<string, string> = {
  Tron: 'TRX', Ethereum: 'ETH', Solana: 'SOL', Polygon: 'MATIC', Bitcoin: 'BTC', Base: 'BASE', 'Arbitrum One': 'ARB', 'Avalanche C-Chain': 'AVAXC',
};

function feeOf(row: Row): string | undefined {
  const f = row.fee;
  if (typeof f === 'string' || typeof f === 'number') return String(f);
  if (f && typeof f === 'object' && 'fee' in f) return String((f as Row).fee);
  return undefined;
}

/**
 * Kraken's fetchCurrencies carries no per-network fees: the networks come from WithdrawMethods,
 * and a fee it does not state is asked of WithdrawInfo with the configured withdrawal key.
 */
export async function krakenNetworks(ex: Exchange, asset: string, env: Env, codes: NetworkCodes): Promise<{ infos: NetworkInfo[]; unpriced: string[] }> {
  await loadMarketsRecovering(ex);
  const id = ex.currency(asset).id;
  const call = (name: string, p: Row): Promise<unknown> => (ex as unknown as Implicit)[name]!.call(ex, p);
  const res = (await call('privatePostWithdrawMethods', { asset: id })) as { result?: Row[] };
  const infos: NetworkInfo[] = [];
  const unpriced: string[] = [];
  for (const row of res.result ?? []) {
    const raw = String(row.network ?? '');
    const network = codes.ours(KRAKEN_NETWORK[raw] ?? raw);
    let fee = feeOf(row);
    const key = env.KRAKEN_WITHDRAWAL_KEYS?.[`${asset}:${network}`];
    if (fee === undefined && key) {
      const info = (await call('privatePostWithdrawInfo', { asset: id, key, amount: String(row.minimum ?? '1') })) as { result?: Row };
      fee = info.result ? feeOf(info.result) : undefined;
    }
    if (fee === undefined) {
      unpriced.push(network);
      continue;
    }
    infos.push({ asset, network, withdrawEnabled: true, depositEnabled: true, withdrawFee: decOr(fee), withdrawMin: decOr(row.minimum) });
  }
  return { infos, unpriced };
}
