import { crc32 } from 'node:zlib';
import ccxt from 'ccxt';
import { Decimal } from '../../../domain/money/decimal';

interface HoldingClient {
  resolve(result: unknown, hash?: string): unknown;
  reject(error: unknown, hash?: string): unknown;
  subscriptions: Record<string, unknown>;
}

type Level = ArrayLike<number>;
type KrakenClient = Parameters<InstanceType<typeof ccxt.pro.kraken>['handleOrderBook']>[0];

function decimalsOf(step: number | undefined): number {
  if (step === undefined || !(step > 0)) return 8;
  // String(0.1) is "0.1" and String(1e-8) is "1e-8": Decimal reads both exactly.
  return new Decimal(String(step)).decimalPlaces();
}

function field(x: number, decimals: number): string {
  return x.toFixed(decimals).replace('.', '').replace(/^0+/, '');
}

/** Kraken v2 book checksum: CRC32 of the top 10 asks then top 10 bids, "price qty" digits only. */
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
    try {
      super.handleOrderBook(client, message);
    } finally {
      c.resolve = original;
    }
    const expected = typeof first?.checksum === 'number' ? first.checksum : undefined;
    const ok = expected === undefined || this.checksumMatches(symbol, expected);
    for (const [result, hash] of held) {
      if (ok) {
        original.call(c, result, hash);
        continue;
      }
      this.desynced.add(symbol);
      delete this.orderbooks[symbol];
      if (hash) delete c.subscriptions[hash];
      c.reject(new ccxt.ChecksumError(`kraken ${symbol}: book checksum mismatch (a message was lost)`), hash);
    }
  }

  private checksumMatches(symbol: string, expected: number): boolean {
    const book = this.orderbooks[symbol];
    const market = this.markets?.[symbol];
    if (!book || !market) return true;
    const got = krakenChecksum(
      book.asks as unknown as ArrayLike<Level>,
      book.bids as unknown as ArrayLike<Level>,
      decimalsOf(market.precision?.price),
      decimalsOf(market.precision?.amount),
    );
    return got === expected >>> 0;
  }
}
