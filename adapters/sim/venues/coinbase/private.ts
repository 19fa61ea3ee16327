import { Decimal } from '../../../../domain/money/decimal';
import { formatDecimal } from '../../../../domain/money/format';
import type { ExchangeId } from '../../../../domain/market';
import type { OrderRejection, OrderRequest, SimOrder } from '../../accounts/accounts';
import type { SimTransfer } from '../../accounts/funding';
import { networksOf } from '../../accounts/networks';
import type { HttpReply, HttpRequest, SimContext } from '../../context';
import { json } from '../../context';
import { fmtNum } from '../../model/book';
import { accountId, assetName, iso, networkCode, networkName } from './ids';
import { cbError } from './public';
import { coinbaseTransactionSummary } from '../trading-fees';

const EX: ExchangeId = 'coinbase';
type Params = Record<string, unknown>;
const s = (d: Decimal): string => formatDecimal(d);
const DEC = /^\d+(\.\d+)?$/;

/** Coinbase private REST (Advanced Trade v3 and the v2 wallet API). Any bearer JWT is accepted. */
export function coinbasePrivate(req: HttpRequest, ctx: SimContext): HttpReply | undefined {
  const route = match(req);
  if (!route) return undefined;
  const auth = req.headers.authorization;
  if (!(typeof auth === 'string' && auth.startsWith('Bearer ')) && !req.headers['cb-access-key']) return cbError(401, 'unauthorized', 'Unauthorized');
  return route(ctx);
}

function match(req: HttpRequest): ((ctx: SimContext) => HttpReply) | undefined {
  const p = req.params;
  const r = `${req.method} ${req.path}`;
  if (r === 'GET /api/v3/brokerage/transaction_summary') return (ctx) => json(coinbaseTransactionSummary(ctx));
  if (r === 'GET /api/v3/brokerage/accounts') return (ctx) => json({ accounts: ctx.accounts.balances(EX).map((b) => v3Account(b.asset, b.free, b.used)), has_next: false, cursor: '', size: ctx.accounts.balances(EX).length });
  if (r === 'GET /v2/accounts') return (ctx) => json({ pagination: { ending_before: null, starting_after: null, limit: 250, order: 'desc', previous_uri: null, next_uri: null }, data: ctx.accounts.balances(EX).map((b) => v2Account(b.asset, b.free.plus(b.used))) });
  if (r === 'POST /api/v3/brokerage/orders') return (ctx) => createOrder(p, ctx);
  if (r === 'POST /api/v3/brokerage/orders/batch_cancel') return (ctx) => cancel(p, ctx);
  if (r === 'GET /api/v3/brokerage/orders/historical/batch') return (ctx) => json({ orders: ctx.accounts.ordersOf(EX).filter((o) => !p.order_status || (o.status === 'open') === (String(p.order_status) === 'OPEN')).map((o) => orderJson(o, ctx)), has_next: false, cursor: '', sequence: '0' });
  if (r === 'GET /api/v3/brokerage/orders/historical/fills') return (ctx) => json({ fills: ctx.accounts.ordersOf(EX).filter((o) => !p.order_id || o.id === p.order_id).flatMap((o) => o.fills.map((f) => ({ entry_id: `${o.id}-${f.tradeId}`, trade_id: String(f.tradeId), order_id: o.id, trade_time: iso(f.timestamp), trade_type: 'FILL', price: s(f.price), size: s(f.amount), commission: s(f.fee), product_id: ctx.store.market(EX, o.symbol)?.id, sequence_timestamp: iso(f.timestamp), liquidity_indicator: 'TAKER', size_in_quote: false, user_id: 'sim', side: o.side.toUpperCase() }))), cursor: '' });
  let m = /^GET \/api\/v3\/brokerage\/orders\/historical\/([^/]+)$/.exec(r);
  if (m) {
    const id = decodeURIComponent(m[1] ?? '');
    return (ctx) => {
      const o = ctx.accounts.find(EX, { id }) ?? ctx.accounts.find(EX, { clientOrderId: id });
      return o ? json({ order: orderJson(o, ctx) }) : cbError(404, 'NOT_FOUND', 'order with this orderID was not found');
    };
  }
  m = /^(GET|POST) \/v2\/accounts\/([^/]+)\/(transactions|withdrawals|deposits|addresses)$/.exec(r);
  if (m) {
    const [, method, acct = '', what] = m;
    return (ctx) => {
      const asset = ctx.accounts.balances(EX).map((b) => b.asset).find((a) => accountId(a) === acct || a === acct);
      if (!asset) return cbError(404, 'not_found', 'Not found');
      if (what === 'addresses') return method === 'POST' ? json({ data: address(asset, ctx, undefined) }) : json({ data: networksOf(EX, asset).map((n) => address(asset, ctx, n.code)) });
      if (method === 'POST' && what === 'transactions') return send(asset, p, ctx);
      // The v2 withdrawals/deposits lists are fiat-only on Coinbase: crypto moves are transactions.
      if (what !== 'transactions') return json({ pagination: {}, data: [] });
      const list = [...ctx.funding.withdrawalsOf(EX), ...ctx.funding.depositsOf(EX)].filter((t) => t.asset === asset).reverse();
      return json({ pagination: { next_uri: null }, data: list.map((t) => transactionJson(t)) });
    };
  }
  return undefined;
}

