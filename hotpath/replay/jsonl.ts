import { z } from 'zod';
import { EXCHANGE_IDS, type ExchangeId, type Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';
import { formatDecimal } from '../../domain/money/format';
import { decimalString, nonNegativeDecimalString, positiveDecimalString } from '../../domain/money/schemas';
import { bookShapeProblem, describeShapeProblem } from '../../domain/arbitrage/book-integrity';

/**
 * The recorded-books format `qbot scan` replays: one snapshot per line,
 * {"exchange","symbol","timestamp","bids":[["price","amount"],...],"asks":[...]}, prices and
 * amounts as decimal strings, timestamp in ms since the epoch (or ISO-8601).
 */
const level = z.tuple([positiveDecimalString, nonNegativeDecimalString]);
export const replayLineSchema = z.strictObject({
  exchange: z.enum(EXCHANGE_IDS as unknown as [ExchangeId, ...ExchangeId[]]),
  symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'must be a unified symbol like "BTC/USDT"'),
  timestamp: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]),
  bids: z.array(level),
  asks: z.array(level),
});

export function parseReplayLine(line: string, lineNo: number): OrderBook {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new Error(`line ${lineNo}: not JSON: ${(err as Error).message}`);
  }
  const r = replayLineSchema.safeParse(json);
  if (!r.success) throw new Error(`line ${lineNo}: ${r.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')}`);
  const v = r.data;
  const lv = (l: Array<[ReturnType<typeof positiveDecimalString.parse>, ReturnType<typeof positiveDecimalString.parse>]>) => l.map(([price, amount]) => ({ price, amount }));
  const book: OrderBook = { exchange: v.exchange, symbol: v.symbol, receivedAt: v.timestamp, bids: lv(v.bids), asks: lv(v.asks) };
  // A crossed or unsorted snapshot is a broken recording (a missed update), not a market to replay.
  const shape = bookShapeProblem(book);
  if (shape) throw new Error(`line ${lineNo}: book ${describeShapeProblem(shape)}`);
  return book;
}

export function replayLine(book: OrderBook): string {
  const lv = (l: OrderBook['bids']) => l.map((x) => [formatDecimal(x.price), formatDecimal(x.amount)]);
  return JSON.stringify({ exchange: book.exchange, symbol: book.symbol, timestamp: book.receivedAt, bids: lv(book.bids), asks: lv(book.asks) });
}

/** Market rules that travel with a recording (`<file>.markets.json`). */
const marketSchema = z.strictObject({
  exchange: z.enum(EXCHANGE_IDS as unknown as [ExchangeId, ...ExchangeId[]]),
  symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/),
  amountStep: positiveDecimalString,
  priceTick: positiveDecimalString,
  minAmount: nonNegativeDecimalString,
  minNotional: nonNegativeDecimalString,
  takerFee: decimalString,
  active: z.boolean().default(true),
});
export const marketsFileSchema = z.strictObject({ markets: z.array(marketSchema) });

export function marketsFromFile(json: unknown): Market[] {
  const r = marketsFileSchema.safeParse(json);
  if (!r.success) throw new Error(`markets file: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data.markets.map((m) => {
    const [base, quote] = m.symbol.split('/') as [string, string];
    return { ...m, base, quote, id: `${base}${quote}`, makerFee: m.takerFee };
  });
}

export function marketsToFile(markets: readonly Market[]): string {
  const f = formatDecimal;
  return JSON.stringify({
    markets: markets.map((m) => ({ exchange: m.exchange, symbol: m.symbol, amountStep: f(m.amountStep), priceTick: f(m.priceTick), minAmount: f(m.minAmount), minNotional: f(m.minNotional), takerFee: f(m.takerFee), active: m.active })),
  });
}
