import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { json } from '../../context';
import { fmtNum } from '../../model/book';
import { eightLevel } from '../wire-format';
import type { SimMarket } from '../../model/markets';
import { top, type Top } from '../tickers';

/** Binance spot public REST: exchangeInfo, depth, time, ping (the calls ccxt makes). */
export function binanceError(status: number, code: number, msg: string): HttpReply {
  return { status, body: { code, msg } };
}

export function exchangeInfo(ctx: SimContext): HttpReply {
  const symbols = ctx.store.marketsOf('binance').map((m) => symbolInfo(m));
  return json({
    timezone: 'UTC',
    serverTime: ctx.now(),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols,
  });
}

function symbolInfo(m: SimMarket): Record<string, unknown> {
  return {
    symbol: m.id,
    status: 'TRADING',
    baseAsset: m.base,
    baseAssetPrecision: 8,
    quoteAsset: m.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: fmtNum(m.tick, m.tick), maxPrice: '1000000.00', tickSize: fmtNum(m.tick, m.tick) },
      { filterType: 'LOT_SIZE', minQty: fmtNum(m.minQty, m.step), maxQty: '9000.00000000', stepSize: fmtNum(m.step, m.step) },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
      { filterType: 'NOTIONAL', minNotional: fmtNum(m.minNotional, m.tick), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000, 5000];

export function depth(req: HttpRequest, ctx: SimContext): HttpReply {
  const id = String(req.query.symbol ?? '');
  const market = ctx.store.marketById('binance', id);
  if (!market) return binanceError(400, -1121, 'Invalid symbol.');
  const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
  if (!DEPTH_LIMITS.includes(limit) && !(Number.isInteger(limit) && limit > 0 && limit <= 5000)) {
    return binanceError(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'.");
  }
  // A liquid pair has more levels than any limit: the answer carries as many as asked for.
  ctx.store.ensureDepth('binance', market.symbol, limit);
  const lb = ctx.store.live('binance', market.symbol);
  if (!lb) return binanceError(400, -1121, 'Invalid symbol.');
  ctx.store.noteSnapshot('binance', market.symbol);
  return json({
    lastUpdateId: lb.seq,
    bids: lb.book.bids.slice(0, limit).map(eightLevel),
    asks: lb.book.asks.slice(0, limit).map(eightLevel),
  });
}

/** /api/v3/ticker/24hr and /ticker/bookTicker: one object for `symbol`, a list for `symbols` or none. */
export function ticker(req: HttpRequest, ctx: SimContext, book: boolean): HttpReply {
  const one = req.query.symbol;
  let ids: string[] | undefined;
  try {
    ids = req.query.symbols ? (JSON.parse(req.query.symbols) as string[]) : undefined;
  } catch {
    return binanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  }
  const markets = ctx.store.marketsOf('binance').filter((m) => (one ? m.id === one : !ids || ids.includes(m.id)));
  if (one && !markets.length) return binanceError(400, -1121, 'Invalid symbol.');
  const rows = markets.map((m) => top(ctx, 'binance', m)).filter((t): t is Top => t !== undefined).map((t) => (book
    ? { symbol: t.m.id, bidPrice: t.bid, bidQty: t.bidQty, askPrice: t.ask, askQty: t.askQty }
    : {
      symbol: t.m.id, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: t.last, prevClosePrice: t.last, lastPrice: t.last, lastQty: '0',
      bidPrice: t.bid, bidQty: t.bidQty, askPrice: t.ask, askQty: t.askQty, openPrice: t.last, highPrice: t.last, lowPrice: t.last, volume: '0', quoteVolume: '0',
      openTime: t.ts - 86_400_000, closeTime: t.ts, firstId: 0, lastId: 0, count: 0,
    }));
  return json(one ? rows[0] : rows);
}
