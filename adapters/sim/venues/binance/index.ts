import type { HttpReply, HttpRequest, SimContext, Venue } from '../../context';
import { json } from '../../context';
import { binanceError, depth, exchangeInfo, ticker } from './public';
import { handleBinanceWs } from './ws';
import { binancePrivate } from './private';

export const binanceVenue: Venue = {
  id: 'binance',
  async handleHttp(req: HttpRequest, ctx: SimContext): Promise<HttpReply> {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /api/v3/ping': return json({});
      case 'GET /api/v3/time': return json({ serverTime: ctx.now() });
      case 'GET /api/v3/exchangeInfo': return exchangeInfo(ctx);
      case 'GET /api/v3/depth': return depth(req, ctx);
      case 'GET /api/v3/ticker/24hr': return ticker(req, ctx, false);
      case 'GET /api/v3/ticker/bookTicker': return ticker(req, ctx, true);
      // ccxt loads futures markets too unless told not to: answer with none rather than fail.
      case 'GET /fapi/v1/exchangeInfo':
      case 'GET /dapi/v1/exchangeInfo': return json({ timezone: 'UTC', serverTime: ctx.now(), rateLimits: [], exchangeFilters: [], symbols: [] });
      case 'GET /sapi/v1/margin/allPairs':
      case 'GET /sapi/v1/margin/isolated/allPairs': return json([]);
      default: {
        const reply = await binancePrivate(req, ctx);
        return reply ?? binanceError(404, -1000, `sim: no endpoint ${route}`);
      }
    }
  },
  handleWs(socket, path, ctx) {
    handleBinanceWs(socket, ctx);
    void path;
  },
  statusReply(status) {
    return status === 429
      ? { status: 429, body: { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' }, headers: { 'retry-after': '1' } }
      : { status: 418, body: { code: -1003, msg: 'Way too many requests; IP(127.0.0.1) banned until 1754494464098. Please use WebSocket Streams for live updates to avoid bans.' }, headers: { 'retry-after': '60' } };
  },
  urls(http, ws) {
    const b = `${http}/binance`;
    return {
      api: {
        public: `${b}/api/v3`, private: `${b}/api/v3`, v1: `${b}/api/v1`,
        sapi: `${b}/sapi/v1`, sapiV2: `${b}/sapi/v2`, sapiV3: `${b}/sapi/v3`, sapiV4: `${b}/sapi/v4`,
        fapiPublic: `${b}/fapi/v1`, fapiPublicV2: `${b}/fapi/v2`, fapiPublicV3: `${b}/fapi/v3`,
        fapiPrivate: `${b}/fapi/v1`, fapiPrivateV2: `${b}/fapi/v2`, fapiPrivateV3: `${b}/fapi/v3`,
        dapiPublic: `${b}/dapi/v1`, dapiPrivate: `${b}/dapi/v1`, dapiPrivateV2: `${b}/dapi/v2`,
        // "/stream" in the path matters: ccxt tells spot from futures diffs by it.
        ws: { spot: `${ws}/binance/stream/ws`, margin: `${ws}/binance/stream/ws` },
      },
    };
  },
  ccxtExtras() {
    return { options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false } };
  },
};