function v3Account(asset: string, free: Decimal, used: Decimal): Record<string, unknown> {
  return {
    uuid: accountId(asset), name: `${asset} Wallet`, currency: asset, available_balance: { value: s(free), currency: asset }, default: true, active: true,
    created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z', deleted_at: null, type: asset === 'USD' ? 'ACCOUNT_TYPE_FIAT' : 'ACCOUNT_TYPE_CRYPTO',
    ready: true, hold: { value: s(used), currency: asset }, retail_portfolio_id: 'sim-portfolio',
  };
}

function v2Account(asset: string, total: Decimal): Record<string, unknown> {
  return {
    id: accountId(asset), name: `${asset} Wallet`, primary: asset === 'BTC', type: asset === 'USD' ? 'fiat' : 'wallet',
    currency: { code: asset, name: assetName(asset), color: '#0052FF', sort_index: 100, exponent: 8, type: asset === 'USD' ? 'fiat' : 'crypto' },
    balance: { amount: s(total), currency: asset }, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z', resource: 'account',
    resource_path: `/v2/accounts/${accountId(asset)}`, allow_deposits: true, allow_withdrawals: true,
  };
}

function address(asset: string, ctx: SimContext, network: string | undefined): Record<string, unknown> {
  const a = ctx.funding.address(EX, asset, network);
  return {
    id: `${asset}-${a?.network ?? ''}`, address: a?.address, address_info: { address: a?.address }, name: `${asset} address`, created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z', network: networkName(a?.network ?? ''), uri_scheme: '', resource: 'address', resource_path: '', deposit_uri: '', callback_url: null,
    exchange_deposit_address: true, address_label: `${asset} address`,
  };
}

function send(asset: string, p: Params, ctx: SimContext): HttpReply {
  if (String(p.type ?? '') !== 'send') return cbError(400, 'validation_error', 'type must be send');
  const amount = String(p.amount ?? '');
  if (!DEC.test(amount)) return cbError(400, 'validation_error', 'Amount is not valid');
  const to = String(p.to ?? '');
  const network = p.network ? networkCode(String(p.network)) : guessNetwork(asset, to);
  const idem = p.idem === undefined ? undefined : String(p.idem);
  const r = ctx.funding.withdraw(EX, { asset, amount: new Decimal(amount), address: to, ...(network ? { network } : {}), ...(idem ? { clientId: idem } : {}) });
  if ('rejected' in r) {
    const code = r.rejected === 'INSUFFICIENT_FUNDS' ? 'insufficient_funds' : 'validation_error';
    return cbError(400, code, r.message);
  }
  return json({ data: transactionJson(r) }, 201);
}

function guessNetwork(asset: string, to: string): string | undefined {
  const nets = networksOf(EX, asset).map((n) => n.code);
  if (to.startsWith('bc1')) return 'BTC';
  if (to.startsWith('0x')) return nets.includes('ETH') ? 'ETH' : nets[0];
  return nets.includes('SOL') ? 'SOL' : nets[0];
}

