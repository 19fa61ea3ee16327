import type { HttpReply, HttpRequest, SimContext, Venue } from '../../context';
import { json } from '../../context';
import { iso } from './ids';
import { coinbasePrivate } from './private';
import { cbError, currenciesCrypto, currenciesFiat, exchangeRates, productBook, products, productTicker } from './public';
import { handleCoinbaseWs } from './ws';

export const coinbaseVenue: Venue = {
  id: 'coinbase',
  handleHttp(req: HttpRequest, ctx: SimContext): HttpReply {
    switch (`${req.method} ${req.path}`) {
      case 'GET /v2/time': return json({ data: { iso: iso(ctx.now()), epoch: Math.floor(ctx.now() / 1000) } });
      case 'GET /api/v3/brokerage/time': return json({ iso: iso(ctx.now()), epochSeconds: String(Math.floor(ctx.now() / 1000)), epochMillis: String(ctx.now()) });
      case 'GET /v2/currencies': return currenciesFiat();
      case 'GET /v2/currencies/crypto': return currenciesCrypto();
      case 'GET /v2/exchange-rates': return exchangeRates(ctx);
      case 'GET /api/v3/brokerage/market/products':
      case 'GET /api/v3/brokerage/products': return products(req, ctx);
      case 'GET /api/v3/brokerage/market/product_book':
      case 'GET /api/v3/brokerage/product_book': return productBook(req, ctx);
      default: {
        const t = /^\/api\/v3\/brokerage\/(?:market\/)?products\/([^/]+)\/ticker$/.exec(req.path);
        if (req.method === 'GET' && t) return productTicker(decodeURIComponent(t[1] ?? ''), ctx);
        return coinbasePrivate(req, ctx) ?? cbError(404, 'NOT_FOUND', `sim: no endpoint ${req.method} ${req.path}`);
      }
    }
  },
  handleWs(socket, _path, ctx) {
    handleCoinbaseWs(socket, ctx);
  },
  statusReply(status) {
    return status === 429
      ? { status: 429, body: { error: 'rate_limit_exceeded', error_details: 'Too many requests', message: 'Too many requests' } }
      : { status: 418, body: { error: 'resource_exhausted', error_details: 'Resource has been exhausted', message: 'Resource has been exhausted' } };
  },
  urls(http, ws) {
    return { api: { rest: `${http}/coinbase`, ws: `${ws}/coinbase/ws` } };
  },
  ccxtExtras() {
    return {};
  },
};
