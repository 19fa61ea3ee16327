import { createHash } from 'node:crypto';

/** Coinbase names networks in words; ccxt maps them back through the currency names. */
const NETWORK_NAME: Record<string, string> = { BTC: 'bitcoin', ETH: 'ethereum', SOL: 'solana', BASE: 'base', TRX: 'tron', BSC: 'bnb chain' };
const ASSET_NAME: Record<string, string> = {
  BTC: 'Bitcoin', ETH: 'Ethereum', SOL: 'Solana', PAXG: 'PAX Gold', USDT: 'Tether', USDC: 'USDC', USD: 'US Dollar',
};

export function networkName(code: string): string {
  return NETWORK_NAME[code] ?? code.toLowerCase();
}

export function networkCode(nameOrCode: string): string | undefined {
  const hit = Object.entries(NETWORK_NAME).find(([c, n]) => n === nameOrCode.toLowerCase() || c === nameOrCode.toUpperCase());
  return hit?.[0];
}

export function assetName(code: string): string {
  return ASSET_NAME[code] ?? code;
}

/** A stable UUID per seed (account ids, order ids), formatted like Coinbase's. */
export function uuidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function accountId(asset: string): string {
  return uuidFor(`coinbase-account-${asset}`);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
