import type { HttpReply, HttpRequest, SimContext, Venue } from '../../context';
import { json } from '../../context';
import { assetPairs, assets, depth, krakenError, ok, tickers } from './public';
import { krakenPrivate } from './private';
import { handleKrakenWs } from './ws';

export const krakenVenue: Venue = {
  id: 'kraken',
  handleHttp(req: HttpRequest, ctx: SimContext): HttpReply {
    switch (req.path) {
      case '/0/public/Time': return ok({ unixtime: Math.floor(ctx.now() / 1000), rfc1123: new Date(ctx.now()).toUTCString() });
      case '/0/public/SystemStatus': return ok({ status: 'online', timestamp: new Date(ctx.now()).toISOString() });
      case '/0/public/Assets': return assets(ctx);
      case '/0/public/AssetPairs': return assetPairs(ctx);
      case '/0/public/Depth': return depth(req, ctx);
      case '/0/public/Ticker': return tickers(req, ctx);
      default: return krakenPrivate(req, ctx) ?? json({ error: [`EGeneral:Unknown method ${req.path}`] }, 404);
    }
  },
  handleWs(socket, _path, ctx) {
    handleKrakenWs(socket, ctx);
  },
  statusReply(status) {
    // Kraken answers throttling inside a 200 body; the 418 variant is its temporary lockout.
    return status === 429 ? krakenError('EAPI:Rate limit exceeded') : krakenError('EGeneral:Temporary lockout');
  },
  urls(http, ws) {
    return { api: { public: `${http}/kraken`, private: `${http}/kraken`, ws: { publicV2: `${ws}/kraken/v2`, privateV2: `${ws}/kraken/v2-auth` } } };
  },
  ccxtExtras() {
    return {};
  },
};
