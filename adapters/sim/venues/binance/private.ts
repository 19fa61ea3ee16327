import type { ExchangeId } from '../../../../domain/market';
import { Decimal } from '../../../../domain/money/decimal';
import { formatDecimal } from '../../../../domain/money/format';
import type { OrderRejection, SimOrder } from '../../accounts/accounts';
import { fundedAssets, networksOf } from '../../accounts/networks';
import type { SimTransfer } from '../../accounts/funding';
import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { json } from '../../context';
import { binanceError } from './public';
import { parseOrderParams } from './orders';
import { EARN_ROUTES } from './earn';
import { binanceTradeFees } from '../trading-fees';
import { GARBAGE_FEE } from '../../accounts/fee-tiers';

const EX: ExchangeId = 'binance';
const s = (d: Decimal): string => formatDecimal(d);

/** Binance signed endpoints. Any API key and signature is accepted; a missing key is not. */
export async function binancePrivate(req: HttpRequest, ctx: SimContext): Promise<HttpReply | undefined> {
  const route = `${req.method} ${req.path}`;
  const handler = ROUTES[route] ?? EARN_ROUTES[route];
  if (!handler) return undefined;
  if (!req.headers['x-mbx-apikey']) return binanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  return handler(req.params, ctx);
}

type Params = Record<string, unknown>;

/** Binance's standard discount for spot fees paid in BNB (percent). */
const BINANCE_BNB_PERCENT_OFF = '25';
/** The switch as Binance answers it; the `garbage-fees` fault breaks it too (a client must refuse a non-boolean). */
const bnbBurn = (ctx: SimContext) => (ctx.faults[EX]?.garbageFees
  ? { spotBNBBurn: GARBAGE_FEE.maker, interestBNBBurn: false }
  : { spotBNBBurn: ctx.accounts.bnbFeePercentOff !== undefined, interestBNBBurn: false });
const str = (p: Params, k: string): string | undefined => (p[k] === undefined ? undefined : String(p[k]));

