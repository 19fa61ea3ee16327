import type { SimMarket } from '../../model/markets';

/** Kraken's REST asset ids (X/Z prefixes for the old assets) and display names. */
const ASSET_ID: Record<string, string> = { BTC: 'XXBT', ETH: 'XETH', USD: 'ZUSD' };
const ALT: Record<string, string> = { BTC: 'XBT' };

export function assetId(code: string): string {
  return ASSET_ID[code] ?? code;
}

export function assetCode(id: string): string | undefined {
  const hit = Object.entries(ASSET_ID).find(([, v]) => v === id);
  if (hit) return hit[0];
  if (id === 'XBT') return 'BTC';
  return /^[A-Z0-9]+$/.test(id) ? id : undefined;
}

export function altAsset(code: string): string {
  return ALT[code] ?? code;
}

/** REST pair key: both legs old-style gives XXBTZUSD, otherwise the plain altname (SOLUSD, XBTUSDT). */
export function pairKey(m: SimMarket): string {
  const b = assetId(m.base);
  const q = assetId(m.quote);
  return b.length === 4 && q.length === 4 && /^[XZ]/.test(b) && /^[XZ]/.test(q) ? `${b}${q}` : pairAlt(m);
}

export function pairAlt(m: SimMarket): string {
  return `${altAsset(m.base)}${altAsset(m.quote)}`;
}

/** ccxt matches WebSocket v1 names (XBT/USD); v2 uses the unified symbol. */
export function wsName(m: SimMarket): string {
  return `${altAsset(m.base)}/${altAsset(m.quote)}`;
}

/** Deposit/withdrawal method names as Kraken spells them (ccxt's defaults use these exact names). */
export function methodName(asset: string, network: string): string {
  if (asset === 'BTC' && network === 'BTC') return 'Bitcoin';
  if (asset === 'ETH' && network === 'ETH') return 'Ether (Hex)';
  if (asset === 'SOL' && network === 'SOL') return 'Solana';
  if (asset === 'PAXG' && network === 'ETH') return 'PAX (Gold)';
  if (asset === 'USDC' && network === 'ETH') return 'USDC';
  const label: Record<string, string> = { ETH: 'ERC20', TRX: 'TRC20', SOL: 'SPL', BASE: 'Base', BSC: 'BEP20' };
  return `${asset === 'USDT' ? 'Tether USD' : asset} (${label[network] ?? network})`;
}
