import { createHash } from 'node:crypto';
import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';

/** A withdrawal network of one asset, with the unified code ccxt uses (ETH, TRX, SOL, BSC, BASE, BTC). */
export interface SimNetwork { code: string; fee: Decimal; min: Decimal; confirmations: number; memo: boolean }

type Row = [code: string, fee: string, min: string];
/** Withdrawal fees and minimums close to what the venues charge (late 2025). */
const TABLE: Record<string, Row[]> = {
  BTC: [['BTC', '0.00002', '0.0001']],
  ETH: [['ETH', '0.0008', '0.001'], ['BASE', '0.00002', '0.0005']],
  USDT: [['TRX', '1', '10'], ['ETH', '3', '10'], ['SOL', '1', '10'], ['BSC', '0.1', '10']],
  USDC: [['ETH', '3', '10'], ['SOL', '1', '10'], ['BASE', '0.5', '1'], ['BSC', '0.1', '10']],
  SOL: [['SOL', '0.002', '0.02']],
  PAXG: [['ETH', '0.0015', '0.003']],
  BNB: [['BSC', '0.0005', '0.01']],
};

/** Each venue supports a subset (no BSC outside Binance; Coinbase has no TRX). */
const UNSUPPORTED: Record<ExchangeId, string[]> = { binance: [], kraken: ['BSC', 'BASE'], coinbase: ['BSC', 'TRX'] };
const FEE_FACTOR: Record<ExchangeId, string> = { binance: '1', kraken: '1.5', coinbase: '1' };

export function networksOf(exchange: ExchangeId, asset: string): SimNetwork[] {
  const rows = TABLE[asset] ?? [];
  return rows
    .filter(([code]) => !UNSUPPORTED[exchange].includes(code))
    .map(([code, fee, min]) => ({ code, fee: new Decimal(fee).times(FEE_FACTOR[exchange]), min: new Decimal(min), confirmations: code === 'BTC' ? 2 : 12, memo: false }));
}

export function fundedAssets(): string[] {
  return Object.keys(TABLE);
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function digestChars(seed: string, alphabet: string, n: number): string {
  let out = '';
  let round = 0;
  while (out.length < n) {
    const h = createHash('sha256').update(`${seed}#${round++}`).digest();
    for (const b of h) if (out.length < n) out += alphabet[b % alphabet.length];
  }
  return out;
}

/** A stable, well-shaped deposit address per venue, asset and network. */
export function depositAddress(exchange: ExchangeId, asset: string, network: string): string {
  const seed = `${exchange}|${asset}|${network}`;
  if (network === 'BTC') return `bc1q${digestChars(seed, BECH, 38)}`;
  if (network === 'TRX') return `T${digestChars(seed, B58, 33)}`;
  if (network === 'SOL') return digestChars(seed, B58, 44);
  return `0x${createHash('sha256').update(seed).digest('hex').slice(0, 40)}`;
}

export function fakeTxid(seed: string, network: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return network === 'SOL' ? digestChars(seed, B58, 88) : network === 'BTC' || network === 'TRX' ? hex : `0x${hex}`;
}