const ROUTES: Record<string, (p: Params, ctx: SimContext) => HttpReply> = {
  'GET /api/v3/account': (_p, ctx) => json({
    makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true, canWithdraw: true, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
    updateTime: ctx.now(), accountType: 'SPOT', permissions: ['SPOT'], uid: 1000001,
    balances: ctx.accounts.balances(EX).map((b) => ({ asset: b.asset, free: b.free.toFixed(8), locked: b.used.toFixed(8) })),
  }),
  'GET /sapi/v1/capital/config/getall': () => json(fundedAssets().map(coinConfig)),
  'GET /sapi/v1/asset/tradeFee': (p, ctx) => json(binanceTradeFees(ctx, p.symbol)),
  // Binance.US's own endpoint for the same rows (it does not serve /sapi/v1/asset/tradeFee).
  'GET /sapi/v1/asset/query/trading-fee': (p, ctx) => json(binanceTradeFees(ctx, p.symbol)),
  // The "pay fees with BNB" switch (Binance's wire: booleans); on, fills pay their fee in BNB while it covers it.
  'GET /sapi/v1/bnbBurn': (_p, ctx) => json(bnbBurn(ctx)),
  'POST /sapi/v1/bnbBurn': (p, ctx) => {
    const spot = str(p, 'spotBNBBurn');
    if (spot !== undefined && spot !== 'true' && spot !== 'false') return binanceError(400, -1102, 'Param \'spotBNBBurn\' must be true or false.');
    if (spot === 'true') ctx.accounts.bnbFeePercentOff ??= new Decimal(BINANCE_BNB_PERCENT_OFF);
    if (spot === 'false') ctx.accounts.bnbFeePercentOff = undefined;
    return json(bnbBurn(ctx));
  },
  'POST /api/v3/order': (p, ctx) => placeOrder(p, ctx),
  'GET /api/v3/order': (p, ctx) => {
    const o = ctx.accounts.find(EX, ref(p));
    return o && o.symbol === symbolOf(p, ctx) ? json(orderJson(o, ctx)) : binanceError(400, -2013, 'Order does not exist.');
  },
  'DELETE /api/v3/order': (p, ctx) => {
    const found = ctx.accounts.find(EX, ref(p));
    if (!found || found.status !== 'open') return binanceError(400, -2011, 'Unknown order sent.');
    const o = ctx.accounts.cancel(EX, ref(p));
    return o ? json(orderJson(o, ctx)) : binanceError(400, -2011, 'Unknown order sent.');
  },
  'GET /api/v3/openOrders': (p, ctx) => json(ordersFor(p, ctx).filter((o) => o.status === 'open').map((o) => orderJson(o, ctx))),
  'GET /api/v3/allOrders': (p, ctx) => json(ordersFor(p, ctx).map((o) => orderJson(o, ctx))),
  'GET /api/v3/myTrades': (p, ctx) => json(ordersFor(p, ctx).flatMap((o) => o.fills.map((f) => ({
    symbol: ctx.store.market(EX, o.symbol)?.id, id: f.tradeId, orderId: Number(o.id), orderListId: -1, price: s(f.price), qty: s(f.amount),
    quoteQty: s(f.cost), commission: s(f.fee), commissionAsset: f.feeCurrency, time: f.timestamp, isBuyer: o.side === 'buy', isMaker: false, isBestMatch: true,
  })))),
  'GET /sapi/v1/capital/deposit/address': (p, ctx) => {
    const a = ctx.funding.address(EX, str(p, 'coin') ?? '', str(p, 'network'));
    return a ? json({ address: a.address, coin: str(p, 'coin'), tag: '', url: '' }) : binanceError(400, -4018, 'This asset is not supported.');
  },
  'POST /sapi/v1/capital/withdraw/apply': (p, ctx) => {
    const amount = str(p, 'amount');
    if (!amount || !/^\d+(\.\d+)?$/.test(amount)) return binanceError(400, -1102, 'Mandatory parameter \'amount\' was not sent, was empty/null, or malformed.');
    const tag = str(p, 'addressTag');
    const network = str(p, 'network');
    const clientId = str(p, 'withdrawOrderId');
    const r = ctx.funding.withdraw(EX, {
      asset: str(p, 'coin') ?? '', amount: new Decimal(amount), address: str(p, 'address') ?? '',
      ...(tag ? { tag } : {}), ...(network ? { network } : {}), ...(clientId ? { clientId } : {}),
    });
    if ('rejected' in r) {
      const codes = { UNKNOWN_ASSET: -4018, UNKNOWN_NETWORK: -4019, BELOW_MINIMUM: -4022, INSUFFICIENT_FUNDS: -4026, BAD_ADDRESS: -4005 } as const;
      return binanceError(400, codes[r.rejected], r.message);
    }
    return json({ id: r.id });
  },
  'GET /sapi/v1/capital/withdraw/history': (p, ctx) => json(filterTransfers(ctx.funding.withdrawalsOf(EX), p).map(withdrawalJson)),
  'GET /sapi/v1/capital/deposit/hisrec': (p, ctx) => json(filterTransfers(ctx.funding.depositsOf(EX), p).map(depositJson)),
};

function coinConfig(asset: string): Record<string, unknown> {
  const nets = networksOf(EX, asset);
  return {
    coin: asset, depositAllEnable: true, withdrawAllEnable: true, name: asset, free: '0', locked: '0', freeze: '0', withdrawing: '0',
    ipoing: '0', ipoable: '0', storage: '0', isLegalMoney: false, trading: true,
    networkList: nets.map((n, i) => ({
      network: n.code, coin: asset, withdrawIntegerMultiple: '0.00000001', isDefault: i === 0, depositEnable: true, withdrawEnable: true,
      depositDesc: '', withdrawDesc: '', specialTips: '', name: n.code, resetAddressStatus: false, addressRegex: '', memoRegex: '',
      withdrawFee: s(n.fee), withdrawMin: s(n.min), withdrawMax: '9999999', depositDust: '0.00000001', minConfirm: n.confirmations,
      unLockConfirm: 0, sameAddress: false, estimatedArrivalTime: 2, busy: false, contractAddressUrl: '', contractAddress: '',
    })),
  };
}

function ref(p: Params): { id?: string; clientOrderId?: string } {
  const id = str(p, 'orderId');
  const cid = str(p, 'origClientOrderId');
  return { ...(id ? { id } : {}), ...(cid ? { clientOrderId: cid } : {}) };
}

function symbolOf(p: Params, ctx: SimContext): string | undefined {
  return ctx.store.marketById(EX, str(p, 'symbol') ?? '')?.symbol;
}

function ordersFor(p: Params, ctx: SimContext): SimOrder[] {
  const symbol = symbolOf(p, ctx);
  return ctx.accounts.ordersOf(EX).filter((o) => !p.symbol || o.symbol === symbol);
}

