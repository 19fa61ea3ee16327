import { Decimal } from '../../../../domain/money/decimal';
import { formatDecimal } from '../../../../domain/money/format';
import type { ExchangeId } from '../../../../domain/market';
import type { OrderRejection, SimOrder } from '../../accounts/accounts';
import type { SimTransfer } from '../../accounts/funding';
import { depositAddress, networksOf } from '../../accounts/networks';
import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { fmtNum } from '../../model/book';
import { assetCode, assetId, methodName, pairAlt, pairKey, wsName } from './ids';
import { krakenError, ok } from './public';
import { EARN_ROUTES } from './earn';
import { krakenTradeVolume } from '../trading-fees';

const EX: ExchangeId = 'kraken';
type Params = Record<string, unknown>;
const str = (p: Params, k: string): string | undefined => (p[k] === undefined || p[k] === '' ? undefined : String(p[k]));
const s = (d: Decimal): string => formatDecimal(d);
const DEC = /^\d+(\.\d+)?$/;

/** Kraken /0/private/* (POST, form body). Any API-Key/API-Sign pair is accepted. */
export function krakenPrivate(req: HttpRequest, ctx: SimContext): HttpReply | undefined {
  const m = /^\/0\/private\/([A-Za-z/]+)$/.exec(req.path);
  const handler = m ? (ROUTES[m[1] ?? ''] ?? EARN_ROUTES[m[1] ?? '']) : undefined;
  if (!handler) return undefined;
  if (!req.headers['api-key']) return krakenError('EAPI:Invalid key');
  return handler(req.params, ctx);
}

const ROUTES: Record<string, (p: Params, ctx: SimContext) => HttpReply> = {
  Balance: (_p, ctx) => ok(Object.fromEntries(ctx.accounts.balances(EX).map((b) => [assetId(b.asset), b.free.plus(b.used).toFixed(10)]))),
  BalanceEx: (_p, ctx) => ok(Object.fromEntries(ctx.accounts.balances(EX).map((b) => [assetId(b.asset), { balance: b.free.plus(b.used).toFixed(10), hold_trade: b.used.toFixed(10) }]))),
  TradeVolume: (p, ctx) => {
    const pairs = (str(p, 'pair') ?? '').split(',').filter(Boolean);
    const ms = ctx.store.marketsOf(EX).filter((m) => !pairs.length || pairs.includes(pairKey(m)) || pairs.includes(pairAlt(m)));
    return ok(krakenTradeVolume(ctx, ms, pairKey));
  },
  AddOrder: (p, ctx) => addOrder(p, ctx),
  QueryOrders: (p, ctx) => {
    const ids = (str(p, 'txid') ?? '').split(',').filter(Boolean);
    const cid = str(p, 'cl_ord_id') ?? str(p, 'userref');
    const found = ctx.accounts.ordersOf(EX).filter((o) => ids.includes(o.id) || (cid !== undefined && o.clientOrderId === cid));
    return ok(Object.fromEntries(found.map((o) => [o.id, orderJson(o, ctx)])));
  },
  // The account's trades (ccxt fetchMyTrades): each fill with what it moved, as the ledger books it.
  TradesHistory: (_p, ctx) => {
    const trades: Record<string, unknown> = {};
    for (const o of ctx.accounts.ordersOf(EX)) {
      const m = ctx.store.market(EX, o.symbol);
      for (const f of o.fills) {
        trades[`T${f.tradeId.toString().padStart(5, '0')}-SIM-TRADE`] = {
          ordertxid: o.id, postxid: 'SIM', pair: m ? pairAlt(m) : o.symbol, time: f.timestamp / 1000, type: o.side, ordertype: o.type,
          price: s(f.price), cost: s(f.cost), fee: s(f.fee), vol: f.amount.toFixed(8), margin: '0', misc: '',
        };
      }
    }
    return ok({ trades, count: Object.keys(trades).length });
  },
  OpenOrders: (_p, ctx) => ok({ open: Object.fromEntries(ctx.accounts.ordersOf(EX).filter((o) => o.status === 'open').map((o) => [o.id, orderJson(o, ctx)])) }),
  ClosedOrders: (_p, ctx) => {
    const closed = ctx.accounts.ordersOf(EX).filter((o) => o.status !== 'open');
    return ok({ closed: Object.fromEntries(closed.map((o) => [o.id, orderJson(o, ctx)])), count: closed.length });
  },
  CancelOrder: (p, ctx) => {
    const id = str(p, 'txid');
    const cid = str(p, 'cl_ord_id');
    const ref = { ...(id ? { id } : {}), ...(cid ? { clientOrderId: cid } : {}) };
    const o = ctx.accounts.find(EX, ref);
    if (!o || o.status !== 'open') return krakenError('EOrder:Unknown order');
    ctx.accounts.cancel(EX, ref);
    return ok({ count: 1 });
  },
  DepositMethods: (p) => {
    const asset = assetCode(str(p, 'asset') ?? '') ?? '';
    return ok(networksOf(EX, asset).map((n) => ({ method: methodName(asset, n.code), limit: false, fee: '0.0000000000', 'gen-address': true, minimum: s(n.min) })));
  },
  DepositAddresses: (p, ctx) => {
    const asset = assetCode(str(p, 'asset') ?? '') ?? '';
    const net = networksOf(EX, asset).find((n) => methodName(asset, n.code) === str(p, 'method'));
    if (!net) return krakenError('EFunding:Invalid method');
    const a = ctx.funding.address(EX, asset, net.code);
    return ok(a ? [{ address: a.address, expiretm: '0', new: false }] : []);
  },
  WithdrawMethods: (p) => {
    const only = str(p, 'asset');
    const assets = only ? [assetCode(only) ?? ''] : ['BTC', 'ETH', 'USDT', 'USDC', 'SOL', 'PAXG'];
    return ok(assets.flatMap((a) => networksOf(EX, a).map((n) => ({ asset: assetId(a), method: methodName(a, n.code), network: n.code, minimum: s(n.min), fee: s(n.fee) }))));
  },
  WithdrawInfo: (p) => {
    const asset = assetCode(str(p, 'asset') ?? '') ?? '';
    const target = resolveKey(str(p, 'key') ?? '', asset);
    const net = networksOf(EX, asset).find((n) => n.code === target?.network);
    if (!target || !net) return krakenError('EFunding:Unknown withdraw key');
    const amount = str(p, 'amount') ?? '0';
    return ok({ method: methodName(asset, net.code), limit: '1000000', amount: DEC.test(amount) ? s(new Decimal(amount).minus(net.fee)) : '0', fee: s(net.fee) });
  },
  Withdraw: (p, ctx) => {
    const asset = assetCode(str(p, 'asset') ?? '') ?? '';
    const amount = str(p, 'amount');
    if (!amount || !DEC.test(amount)) return krakenError('EGeneral:Invalid arguments:amount');
    const target = resolveKey(str(p, 'key') ?? '', asset, str(p, 'address'));
    if (!target) return krakenError('EFunding:Unknown withdraw key');
    const r = ctx.funding.withdraw(EX, { asset, amount: new Decimal(amount), address: target.address, network: target.network });
    if ('rejected' in r) {
      const msg = { UNKNOWN_ASSET: 'EFunding:Unknown asset', UNKNOWN_NETWORK: 'EFunding:Invalid method', BELOW_MINIMUM: 'EFunding:Invalid amount', INSUFFICIENT_FUNDS: 'EFunding:Insufficient funds', BAD_ADDRESS: 'EFunding:Invalid address' } as const;
      return krakenError(msg[r.rejected]);
    }
    return ok({ refid: r.id });
  },
  WithdrawStatus: (p, ctx) => ok(filter(ctx.funding.withdrawalsOf(EX), p).map((w) => transferJson(w))),
  DepositStatus: (p, ctx) => ok(filter(ctx.funding.depositsOf(EX), p).map((d) => transferJson(d))),
};

