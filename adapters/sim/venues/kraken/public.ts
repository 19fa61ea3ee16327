import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { json } from '../../context';
import { fmtNum, dpOf, type Level } from '../../model/book';
import { fundedAssets } from '../../accounts/networks';
import { altAsset, assetId, pairAlt, pairKey, wsName } from './ids';
import { top } from '../tickers';
import { COST_DECIMALS } from '../../accounts/settlement';

export function krakenError(...errors: string[]): HttpReply {
  return json({ error: errors });
}

export function ok(result: unknown): HttpReply {
  return json({ error: [], result });
}

export function assets(ctx: SimContext): HttpReply {
  const codes = new Set<string>(['USD', ...fundedAssets()]);
  for (const m of ctx.store.marketsOf('kraken')) {
    codes.add(m.base);
    codes.add(m.quote);
  }
  const result: Record<string, unknown> = {};
  for (const c of codes) {
    if (c === 'BNB') continue;
    const fiat = c === 'USD';
    result[assetId(c)] = { aclass: 'currency', altname: altAsset(c), decimals: fiat ? 4 : 10, display_decimals: fiat ? 2 : 5, collateral_value: 1, status: 'enabled' };
  }
  return ok(result);
}

export function assetPairs(ctx: SimContext): HttpReply {
  const result: Record<string, unknown> = {};
  for (const m of ctx.store.marketsOf('kraken')) {
    const taker = m.takerFee.times(100).toFixed();
    const maker = m.makerFee.times(100).toFixed();
    result[pairKey(m)] = {
      altname: pairAlt(m), wsname: wsName(m), aclass_base: 'currency', base: assetId(m.base), aclass_quote: 'currency', quote: assetId(m.quote),
      lot: 'unit', cost_decimals: COST_DECIMALS.kraken, pair_decimals: dpOf(m.tick), lot_decimals: dpOf(m.step), lot_multiplier: 1,
      leverage_buy: [], leverage_sell: [], fees: [[0, Number(taker)]], fees_maker: [[0, Number(maker)]], fee_volume_currency: 'ZUSD',
      margin_call: 80, margin_stop: 40, ordermin: fmtNum(m.minQty, m.step), costmin: fmtNum(m.minNotional, m.tick), tick_size: fmtNum(m.tick, m.tick), status: 'online',
    };
  }
  return ok(result);
}

export function depth(req: HttpRequest, ctx: SimContext): HttpReply {
  const pair = String(req.params.pair ?? '');
  const m = ctx.store.marketsOf('kraken').find((x) => pairKey(x) === pair || pairAlt(x) === pair || wsName(x) === pair);
  if (!m) return krakenError('EQuery:Unknown asset pair');
  const lb = ctx.store.live('kraken', m.symbol);
  if (!lb) return krakenError('EQuery:Unknown asset pair');
  const count = req.params.count === undefined ? 100 : Math.max(1, Math.min(500, Number(req.params.count)));
  const ts = Math.floor(lb.timestamp / 1000);
  const fmt = (l: Level) => [fmtNum(l[0], m.tick), fmtNum(l[1], m.step), ts];
  return ok({ [pairKey(m)]: { asks: lb.book.asks.slice(0, count).map(fmt), bids: lb.book.bids.slice(0, count).map(fmt) } });
}

/** /0/public/Ticker: a, b, c, v, p, t, l, h, o per pair (comma-separated `pair`, or all). */
export function tickers(req: HttpRequest, ctx: SimContext): HttpReply {
  const wanted = req.params.pair === undefined ? undefined : String(req.params.pair).split(',');
  const ms = ctx.store.marketsOf('kraken').filter((m) => !wanted || wanted.some((w) => w === pairKey(m) || w === pairAlt(m) || w === wsName(m)));
  if (wanted && !ms.length) return krakenError('EQuery:Unknown asset pair');
  const result: Record<string, unknown> = {};
  for (const m of ms) {
    const t = top(ctx, 'kraken', m);
    if (!t) continue;
    result[pairKey(m)] = { a: [t.ask, '1', t.askQty], b: [t.bid, '1', t.bidQty], c: [t.last, '0'], v: ['0', '0'], p: [t.last, t.last], t: [0, 0], l: [t.last, t.last], h: [t.last, t.last], o: t.last };
  }
  return ok(result);
}