function transactionJson(t: SimTransfer): Record<string, unknown> {
  const out = t.kind === 'withdrawal';
  const received = out ? t.amount.minus(t.fee) : t.amount;
  return {
    id: t.id, type: 'send', status: t.status === 'ok' ? 'completed' : t.status === 'failed' ? 'failed' : 'pending',
    amount: { amount: `${out ? '-' : ''}${s(t.amount)}`, currency: t.asset }, native_amount: { amount: '0', currency: 'USD' },
    description: null, created_at: iso(t.created), updated_at: iso(t.updated), resource: 'transaction', resource_path: `/v2/accounts/${accountId(t.asset)}/transactions/${t.id}`,
    instant_exchange: false, ...(t.clientId ? { idem: t.clientId } : {}),
    network: {
      status: t.status === 'ok' ? 'confirmed' : t.status === 'failed' ? 'failed' : 'pending', hash: t.txid, network_name: networkName(t.network),
      transaction_fee: { amount: s(t.fee), currency: t.asset }, transaction_amount: { amount: s(received), currency: t.asset }, confirmations: t.status === 'ok' ? 12 : 0,
    },
    to: out ? { resource: 'address', address: t.address, currency: t.asset } : { resource: 'account', id: accountId(t.asset) },
    details: { title: out ? `Sent ${t.asset}` : `Received ${t.asset}`, subtitle: '' },
  };
}

function createOrder(p: Params, ctx: SimContext): HttpReply {
  const productId = String(p.product_id ?? '');
  const m = ctx.store.marketById(EX, productId);
  const fail = (error: string, message: string, preview = ''): HttpReply => json({ success: false, failure_reason: 'UNKNOWN_FAILURE_REASON', order_id: '', error_response: { error, message, error_details: '', preview_failure_reason: preview } });
  if (!m) return fail('INVALID_PRODUCT_ID', 'Invalid product_id');
  const side = String(p.side ?? '').toLowerCase();
  if (side !== 'buy' && side !== 'sell') return fail('INVALID_SIDE', 'Invalid side');
  const cfg = (p.order_configuration ?? {}) as Record<string, Record<string, unknown>>;
  const [kind, c] = Object.entries(cfg)[0] ?? [];
  if (!kind || !c) return fail('INVALID_ORDER_CONFIGURATION', 'order_configuration is required');
  const dec = (k: string): Decimal | undefined => (c[k] !== undefined && DEC.test(String(c[k])) ? new Decimal(String(c[k])) : undefined);
  const clientOrderId = p.client_order_id === undefined ? undefined : String(p.client_order_id);
  let req: OrderRequest;
  if (kind === 'market_market_ioc') {
    const base = dec('base_size');
    const quote = dec('quote_size');
    if (!base && !quote) return fail('INVALID_SIZE', 'base_size or quote_size is required');
    req = { symbol: m.symbol, side, type: 'market', timeInForce: 'IOC', ...(base ? { amount: base } : { quoteAmount: quote as Decimal }) };
  } else if (kind === 'limit_limit_gtc' || kind === 'sor_limit_ioc' || kind === 'limit_limit_fok') {
    const base = dec('base_size');
    const price = dec('limit_price');
    if (!base || !price) return fail('INVALID_LIMIT_PRICE', 'base_size and limit_price are required');
    req = { symbol: m.symbol, side, type: 'limit', timeInForce: kind === 'limit_limit_gtc' ? 'GTC' : kind === 'sor_limit_ioc' ? 'IOC' : 'FOK', amount: base, price };
  } else {
    return fail('UNSUPPORTED_ORDER_CONFIGURATION', `${kind} is not supported by the simulator`);
  }
  if (clientOrderId) {
    // Coinbase answers a repeated client_order_id with the original order (idempotent create).
    const prior = ctx.accounts.find(EX, { clientOrderId });
    if (prior) return json({ success: true, success_response: { order_id: prior.id, product_id: productId, side: side.toUpperCase(), client_order_id: clientOrderId }, order_configuration: cfg });
    req.clientOrderId = clientOrderId;
  }
  const f = ctx.faults.coinbase;
  if (f.rejectOrders && f.rejectOrders.remaining > 0) {
    f.rejectOrders.remaining -= 1;
    return fail('UNKNOWN_FAILURE_REASON', f.rejectOrders.reason);
  }
  const r = ctx.accounts.place(EX, req);
  if ('rejected' in r) return rejection(r, fail);
  return json({ success: true, success_response: { order_id: r.id, product_id: productId, side: side.toUpperCase(), client_order_id: clientOrderId ?? '' }, order_configuration: cfg });
}

