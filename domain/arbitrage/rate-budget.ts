import { reject, type GateRejection } from './rejection';

/**
 * A token bucket per exchange for REST requests (orders count): refills continuously at
 * `perMinute`, holds at most `perMinute`. Pure state; the caller passes the time.
 */
export interface RateBucket {
  tokens: number;
  updatedAt: number;
}

export function newBucket(perMinute: number, now: number): RateBucket {
  return { tokens: perMinute, updatedAt: now };
}

export function refill(b: RateBucket, perMinute: number, now: number): RateBucket {
  const elapsed = Math.max(0, now - b.updatedAt);
  return { tokens: Math.min(perMinute, b.tokens + (elapsed * perMinute) / 60_000), updatedAt: now };
}

/** Takes `weight` requests from the bucket, or says why not (the bucket is unchanged then). */
export function takeTokens(
  b: RateBucket,
  perMinute: number,
  weight: number,
  now: number,
  exchange: string,
): { ok: true; bucket: RateBucket } | { ok: false; rejection: GateRejection; bucket: RateBucket } {
  const r = refill(b, perMinute, now);
  if (r.tokens < weight) {
    return { ok: false, bucket: r, rejection: reject('RATE_BUDGET', { exchange, available: r.tokens.toFixed(2), needed: weight, perMinute }) };
  }
  return { ok: true, bucket: { tokens: r.tokens - weight, updatedAt: now } };
}
