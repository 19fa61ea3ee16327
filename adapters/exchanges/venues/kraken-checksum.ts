import { crc32 } from 'node:zlib';
import { ccxt } from '../ccxt-venues';
import { Decimal } from '../../../domain/money/decimal';

interface HoldingClient {
  resolve(result: unknown, hash?: string): unknown;
  reject(error: unknown, hash?: string): unknown;
  subscriptions: Record<string, unknown>;
}

type Level = ArrayLike<number>;
type KrakenClient = Parameters<InstanceType<typeof ccxt.pro.kraken>['handleOrderBook']>[0];

/**
 * The market's price or amount precision is not loaded: the checksum cannot be computed, so the
 * book cannot be verified and is refused (guessing 8 decimals let any book through unverified).
 */
export class KrakenPrecisionUnknown extends ccxt.BadSymbol {
  override readonly name = 'KrakenPrecisionUnknown';
}

/** Decimals per precision step: every book message asks for two, and the steps are few. */
const decimalsByStep = new Map<number, number>();

function decimalsOf(step: number | undefined, what: string): number {
  if (step === undefined || !(step > 0)) throw new KrakenPrecisionUnknown(what);
  let d = decimalsByStep.get(step);
  if (d === undefined) {
    // String(0.1) is "0.1" and String(1e-8) is "1e-8": Decimal reads both exactly.
    d = new Decimal(String(step)).decimalPlaces();
    decimalsByStep.set(step, d);
  }
  return d;
}

/** "0.5668" -> "5668": '.' removed, leading zeros stripped (by hand: it runs 40 times a message). */
function field(x: number, decimals: number): string {
  const fixed = x.toFixed(decimals);
  const dot = fixed.indexOf('.');
  const digits = dot < 0 ? fixed : fixed.slice(0, dot) + fixed.slice(dot + 1);
  let zeros = 0;
  while (zeros < digits.length && digits.charCodeAt(zeros) === 48) zeros += 1;
  return zeros === 0 ? digits : digits.slice(zeros);
}

/**
 * Kraken v2 book checksum: CRC32 of the top 10 asks then top 10 bids, "price qty" digits only.
 * Each side is cut at 10 on its own: a thin side has fewer lines, the other side keeps its 10.
 */
export function krakenChecksum(asks: ArrayLike<Level>, bids: ArrayLike<Level>, priceDecimals: number, qtyDecimals: number): number {
  let payload = '';
  for (const side of [asks, bids]) {
    for (let i = 0; i < Math.min(10, side.length); i += 1) {
      const level = side[i]!;
      payload += field(level[0]!, priceDecimals) + field(level[1]!, qtyDecimals);
    }
  }
  return crc32(payload) >>> 0;
}

/**
 * ccxt's Kraken book has no gap detection (its own checksum code is disabled and breaks on float
 * levels). This subclass checks the checksum Kraken sends with every book message before the book
 * is handed out; on a mismatch the watch rejects with ChecksumError and the adapter resyncs.
 */
export class KrakenWithChecksum extends ccxt.pro.kraken {
  private readonly desynced = new Set<string>();
  /** The depth each symbol was subscribed with (ccxt forgets it). */
  private readonly depths = new Map<string, number>();
  /** Set while a snapshot is handled: the depth its book must be created with. */
  private snapshotDepth: number | undefined;

  override async watchOrderBookForSymbols(symbols: string[], limit?: number, params: Record<string, unknown> = {}): ReturnType<InstanceType<typeof ccxt.pro.kraken>['watchOrderBookForSymbols']> {
    // Kraken's default depth is 10.
    for (const s of symbols) this.depths.set(s, limit ?? 10);
    return super.watchOrderBookForSymbols(symbols, limit, params);
  }

  /**
   * ccxt sizes a snapshot's book to its ask count and then cuts the bids to match: a thin market
   * (fewer asks than the depth) loses bids, fails a correct checksum and would resync forever.
   * A snapshot's book gets the subscribed depth (or its longer side) instead.
   */
  override orderBook(snapshot = {}, depth?: number): ReturnType<InstanceType<typeof ccxt.pro.kraken>['orderBook']> {
    return super.orderBook(snapshot, this.snapshotDepth ?? depth);
  }

  override handleOrderBook(client: KrakenClient, message: Record<string, unknown>): void {
    const first = (Array.isArray(message.data) ? message.data[0] : undefined) as Record<string, unknown> | undefined;
    const symbol = typeof first?.symbol === 'string' ? first.symbol : undefined;
    if (!symbol) return;
    const isSnapshot = message.type === 'snapshot';
    if (isSnapshot) this.desynced.delete(symbol);
    // Updates for a book already found inconsistent are dropped until a new snapshot.
    else if (this.desynced.has(symbol) || !this.orderbooks[symbol]) return;
    const c = client as unknown as HoldingClient;
    const original = c.resolve;
    const held: Array<[unknown, string | undefined]> = [];
    c.resolve = (result, hash) => {
      held.push([result, hash]);
      return result;
    };
    if (isSnapshot) {
      const side = (k: string): number => (Array.isArray(first?.[k]) ? (first[k] as unknown[]).length : 0);
      this.snapshotDepth = Math.max(this.depths.get(symbol) ?? 10, side('asks'), side('bids'));
    }
    try {
      super.handleOrderBook(client, message);
    } finally {
      c.resolve = original;
      this.snapshotDepth = undefined;
    }
    const expected = typeof first?.checksum === 'number' ? first.checksum : undefined;
    let failure: Error | undefined;
    try {
      if (expected !== undefined && !this.checksumMatches(symbol, expected)) failure = new ccxt.ChecksumError(`kraken ${symbol}: book checksum mismatch (a message was lost)`);
    } catch (e) {
      failure = e as Error;
    }
    for (const [result, hash] of held) {
      if (!failure) {
        original.call(c, result, hash);
        continue;
      }
      this.desynced.add(symbol);
      delete this.orderbooks[symbol];
      if (hash) delete c.subscriptions[hash];
      c.reject(failure, hash);
    }
  }

  /** Throws KrakenPrecisionUnknown when the market or its precision is not loaded. */
  private checksumMatches(symbol: string, expected: number): boolean {
    const book = this.orderbooks[symbol];
    if (!book) return true;
    const market = this.markets?.[symbol];
    const got = krakenChecksum(
      book.asks as unknown as ArrayLike<Level>,
      book.bids as unknown as ArrayLike<Level>,
      decimalsOf(market?.precision?.price, `kraken ${symbol}: price precision not loaded, the book checksum cannot be verified`),
      decimalsOf(market?.precision?.amount, `kraken ${symbol}: amount precision not loaded, the book checksum cannot be verified`),
    );
    return got === expected >>> 0;
  }
}