function rejection(r: OrderRejection, fail: (e: string, m: string, p?: string) => HttpReply): HttpReply {
  switch (r.rejected) {
    case 'INSUFFICIENT_FUNDS': return fail('INSUFFICIENT_FUND', 'Insufficient balance in source account', 'PREVIEW_INSUFFICIENT_FUND');
    case 'MIN_NOTIONAL': return fail('INVALID_LIMIT_PRICE_POST_ONLY', r.message, 'PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL');
    case 'BAD_AMOUNT': return fail('INVALID_SIZE_PRECISION', r.message, 'PREVIEW_INVALID_BASE_SIZE_TOO_SMALL');
    case 'BAD_PRICE': return fail('INVALID_PRICE_PRECISION', r.message, 'PREVIEW_INVALID_PRICE_PRECISION');
    default: return fail('UNKNOWN_FAILURE_REASON', r.message);
  }
}

function cancel(p: Params, ctx: SimContext): HttpReply {
  const ids = Array.isArray(p.order_ids) ? p.order_ids.map(String) : [];
  return json({
    results: ids.map((id) => {
      const o = ctx.accounts.find(EX, { id });
      if (!o || o.status !== 'open') return { success: false, failure_reason: 'UNKNOWN_CANCEL_ORDER', order_id: id };
      ctx.accounts.cancel(EX, { id });
      return { success: true, failure_reason: 'UNKNOWN_CANCEL_FAILURE_REASON', order_id: id };
    }),
  });
}

const STATUS: Record<SimOrder['status'], string> = { open: 'OPEN', closed: 'FILLED', canceled: 'CANCELLED', expired: 'EXPIRED' };
const TIF: Record<SimOrder['timeInForce'], string> = { GTC: 'GOOD_UNTIL_CANCELLED', IOC: 'IMMEDIATE_OR_CANCEL', FOK: 'FILL_OR_KILL' };

function orderJson(o: SimOrder, ctx: SimContext): Record<string, unknown> {
  const m = ctx.store.market(EX, o.symbol);
  const amount = m ? fmtNum(o.amount, m.step) : s(o.amount);
  const price = o.price && m ? fmtNum(o.price, m.tick) : undefined;
  const cfg = o.type === 'market' ? { market_market_ioc: { base_size: amount } }
    : o.timeInForce === 'IOC' ? { sor_limit_ioc: { base_size: amount, limit_price: price } }
      : o.timeInForce === 'FOK' ? { limit_limit_fok: { base_size: amount, limit_price: price } }
        : { limit_limit_gtc: { base_size: amount, limit_price: price, post_only: false } };
  return {
    order_id: o.id, product_id: m?.id, user_id: 'sim', order_configuration: cfg, side: o.side.toUpperCase(), client_order_id: o.clientOrderId ?? '',
    status: STATUS[o.status], time_in_force: TIF[o.timeInForce], created_time: iso(o.created),
    completion_percentage: o.amount.gt(0) ? o.filled.div(o.amount).times(100).toFixed(2) : '0', filled_size: s(o.filled),
    average_filled_price: o.filled.gt(0) ? s(o.cost.div(o.filled).toDecimalPlaces(10)) : '0', fee: '', number_of_fills: String(o.fills.length),
    filled_value: s(o.cost), pending_cancel: false, size_in_quote: false, total_fees: s(o.fee), size_inclusive_of_fees: false,
    total_value_after_fees: s(o.side === 'buy' ? o.cost.plus(o.fee) : o.cost.minus(o.fee)), trigger_status: 'INVALID_ORDER_TYPE',
    order_type: o.type.toUpperCase(), reject_reason: 'REJECT_REASON_UNSPECIFIED', settled: o.status !== 'open', product_type: 'SPOT', reject_message: '',
    cancel_message: '', order_placement_source: 'RETAIL_ADVANCED', outstanding_hold_amount: '0', is_liquidation: false, last_fill_time: o.fills.length ? iso(o.updated) : null,
  };
}