function placeOrder(p: Params, ctx: SimContext): HttpReply {
  const parsed = parseOrderParams(p, ctx);
  if ('error' in parsed) return binanceError(400, parsed.code, parsed.error);
  const f = ctx.faults.binance;
  if (f.rejectOrders && f.rejectOrders.remaining > 0) {
    f.rejectOrders.remaining -= 1;
    return binanceError(400, -2010, f.rejectOrders.reason);
  }
  const r = ctx.accounts.place(EX, parsed);
  if ('rejected' in r) return rejection(r);
  if (f.orderTimeout && f.orderTimeout.remaining > 0) {
    // Executed, but the answer is lost: the client must find the order by its client id.
    f.orderTimeout.remaining -= 1;
    return { status: 504, headers: { 'content-type': 'text/plain' }, body: 'Gateway Time-out' };
  }
  return json({ ...orderJson(r, ctx), transactTime: r.created, fills: r.fills.map((x) => ({ price: s(x.price), qty: s(x.amount), commission: s(x.fee), commissionAsset: x.feeCurrency, tradeId: x.tradeId })) });
}

function rejection(r: OrderRejection): HttpReply {
  switch (r.rejected) {
    case 'INSUFFICIENT_FUNDS': return binanceError(400, -2010, 'Account has insufficient balance for requested action.');
    case 'BAD_AMOUNT': return binanceError(400, -1013, 'Filter failure: LOT_SIZE');
    case 'BAD_PRICE': return binanceError(400, -1013, 'Filter failure: PRICE_FILTER');
    case 'MIN_NOTIONAL': return binanceError(400, -1013, 'Filter failure: NOTIONAL');
    case 'DUPLICATE_CLIENT_ID': return binanceError(400, -2010, 'Duplicate order sent.');
    case 'UNKNOWN_MARKET': return binanceError(400, -1121, 'Invalid symbol.');
    default: return binanceError(400, -2010, r.message);
  }
}

const STATUS: Record<SimOrder['status'], string> = { open: 'NEW', closed: 'FILLED', canceled: 'CANCELED', expired: 'EXPIRED' };

function orderJson(o: SimOrder, ctx: SimContext): Record<string, unknown> {
  const m = ctx.store.market(EX, o.symbol);
  const status = o.status === 'open' && o.filled.gt(0) ? 'PARTIALLY_FILLED' : STATUS[o.status];
  return {
    symbol: m?.id, orderId: Number(o.id), orderListId: -1, clientOrderId: o.clientOrderId ?? `sim${o.id}`,
    price: (o.price ?? new Decimal(0)).toFixed(8), origQty: o.amount.toFixed(8), executedQty: o.filled.toFixed(8),
    cummulativeQuoteQty: o.cost.toFixed(8), origQuoteOrderQty: '0.00000000', status, timeInForce: o.timeInForce, type: o.type.toUpperCase(),
    side: o.side.toUpperCase(), stopPrice: '0.00000000', icebergQty: '0.00000000', time: o.created, updateTime: o.updated,
    isWorking: o.status === 'open', workingTime: o.created, selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function filterTransfers(list: SimTransfer[], p: Params): SimTransfer[] {
  const coin = str(p, 'coin');
  const cid = str(p, 'withdrawOrderId');
  const idList = str(p, 'idList')?.split(',');
  return list.filter((t) => (!coin || t.asset === coin) && (!cid || t.clientId === cid) && (!idList || idList.includes(t.id))).reverse();
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function withdrawalJson(w: SimTransfer): Record<string, unknown> {
  return {
    id: w.id, amount: s(w.amount.minus(w.fee)), transactionFee: s(w.fee), coin: w.asset, status: w.status === 'ok' ? 6 : w.status === 'failed' ? 5 : 4,
    address: w.address, addressTag: w.tag ?? '', txId: w.txid ?? '', applyTime: time(w.created), network: w.network, transferType: 0,
    ...(w.clientId ? { withdrawOrderId: w.clientId } : {}), info: w.failReason ?? '', confirmNo: w.status === 'ok' ? 12 : 0, walletType: 0,
    txKey: '', ...(w.status !== 'pending' ? { completeTime: time(w.updated) } : {}),
  };
}

function depositJson(d: SimTransfer): Record<string, unknown> {
  return {
    id: d.id, amount: s(d.amount), coin: d.asset, network: d.network, status: d.status === 'ok' ? 1 : 0, address: d.address,
    addressTag: d.tag ?? '', txId: d.txid ?? '', insertTime: d.created, completeTime: d.updated, transferType: 0,
    confirmTimes: d.status === 'ok' ? '12/12' : '1/12', unlockConfirm: 0, walletType: 0,
  };
}
