import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prng } from '../../adapters/sim/model/prng';
import { settingsSchema, type Settings } from '../../config/schemas';
import type { OhlcCandle } from '../../domain/market-context';
import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import type { Trade } from '../../ports/market-data';
import type { ScannerTimer } from '../../hotpath/scanner';

export const DAY = 86_400_000;
/** 10:00 UTC on some day: far from midnight so a 65-minute script stays inside one UTC day. */
export const START = 20_000 * DAY + 10 * 3_600_000;

/** The shipped settings, parsed by the real schema, with optional changes to marketContext. */
export interface RawSettings {
  marketContext: Record<string, unknown>;
  [k: string]: unknown;
}

export function shippedSettings(edit?: (raw: RawSettings) => void): Settings {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, '../../config/settings.json'), 'utf8')) as RawSettings;
  edit?.(raw);
  return settingsSchema.parse(raw);
}

/** A timer the test fires by hand: the scanner's schedule without real time. */
export class ManualTimer implements ScannerTimer {
  intervalMs: number | undefined;
  private fn: (() => unknown) | undefined;
  every(ms: number, fn: () => unknown): () => void {
    this.intervalMs = ms;
    this.fn = fn;
    return () => {
      this.fn = undefined;
    };
  }
  get active(): boolean {
    return this.fn !== undefined;
  }
  async fire(): Promise<void> {
    await this.fn?.();
  }
}

export interface Phase {
  kind: 'calm' | 'spike';
  minutes: number;
}

export interface Second {
  at: number;
  trade: Trade;
  book: OrderBook;
  phase: Phase['kind'];
}

const D = (n: number) => new Decimal(n.toFixed(2));

/**
 * A deterministic market, second by second: one trade and one book per second.
 * - calm: price = level + uniform noise of +-A (A = 0.02 % of the level), trade sizes 0.05-0.15,
 *   sides 50/50, spread 2 x 3; the first and last trade of every minute print at the level, so
 *   minute candles open and close there (no trend in a calm window).
 * - spike: the level falls by `dropPercent` over the first two minutes, noise is 10 A, three
 *   quarters of the trades are sells, every 10th second of the fall a whale sells 3 (30x the
 *   usual size), and the spread is 6x wider. Calm after a spike continues at the new level.
 */
export interface ScriptOptions {
  start?: number;
  level?: number;
  dropPercent?: number;
  seed?: number;
  exchange?: ExchangeId;
  symbol?: string;
}

export function* scriptedMarket(phases: Phase[], opts: ScriptOptions = {}): Generator<Second> {
  const exchange = opts.exchange ?? 'kraken';
  const symbol = opts.symbol ?? 'BTC/USD';
  const rng = new Prng(opts.seed ?? 7);
  let level = opts.level ?? 60_000;
  const amplitude = level * 0.0002;
  let at = opts.start ?? START;
  let id = 0;
  for (const phase of phases) {
    const spike = phase.kind === 'spike';
    const from = level;
    const to = spike ? level * (1 - (opts.dropPercent ?? 1.5) / 100) : level;
    for (let s = 0; s < phase.minutes * 60; s += 1) {
      if (spike) level = s < 120 ? from + ((to - from) * (s + 1)) / 120 : to;
      const sec = s % 60;
      const noise = (spike ? 10 : 1) * amplitude * (2 * rng.next() - 1);
      const price = sec === 0 || sec === 59 ? level : level + noise;
      const whale = spike && s < 120 && s % 10 === 0;
      const side: 'buy' | 'sell' = whale || rng.next() < (spike ? 0.75 : 0.5) ? 'sell' : 'buy';
      const amount = whale ? 3 : 0.05 + 0.1 * rng.next();
      const tradeAt = at + 500;
      const trade: Trade = { exchange, symbol, id: String((id += 1)), price: D(price), amount: new Decimal(amount.toFixed(4)), side, timestamp: tradeAt };
      const half = spike ? 18 : 3;
      const lvls = (dir: 1 | -1) => Array.from({ length: 5 }, (_, i) => ({ price: D(price + dir * (half + i)), amount: new Decimal((1 + 0.5 * rng.next()).toFixed(3)) }));
      const book: OrderBook = { exchange, symbol, bids: lvls(-1), asks: lvls(1), receivedAt: tradeAt };
      yield { at: tradeAt, trade, book, phase: phase.kind };
      at += 1000;
    }
  }
}

/** 14 complete days of range 2000 around the level, and today's partial candle (range 200). */
export function restCandles(today: number, level = 60_000, days = 14): OhlcCandle[] {
  const out: OhlcCandle[] = [];
  for (let d = days; d >= 1; d -= 1) {
    out.push({ openTime: today - d * DAY, open: D(level), high: D(level + 1000), low: D(level - 1000), close: D(level), volume: D(500) });
  }
  out.push({ openTime: today, open: D(level), high: D(level + 100), low: D(level - 100), close: D(level), volume: D(50) });
  return out;
}
