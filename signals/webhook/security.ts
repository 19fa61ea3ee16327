import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';

/** TradingView's published webhook source addresses: the allow-list for a public receiver. */
export const TRADINGVIEW_SOURCE_ADDRESSES: readonly string[] = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

/**
 * Constant-time comparison. Hashing first gives both sides the same length, so neither the
 * content nor the length of the secret leaks through timing.
 */
export function passphraseMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** "::ffff:1.2.3.4" (IPv4 on a dual-stack socket) -> "1.2.3.4". */
export function normaliseAddress(addr: string): string {
  const trimmed = addr.trim();
  return trimmed.startsWith('::ffff:') && isIPv4(trimmed.slice(7)) ? trimmed.slice(7) : trimmed;
}

/**
 * The caller's address. X-Forwarded-For is believed only with `trustProxy`: anyone can send the
 * header, so without a proxy of our own it would let any caller pick its allowed address. Behind
 * our proxy the right-most entry is the one the proxy itself appended.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const socketAddr = normaliseAddress(req.socket.remoteAddress ?? '');
  if (!trustProxy) return socketAddr;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  const last = value?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
  return last ? normaliseAddress(last) : socketAddr;
}

/** An empty allow-list allows every source (local use); otherwise only the listed addresses. */
export function sourceAllowed(addr: string, allowList: readonly string[]): boolean {
  return allowList.length === 0 || allowList.includes(addr);
}

/**
 * Fixed one-minute windows per source. Memory stays bounded: windows that ended are dropped
 * whenever the table grows past `maxSources`.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly maxSources = 10_000,
  ) {}

  /** True when the request may proceed (and counts it). */
  take(source: string): boolean {
    const t = this.now();
    let w = this.windows.get(source);
    if (!w || t - w.start >= 60_000) {
      if (this.windows.size >= this.maxSources) this.sweep(t);
      w = { start: t, count: 0 };
      this.windows.set(source, w);
    }
    w.count += 1;
    return w.count <= this.perMinute;
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= 60_000) this.windows.delete(k);
    // Still full of live windows: forget the oldest rather than grow without bound.
    while (this.windows.size >= this.maxSources) {
      const first = this.windows.keys().next();
      if (first.done) break;
      this.windows.delete(first.value);
    }
  }
}
