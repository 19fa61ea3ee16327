import { ccxt } from './ccxt-venues';
import { rejected, type Rejected } from '../../ports/outcomes';
import { BudgetExhausted, type RateBudget } from './rate-budget';

/**
 * Why a failed call failed, as a typed rejection. `order` context matters: a network failure while
 * SENDING an order means we do not know whether the exchange executed it, so it is never
 * "retryable" there; it is UNKNOWN_OUTCOME and must be reconciled by client order id.
 */
export type ErrorContext = 'order' | 'withdrawal' | 'read';

function msg(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // ccxt messages embed the full URL and body; keep them short for logs and rejections.
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

export function rateLimitKind(e: unknown): 429 | 418 | undefined {
  if (e instanceof ccxt.DDoSProtection) return / 418 /.test(` ${msg(e)} `) ? 418 : 429;
  if (e instanceof ccxt.RateLimitExceeded) return 429;
  return undefined;
}

export function mapCcxtError(e: unknown, ctx: ErrorContext): Rejected {
  if (e instanceof BudgetExhausted) return rejected('RATE_LIMITED', `not sent: ${e.message}`, true);
  const m = msg(e);
  // Order of checks follows ccxt's class hierarchy: most specific first.
  if (e instanceof ccxt.InsufficientFunds) return rejected('INSUFFICIENT_FUNDS', m);
  if (e instanceof ccxt.DuplicateOrderId) return rejected('DUPLICATE_CLIENT_ID', m);
  if (e instanceof ccxt.InvalidOrder) return rejected('INVALID_ORDER', m);
  if (e instanceof ccxt.InvalidAddress) return rejected('ADDRESS_NOT_ALLOWED', m);
  if (e instanceof ccxt.MarketClosed) return rejected('MARKET_CLOSED', m, true);
  if (e instanceof ccxt.AuthenticationError) return rejected('AUTH_FAILED', m);
  if (e instanceof ccxt.NotSupported) return rejected('NOT_SUPPORTED', m);
  if (e instanceof ccxt.BadSymbol) return rejected('INVALID_ORDER', m);
  // 429/418 and nonce errors are answered before the request is processed: safe to send again later.
  if (e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection) return rejected('RATE_LIMITED', m, true);
  if (e instanceof ccxt.InvalidNonce) return rejected('EXCHANGE_UNAVAILABLE', m, true);
  if (e instanceof ccxt.NetworkError) {
    if (ctx !== 'read') return rejected('UNKNOWN_OUTCOME', `no definite answer (${m}); reconcile before sending again`);
    return rejected('EXCHANGE_UNAVAILABLE', m, true);
  }
  if (e instanceof ccxt.ExchangeError) return rejected('EXCHANGE_REJECTED', m);
  if (ctx !== 'read') return rejected('UNKNOWN_OUTCOME', `unexpected failure (${m}); reconcile before sending again`);
  return rejected('EXCHANGE_UNAVAILABLE', m, true);
}

/**
 * Runs one REST call within the venue's budget: waits for a token (at most `maxWaitMs`), and on a
 * 429/418 opens the backoff window before mapping the failure.
 */
export async function guarded<T>(budget: RateBudget, ctx: ErrorContext, call: () => Promise<T>, maxWaitMs = 30_000): Promise<T | Rejected> {
  try {
    await budget.acquire('rest', { maxWaitMs });
    const out = await call();
    budget.succeeded();
    return out;
  } catch (e) {
    const kind = rateLimitKind(e);
    if (kind) budget.penalize(kind);
    return mapCcxtError(e, ctx);
  }
}

export function isRejected(x: unknown): x is Rejected {
  return typeof x === 'object' && x !== null && (x as { status?: unknown }).status === 'rejected';
}
