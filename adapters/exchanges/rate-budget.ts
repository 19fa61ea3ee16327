import { sleep } from './timing';

/** Thrown when a request may not go out now; mapped to a retryable RATE_LIMITED rejection. */
export class BudgetExhausted extends Error {
  constructor(readonly waitMs: number, why: string) {
    super(why);
    this.name = 'BudgetExhausted';
  }
}

class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  constructor(private readonly capacity: number, private readonly perMs: number, private readonly now: () => number) {
    this.tokens = capacity;
    this.updatedAt = now();
  }
  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (t - this.updatedAt) * this.perMs);
    this.updatedAt = t;
  }
  /** ms until `weight` tokens are available (0 when they are). */
  waitFor(weight: number): number {
    this.refill();
    return this.tokens >= weight ? 0 : Math.ceil((weight - this.tokens) / this.perMs);
  }
  take(weight: number): void {
    this.refill();
    this.tokens -= weight;
  }
  level(): number {
    this.refill();
    return this.tokens;
  }
}

export interface RateBudgetConfig {
  restRequestsPerMinute: number;
  wsSubscriptionsPerSecond: number;
  /** First backoff after a 429; doubles on each further 429 while backing off. */
  backoff429Ms: number;
  /** Binance answers 418 when it has banned the IP for ignoring 429s: wait much longer. */
  backoff418Ms: number;
  maxBackoffMs: number;
}

export const DEFAULT_BACKOFF = { backoff429Ms: 2_000, backoff418Ms: 120_000, maxBackoffMs: 600_000 };

export interface RateBudgetHealth {
  rateLimited: boolean;
  backoffUntil: number | null;
  hits429: number;
  hits418: number;
  restTokens: number;
}

/**
 * One budget per exchange, shared by every ccxt instance of that exchange (market data and
 * trading) so that together they stay under the venue's limits. REST calls and WebSocket
 * subscriptions draw from their own buckets but share the backoff window: after a 429/418 the
 * venue is cooling down for everything.
 */
export class RateBudget {
  private readonly rest: TokenBucket;
  private readonly ws: TokenBucket;
  private backoffUntil = 0;
  private streak = 0;
  private hits429 = 0;
  private hits418 = 0;

  constructor(private readonly cfg: RateBudgetConfig, private readonly now: () => number = Date.now) {
    const restPerMs = cfg.restRequestsPerMinute / 60_000;
    this.rest = new TokenBucket(Math.max(1, Math.floor(cfg.restRequestsPerMinute / 10)), restPerMs, now);
    this.ws = new TokenBucket(Math.max(1, cfg.wsSubscriptionsPerSecond), cfg.wsSubscriptionsPerSecond / 1000, now);
  }

  /** Waits for budget; throws BudgetExhausted when that would take longer than `maxWaitMs`. */
  async acquire(kind: 'rest' | 'ws', opts: { weight?: number; maxWaitMs?: number } = {}): Promise<void> {
    const weight = opts.weight ?? 1;
    const maxWait = opts.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const bucket = kind === 'rest' ? this.rest : this.ws;
    for (;;) {
      const cooling = Math.max(0, this.backoffUntil - this.now());
      const wait = Math.max(cooling, bucket.waitFor(weight));
      if (wait === 0) {
        bucket.take(weight);
        return;
      }
      if (wait > maxWait) {
        throw new BudgetExhausted(wait, cooling > 0 ? `backing off after a rate-limit answer for another ${cooling} ms` : `request budget exhausted for ${wait} ms`);
      }
      await sleep(wait);
    }
  }

  /** Records a 429 (or 418) from the venue and opens (or extends) the backoff window. */
  penalize(kind: 429 | 418): number {
    if (kind === 418) this.hits418 += 1;
    else this.hits429 += 1;
    this.streak += 1;
    const base = kind === 418 ? this.cfg.backoff418Ms : this.cfg.backoff429Ms;
    const ms = Math.min(this.cfg.maxBackoffMs, base * 2 ** (this.streak - 1));
    this.backoffUntil = Math.max(this.backoffUntil, this.now() + ms);
    return ms;
  }

  /** A request went through: the next 429 starts from the base backoff again. */
  succeeded(): void {
    if (this.now() >= this.backoffUntil) this.streak = 0;
  }

  health(): RateBudgetHealth {
    const limited = this.now() < this.backoffUntil;
    return { rateLimited: limited, backoffUntil: limited ? this.backoffUntil : null, hits429: this.hits429, hits418: this.hits418, restTokens: Math.floor(this.rest.level()) };
  }
}
