import type { Exchange } from 'ccxt';
import { ccxt } from './ccxt-venues';
import type { Env } from '../../config/env';
import type { VenueQuirks } from './venues/types';

type Obj = Record<string, unknown>;

function isPlain(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

export function deepMerge(...parts: Array<Obj | undefined>): Obj {
  const out: Obj = {};
  for (const part of parts) {
    if (!part) continue;
    for (const [k, v] of Object.entries(part)) out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}

function hasWsScheme(x: unknown): boolean {
  if (typeof x === 'string') return x.startsWith('ws://');
  return isPlain(x) && Object.values(x).some(hasWsScheme);
}

type ErrorHandler = (code: number, reason: string, url: string, method: string, ...rest: unknown[]) => unknown;

/**
 * Some venues' error parsers (Coinbase's) turn a 429 body into a plain ExchangeError before ccxt
 * looks at the HTTP status, which would hide the rate limit from the budget. The status decides.
 */
function statusBeforeBody(ex: Exchange): void {
  const target = ex as unknown as { handleErrors: ErrorHandler; id: string };
  const original = target.handleErrors.bind(ex);
  target.handleErrors = (code, reason, url, method, ...rest) => {
    if (code === 429) throw new ccxt.RateLimitExceeded(`${target.id} ${method} ${url} 429 ${reason}`);
    if (code === 418) throw new ccxt.DDoSProtection(`${target.id} ${method} ${url} 418 ${reason}`);
    return original(code, reason, url, method, ...rest);
  };
}

export interface InstanceSpec {
  quirks: VenueQuirks;
  env: Env;
  purpose: 'market-data' | 'trading';
  /** Deep-merged into the exchange's `urls` (e.g. the simulator's). */
  urlsOverride?: Obj;
  /** Extra ccxt constructor options, deep-merged last (the simulator's `ccxtOptions(exchange)`). */
  ccxtOptions?: Obj;
}

/**
 * One ccxt instance. Market data and trading get separate instances on purpose: each ccxt instance
 * has one request queue, and an order must never wait behind a 1000-level book snapshot.
 */
export async function createCcxtInstance(spec: InstanceSpec): Promise<Exchange> {
  const { quirks } = spec;
  const cls = spec.purpose === 'market-data' ? quirks.marketDataClass : quirks.tradingClass;
  const config = deepMerge(
    {
      // Trading REST calls are paced by our own per-venue budget; ccxt's queue would only add delay.
      enableRateLimit: spec.purpose === 'market-data',
      ...quirks.credentials(spec.env),
      // ccxt's own redial backoff is replaced by the adapter's (which also resubscribes).
      options: deepMerge(quirks.baseOptions(), { ws: { backoff: { max: 0 } } }),
    },
    spec.ccxtOptions,
    { urls: deepMerge(quirks.defaultUrls(), spec.ccxtOptions?.urls as Obj | undefined, spec.urlsOverride) },
  );
  const ex = new cls(config);
  statusBeforeBody(ex);
  // ccxt refuses plain ws:// (the simulator) until its http agent is loaded.
  if (hasWsScheme(ex.urls)) await ex.loadHttpProxyAgent();
  return ex;
}
