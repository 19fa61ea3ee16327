import { waitUntil } from '../helpers/wait';
import ccxt from 'ccxt';
import type { ExchangeId } from '../../domain/market';
import { Decimal } from '../../domain/money/decimal';
import type { RunningSimulator } from '../../adapters/sim';

type Pro = InstanceType<typeof ccxt.pro.binance>;

/** A real, unmodified ccxt.pro client pointed at the simulator. */
export async function proClient(sim: RunningSimulator, exchange: ExchangeId, extra: Record<string, unknown> = {}): Promise<Pro> {
  const Cls = ccxt.pro[exchange] as unknown as new (o: Record<string, unknown>) => Pro;
  const ex = new Cls({ ...sim.ccxtOptions(exchange), ...extra });
  await ex.loadHttpProxyAgent();
  return ex;
}

/** A ccxt book side as decimal strings, to compare with the simulator's own book. */
export function side(levels: Array<[number, number] | number[]>, depth?: number): Array<[string, string]> {
  return levels.slice(0, depth).map((l) => [new Decimal(String(l[0])).toFixed(), new Decimal(String(l[1])).toFixed()]);
}

export function norm(levels: Array<[string, string]>, depth?: number): Array<[string, string]> {
  return levels.slice(0, depth).map(([p, a]) => [new Decimal(p).toFixed(), new Decimal(a).toFixed()]);
}

/** Waits for `cond`; `ms` is a quiet-machine deadline scaled by TEST_TIME_SCALE. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000, what = 'condition'): Promise<void> {
  await waitUntil(what, cond, ms, 20);
}

/** True when a ccxt book (floats) shows exactly the simulator's levels. */
export function sameBook(ob: { bids: unknown; asks: unknown } | undefined, book: { bids: Array<[string, string]>; asks: Array<[string, string]> }, depth?: number): boolean {
  if (!ob) return false;
  const a = JSON.stringify([side(ob.bids as Array<[number, number]>, depth), side(ob.asks as Array<[number, number]>, depth)]);
  return a === JSON.stringify([norm(book.bids, depth), norm(book.asks, depth)]);
}
