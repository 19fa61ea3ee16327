import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import type { SimContext } from '../context';
import { fmtNum } from '../model/book';
import type { SimMarket } from '../model/markets';

/** Top of book and a last price (the mid) per market, for the venues' ticker endpoints. */
export interface Top { m: SimMarket; bid: string; bidQty: string; ask: string; askQty: string; last: string; ts: number }

export function top(ctx: SimContext, exchange: ExchangeId, m: SimMarket): Top | undefined {
  const lb = ctx.store.live(exchange, m.symbol);
  const b = lb?.book.bids[0];
  const a = lb?.book.asks[0];
  if (!lb || !b || !a) return undefined;
  const mid = b[0].plus(a[0]).div(2).toDecimalPlaces(m.tick.decimalPlaces(), Decimal.ROUND_HALF_EVEN);
  return { m, bid: fmtNum(b[0], m.tick), bidQty: fmtNum(b[1], m.step), ask: fmtNum(a[0], m.tick), askQty: fmtNum(a[1], m.step), last: fmtNum(mid, m.tick), ts: lb.timestamp };
}