/**
 * Kraken withdraws to a key name whitelisted in its UI. The sim accepts as a key: an address
 * itself, or "<exchange>-<ASSET>-<NETWORK>" (e.g. "binance-USDT-TRX") meaning that simulated
 * venue's deposit address. The network follows from the address shape.
 */
function resolveKey(key: string, asset: string, address?: string): { address: string; network: string } | undefined {
  const named = /^(binance|kraken|coinbase)-([A-Z0-9]+)-([A-Z0-9]+)$/.exec(key);
  if (named) return { address: depositAddress(named[1] as ExchangeId, named[2] ?? asset, named[3] ?? ''), network: named[3] ?? '' };
  const addr = address ?? (key.length >= 20 ? key : undefined);
  if (!addr) return undefined;
  const nets = networksOf(EX, asset).map((n) => n.code);
  const guess = addr.startsWith('bc1') ? 'BTC' : addr.startsWith('0x') ? (nets.includes('ETH') ? 'ETH' : nets[0]) : addr.startsWith('T') && addr.length === 34 ? 'TRX' : 'SOL';
  return guess ? { address: addr, network: guess } : undefined;
}

function filter(list: SimTransfer[], p: Params): SimTransfer[] {
  const asset = str(p, 'asset');
  const code = asset ? assetCode(asset) : undefined;
  return list.filter((t) => !code || t.asset === code).reverse();
}

function transferJson(t: SimTransfer): Record<string, unknown> {
  const status = t.status === 'ok' ? 'Success' : t.status === 'failed' ? 'Failure' : 'Pending';
  const net = t.kind === 'withdrawal' ? t.amount.minus(t.fee) : t.amount;
  return {
    method: methodName(t.asset, t.network), aclass: 'currency', asset: assetId(t.asset), refid: t.id, txid: t.txid ?? '', info: t.address,
    amount: s(net), fee: s(t.fee), time: Math.floor(t.created / 1000), status, network: t.network,
    ...(t.status === 'failed' ? { 'status-prop': 'canceled' } : {}), ...(t.kind === 'withdrawal' ? { key: t.address } : {}),
  };
}

