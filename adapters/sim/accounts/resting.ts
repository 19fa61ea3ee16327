import type { ExchangeId } from '../../../domain/market';
import { Decimal, ZERO } from '../../../domain/money/decimal';
import type { Level } from '../model/book';
import type { BookStore, BookUpdate } from '../model/store';
import type { Accounts } from './accounts';
import type { SimOrder } from './matching';
import { settledCost } from './settlement';

let tradeSeq = 1_000_000;

/**
 * Fills resting GTC orders when the book moves through their price: at their own limit price, as
 * makers (maker fee), taking the crossing liquidity from the book. Runs after every book change.
 */
export function watchRestingOrders(store: BookStore, accounts: Accounts, now: () => number): () => void {
  let busy = false;
  return store.onUpdate((u: BookUpdate) => {
    if (busy) return;
    const open = accounts.ordersOf(u.exchange).filter((o) => o.status === 'open' && u.symbols.includes(o.symbol));
    if (!open.length) return;
    busy = true;
    try {
      for (const o of open) fillAgainstBook(store, accounts, u.exchange, o, now());
    } finally {
      busy = false;
    }
  });
}

function fillAgainstBook(store: BookStore, accounts: Accounts, exchange: ExchangeId, o: SimOrder, ts: number): void {
  const lb = store.live(exchange, o.symbol);
  const m = store.market(exchange, o.symbol);
  if (!lb || !m || !o.price) return;
  const limit = o.price;
  const side = o.side === 'buy' ? lb.book.asks : lb.book.bids;
  const crosses = (p: Decimal): boolean => (o.side === 'buy' ? p.lte(limit) : p.gte(limit));
  let want = o.amount.minus(o.filled);
  const taken: Level[] = [];
  for (const [p, a] of side) {
    if (!crosses(p) || want.lte(0)) break;
    const x = Decimal.min(a, want);
    taken.push([p, x]);
    want = want.minus(x);
  }
  const qty = taken.reduce((s, [, a]) => s.plus(a), ZERO);
  if (qty.lte(0)) return;
  const baseFee = exchange === 'binance' && o.side === 'buy';
  const cost = settledCost(exchange, limit, qty);
  const fee = (baseFee ? qty : cost).times(m.makerFee).toDecimalPlaces(8, Decimal.ROUND_HALF_EVEN);
  const remainingBefore = o.amount.minus(o.filled);
  const release = o.locked.times(qty).div(remainingBefore);
  accounts.release(exchange, o.lockedAsset, release);
  o.locked = o.locked.minus(release);
  if (o.side === 'buy') {
    accounts.debit(exchange, m.quote, cost.plus(baseFee ? ZERO : fee));
    accounts.credit(exchange, m.base, qty.minus(baseFee ? fee : ZERO));
  } else {
    accounts.debit(exchange, m.base, qty);
    accounts.credit(exchange, m.quote, cost.minus(fee));
  }
  o.fills.push({ tradeId: tradeSeq++, price: limit, amount: qty, cost, fee, feeCurrency: o.feeCurrency, timestamp: ts });
  o.filled = o.filled.plus(qty);
  o.cost = o.cost.plus(cost);
  o.fee = o.fee.plus(fee);
  o.updated = ts;
  if (o.filled.gte(o.amount)) {
    o.status = 'closed';
    accounts.release(exchange, o.lockedAsset, o.locked);
    o.locked = ZERO;
  }
  const takenBy = new Map(taken.map(([p, a]) => [p.toString(), a]));
  const reduce = (levels: Level[]): Level[] => levels.map(([p, a]): Level => [p, a.minus(takenBy.get(p.toString()) ?? ZERO)]).filter(([, a]) => a.gt(0));
  store.apply(exchange, o.symbol, o.side === 'buy' ? { bids: lb.book.bids, asks: reduce(lb.book.asks) } : { bids: reduce(lb.book.bids), asks: lb.book.asks });
  store.publishTrade(exchange, o.symbol, limit, qty, o.side);
}
