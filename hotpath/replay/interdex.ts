import { Decimal } from '../../domain/money/decimal';
import type { ExchangeId, Market } from '../../domain/market';
import type { OrderBook } from '../../domain/orderbook';

type RawLevel = { price: string; quantity: string };
type RawEntry = { exchange: string; orderbook: { bids: RawLevel[]; asks: RawLevel[]; timestamp: string } };

const VENUES: Record<string, { id: ExchangeId; step: string; tick: string; minNotional: string; fee: string }> = {
  // Rules as the venues list BTC/USDC (steps and ticks), taker fees at the entry tier.
  Binance: { id: 'binance', step: '0.00001', tick: '0.01', minNotional: '5', fee: '0.001' },
  Coinbase: { id: 'coinbase', step: '0.00000001', tick: '0.01', minNotional: '1', fee: '0.006' },
  Kraken: { id: 'kraken', step: '0.00000001', tick: '0.01', minNotional: '0.5', fee: '0.004' },
};

/**
 * palisade-research interdex orderbooks_all.json (REST L2 snapshots of BTC/USDC on three venues)
 * -> books with their recorded timestamps, and the markets they belong to.
 */
export function convertInterdex(raw: unknown): { books: OrderBook[]; markets: Market[] } {
  if (!Array.isArray(raw)) throw new Error('interdex: expected a JSON array of {exchange, orderbook}');
  const books: OrderBook[] = [];
  const markets: Market[] = [];
  for (const e of raw as RawEntry[]) {
    const v = VENUES[e.exchange];
    if (!v) throw new Error(`interdex: unknown exchange "${e.exchange}"`);
    const lv = (l: RawLevel[]) => l.map((x) => ({ price: new Decimal(x.price), amount: new Decimal(x.quantity) }));
    const at = Date.parse(e.orderbook.timestamp);
    if (!Number.isFinite(at)) throw new Error(`interdex: bad timestamp "${e.orderbook.timestamp}"`);
    books.push({ exchange: v.id, symbol: 'BTC/USDC', receivedAt: at, bids: lv(e.orderbook.bids), asks: lv(e.orderbook.asks) });
    markets.push({
      exchange: v.id, symbol: 'BTC/USDC', base: 'BTC', quote: 'USDC', id: 'BTCUSDC', amountStep: new Decimal(v.step), priceTick: new Decimal(v.tick),
      minAmount: new Decimal(v.step), minNotional: new Decimal(v.minNotional), takerFee: new Decimal(v.fee), makerFee: new Decimal(v.fee), active: true,
    });
  }
  books.sort((a, b) => a.receivedAt - b.receivedAt);
  return { books, markets };
}