function addOrder(p: Params, ctx: SimContext): HttpReply {
  const pair = str(p, 'pair') ?? '';
  const m = ctx.store.marketsOf(EX).find((x) => pairKey(x) === pair || pairAlt(x) === pair || wsName(x) === pair);
  if (!m) return krakenError('EQuery:Unknown asset pair');
  const side = str(p, 'type');
  const ordertype = str(p, 'ordertype');
  if (side !== 'buy' && side !== 'sell') return krakenError('EGeneral:Invalid arguments:type');
  if (ordertype !== 'limit' && ordertype !== 'market') return krakenError('EGeneral:Invalid arguments:ordertype');
  const volume = str(p, 'volume');
  const price = str(p, 'price');
  if (!volume || !DEC.test(volume)) return krakenError('EGeneral:Invalid arguments:volume');
  if (ordertype === 'limit' && (!price || !DEC.test(price))) return krakenError('EGeneral:Invalid arguments:price');
  const tif = (str(p, 'timeinforce') ?? 'GTC').toUpperCase();
  if (!['GTC', 'IOC', 'FOK'].includes(tif)) return krakenError('EGeneral:Invalid arguments:timeinforce');
  const viqc = (str(p, 'oflags') ?? '').includes('viqc');
  const cid = str(p, 'cl_ord_id') ?? str(p, 'userref');
  const f = ctx.faults.kraken;
  if (f.rejectOrders && f.rejectOrders.remaining > 0) {
    f.rejectOrders.remaining -= 1;
    return krakenError(`EOrder:${f.rejectOrders.reason}`);
  }
  if (p.validate === 'true' || p.validate === true) return ok({ descr: { order: describe(side, volume, m, ordertype, price) } });
  const r = ctx.accounts.place(EX, {
    symbol: m.symbol, side, type: ordertype, timeInForce: ordertype === 'market' ? 'IOC' : (tif as 'GTC' | 'IOC' | 'FOK'),
    ...(viqc && ordertype === 'market' ? { quoteAmount: new Decimal(volume) } : { amount: new Decimal(volume) }),
    ...(ordertype === 'limit' && price ? { price: new Decimal(price) } : {}), ...(cid ? { clientOrderId: cid } : {}),
  });
  if ('rejected' in r) return rejection(r, m.tick.decimalPlaces(), pairAlt(m));
  return ok({ descr: { order: describe(side, volume, m, ordertype, price) }, txid: [r.id] });
}

function describe(side: string, volume: string, m: Parameters<typeof pairAlt>[0], type: string, price?: string): string {
  return `${side} ${volume} ${pairAlt(m)} @ ${type === 'limit' ? `limit ${price ?? ''}` : 'market'}`;
}

function rejection(r: OrderRejection, dp: number, alt: string): HttpReply {
  switch (r.rejected) {
    case 'INSUFFICIENT_FUNDS': return krakenError('EOrder:Insufficient funds');
    case 'MIN_NOTIONAL': return krakenError('EOrder:Cost minimum not met');
    case 'BAD_AMOUNT': return krakenError('EOrder:Order minimum not met');
    case 'BAD_PRICE': return krakenError(`EOrder:Invalid price:${alt} price can only be specified up to ${dp} decimals.`);
    case 'DUPLICATE_CLIENT_ID': return krakenError('EOrder:Duplicate order');
    case 'UNKNOWN_MARKET': return krakenError('EQuery:Unknown asset pair');
    default: return krakenError(`EOrder:${r.message}`);
  }
}

function orderJson(o: SimOrder, ctx: SimContext): Record<string, unknown> {
  const m = ctx.store.market(EX, o.symbol);
  const alt = m ? pairAlt(m) : o.symbol;
  const price = o.price && m ? fmtNum(o.price, m.tick) : '0';
  const avg = o.filled.gt(0) ? o.cost.div(o.filled).toDecimalPlaces(m ? m.tick.decimalPlaces() + 2 : 8).toFixed() : '0';
  return {
    refid: null, userref: 0, ...(o.clientOrderId ? { cl_ord_id: o.clientOrderId } : {}), status: o.status, opentm: o.created / 1000, starttm: 0, expiretm: 0,
    descr: { pair: alt, type: o.side, ordertype: o.type, price, price2: '0', leverage: 'none', order: `${o.side} ${s(o.amount)} ${alt} @ ${o.type === 'limit' ? `limit ${price}` : 'market'}`, close: '' },
    vol: o.amount.toFixed(8), vol_exec: o.filled.toFixed(8), cost: o.cost.toFixed(8), fee: o.fee.toFixed(8), price: avg, stopprice: '0.00000', limitprice: '0.00000',
    misc: '', oflags: 'fciq', trades: o.fills.map((f) => `T${f.tradeId.toString().padStart(5, '0')}-SIM-TRADE`),
    ...(o.status !== 'open' ? { closetm: o.updated / 1000, reason: o.status === 'canceled' ? 'User requested' : null } : {}),
  };
}
