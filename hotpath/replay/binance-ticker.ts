import { Decimal, ONE } from '../../domain/money/decimal';
import { quantizeAmountDown, quantizePrice } from '../../domain/money/quantize';
import type { BookLevel, OrderBook } from '../../domain/orderbook';
import type { Market } from '../../domain/market';

export interface TickerOptions {
  /** Full spread around the last price, basis points. */
  spreadBps: number;
  /** USD value of each level, and how many levels a side. */
  depthUsd: Decimal;
  levels: number;
  /** When the snapshot was taken (ms): every book's timestamp unless it is stale. */
  at: number;
  /** Quotes whose pairs were delisted before the snapshot: their books carry `staleAt`. */
  staleQuotes: string[];
  staleAt: number;
  takerFee: Decimal;
}

type Ticker = { symbol: string; price: string };
type InfoSymbol = { symbol: string; status?: string; baseAsset: string; quoteAsset: string; filters: Array<Record<string, string>> };

// Longest first so "BUSD" is not read as "...USD" and "USDT" wins over "USD".
const QUOTES = ['BKRW', 'BIDR', 'BVND', 'IDRT', 'USDT', 'BUSD', 'USDC', 'TUSD', 'USDP', 'USDS', 'GYEN', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'GBP', 'AUD', 'BRL', 'RUB', 'NGN', 'UAH', 'ZAR', 'DAI', 'PAX', 'UST', 'VAI', 'XRP', 'TRX', 'DOT', 'PLN', 'RON', 'ARS', 'JPY', 'DOGE'];
const USD_LIKE = new Set(['USDT', 'BUSD', 'USDC', 'TUSD', 'USDP', 'PAX', 'DAI', 'USDS', 'UST']);

/**
 * Binance /api/v3/ticker/price (last prices only) -> a market graph with synthetic books: top of
 * book at price -/+ half the spread, `levels` levels a side of `depthUsd` each, on the market's
 * tick and step (from a Binance exchangeInfo when given, else 1e-8). Pairs we cannot value in USD
 * are left out, and counted.
 */
export function convertBinanceTicker(tickers: Ticker[], o: TickerOptions, info?: { symbols: InfoSymbol[] }): { books: OrderBook[]; markets: Market[]; skipped: string[] } {
  const rules = new Map((info?.symbols ?? []).map((s) => [s.symbol, s]));
  const prices = new Map(tickers.map((t) => [t.symbol, new Decimal(t.price)]));
  const usdOf = (asset: string): Decimal | undefined => {
    if (USD_LIKE.has(asset)) return ONE;
    return prices.get(`${asset}USDT`) ?? prices.get(`${asset}BUSD`) ?? (prices.get(`${asset}BTC`)?.times(prices.get('BTCUSDT') ?? 0) || undefined);
  };
  const books: OrderBook[] = [];
  const markets: Market[] = [];
  const skipped: string[] = [];
  const half = new Decimal(o.spreadBps).div(20_000);
  for (const t of tickers) {
    const info = rules.get(t.symbol);
    const split = info ? { base: info.baseAsset, quote: info.quoteAsset } : splitBySuffix(t.symbol);
    const price = new Decimal(t.price);
    const usd = split && usdOf(split.quote);
    if (!split || price.lte(0) || !usd || usd.lte(0)) {
      skipped.push(t.symbol);
      continue;
    }
    const filter = (type: string, key: string) => info?.filters.find((f) => f.filterType === type)?.[key];
    const tick = new Decimal(filter('PRICE_FILTER', 'tickSize') ?? '0.00000001');
    const step = new Decimal(filter('LOT_SIZE', 'stepSize') ?? '0.00000001');
    const symbol = `${split.base}/${split.quote}`;
    const market: Market = {
      exchange: 'binance', symbol, base: split.base, quote: split.quote, id: t.symbol, amountStep: step, priceTick: tick,
      minAmount: new Decimal(filter('LOT_SIZE', 'minQty') ?? '0'), minNotional: new Decimal(filter('MIN_NOTIONAL', 'minNotional') ?? '0'),
      // exchangeInfo's status is what ccxt's `active` reports: a BREAK market has no live book.
      takerFee: o.takerFee, makerFee: o.takerFee, active: !info?.status || info.status === 'TRADING',
    };
    const amount = quantizeAmountDown(o.depthUsd.div(price.times(usd)), step);
    if (amount.isZero()) {
      skipped.push(t.symbol);
      continue;
    }
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let k = 0; k < o.levels; k += 1) {
      const away = half.times(2 * k + 1);
      bids.push({ price: quantizePrice(price.times(ONE.minus(away)), tick, 'buy'), amount });
      asks.push({ price: quantizePrice(price.times(ONE.plus(away)), tick, 'sell'), amount });
    }
    if (bids[0]!.price.lte(0)) {
      skipped.push(t.symbol);
      continue;
    }
    const at = o.staleQuotes.includes(split.quote) ? o.staleAt : o.at;
    books.push({ exchange: 'binance', symbol, receivedAt: at, bids, asks });
    markets.push(market);
  }
  return { books, markets, skipped };
}

function splitBySuffix(symbol: string): { base: string; quote: string } | undefined {
  for (const q of QUOTES) if (symbol.endsWith(q) && symbol.length > q.length) return { base: symbol.slice(0, -q.length), quote: q };
  return undefined;
}
