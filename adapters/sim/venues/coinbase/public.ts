import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { json } from '../../context';
import { Decimal } from '../../../../domain/money/decimal';
import { fmtNum, type Level } from '../../model/book';
import type { SimMarket } from '../../model/markets';
import { networksOf } from '../../accounts/networks';
import { assetName, iso, networkName, uuidFor } from './ids';
import { top } from '../tickers';

export function cbError(status: number, error: string, message: string): HttpReply {
  return { status, body: { error, error_details: message, message } };
}

export function products(req: HttpRequest, ctx: SimContext): HttpReply {
  // Futures listings are asked for separately; the sim lists spot only.
  if (req.query.product_type && req.query.product_type !== 'SPOT') return json({ products: [], num_products: 0 });
  const list = ctx.store.marketsOf('coinbase').map((m) => product(m, ctx));
  return json({ products: list, num_products: list.length });
}

function product(m: SimMarket, ctx: SimContext): Record<string, unknown> {
  const lb = ctx.store.live('coinbase', m.symbol);
  const bid = lb?.book.bids[0]?.[0];
  const ask = lb?.book.asks[0]?.[0];
  const mid = bid && ask ? fmtNum(bid.plus(ask).div(2).toDecimalPlaces(m.tick.decimalPlaces()), m.tick) : '';
  const aliasTo = ctx.store.marketsOf('coinbase').filter((x) => x.aliasOf === m.symbol).map((x) => x.id);
  const source = m.aliasOf ? ctx.store.market('coinbase', m.aliasOf) : undefined;
  return {
    product_id: m.id, price: mid, price_percentage_change_24h: '0', volume_24h: '1000', volume_percentage_change_24h: '0',
    base_increment: fmtNum(m.step, m.step), quote_increment: fmtNum(m.tick, m.tick), quote_min_size: fmtNum(m.minNotional, m.tick),
    quote_max_size: '150000000', base_min_size: fmtNum(m.minQty, m.step), base_max_size: '3400', base_name: assetName(m.base), quote_name: assetName(m.quote),
    watched: false, is_disabled: false, new: false, status: 'online', cancel_only: false, limit_only: false, post_only: false, trading_disabled: false,
    auction_mode: false, product_type: 'SPOT', quote_currency_id: m.quote, base_currency_id: m.base, fcm_trading_session_details: null, mid_market_price: mid,
    alias: source ? source.id : '', alias_to: aliasTo, base_display_symbol: m.base, quote_display_symbol: m.quote, view_only: false,
    price_increment: fmtNum(m.tick, m.tick), display_name: m.id, product_venue: 'CBE',
  };
}

export function productBook(req: HttpRequest, ctx: SimContext): HttpReply {
  const id = String(req.query.product_id ?? '');
  const m = ctx.store.marketById('coinbase', id);
  const limit = req.query.limit === undefined ? Number.MAX_SAFE_INTEGER : Math.max(1, Number(req.query.limit));
  if (m) ctx.store.ensureDepth('coinbase', m.symbol, limit);
  const lb = m ? ctx.store.live('coinbase', m.symbol) : undefined;
  if (!m || !lb) return cbError(404, 'NOT_FOUND', 'ProductID is invalid');
  const lvl = ([p, a]: Level) => ({ price: fmtNum(p, m.tick), size: fmtNum(a, m.step) });
  return json({ pricebook: { product_id: m.id, bids: lb.book.bids.slice(0, limit).map(lvl), asks: lb.book.asks.slice(0, limit).map(lvl), time: iso(lb.timestamp) } });
}

export function currenciesFiat(): HttpReply {
  return json({ data: [{ id: 'USD', name: 'US Dollar', min_size: '0.01' }] });
}

const CRYPTO = ['BTC', 'ETH', 'SOL', 'PAXG', 'USDT', 'USDC'];

export function currenciesCrypto(): HttpReply {
  return json({
    data: CRYPTO.map((c, i) => ({
      asset_id: uuidFor(`asset-${c}`), code: c, name: assetName(c), color: '#0052FF', sort_index: 100 + i, exponent: 8, type: 'crypto',
      address_regex: '^.+$', networks: networksOf('coinbase', c).map((n) => networkName(n.code)),
    })),
  });
}

export function exchangeRates(ctx: SimContext): HttpReply {
  const rates: Record<string, string> = { USD: '1' };
  for (const c of CRYPTO) {
    const lb = ctx.store.live('coinbase', `${c}/USD`);
    const bid = lb?.book.bids[0]?.[0];
    if (bid && bid.gt(0)) rates[c] = new Decimal(1).div(bid).toFixed(12);
  }
  rates.USDC = rates.USDC ?? '1';
  return json({ data: { currency: 'USD', rates } });
}

/** /products/{id}/ticker: the latest prints plus best bid and ask. */
export function productTicker(id: string, ctx: SimContext): HttpReply {
  const m = ctx.store.marketById('coinbase', id);
  const t = m ? top(ctx, 'coinbase', m) : undefined;
  if (!m || !t) return cbError(404, 'NOT_FOUND', 'ProductID is invalid');
  return json({ trades: [{ trade_id: '0', product_id: m.id, price: t.last, size: '0', time: iso(t.ts), side: 'BUY', bid: '', ask: '', exchange: 'coinbase' }], best_bid: t.bid, best_ask: t.ask });
}
