import type { ExchangeId } from '../../../../domain/market';
import { Decimal } from '../../../../domain/money/decimal';
import { formatDecimal } from '../../../../domain/money/format';
import type { HttpReply, SimContext } from '../../context';
import { json } from '../../context';
import { binanceError } from './public';

const EX: ExchangeId = 'binance';
type Params = Record<string, unknown>;
const DEC = /^\d+(\.\d+)?$/;
const s = (d: Decimal): string => formatDecimal(d);

/** Binance Simple Earn (flexible products; the locked lists are empty). */
export const EARN_ROUTES: Record<string, (p: Params, ctx: SimContext) => HttpReply> = {
  'GET /sapi/v1/simple-earn/flexible/list': (p, ctx) => {
    const rows = ctx.earn.products(EX, p.asset === undefined ? undefined : String(p.asset)).filter((x) => !p.productId || x.id === p.productId).map((x) => ({
      asset: x.asset, latestAnnualPercentageRate: x.apr.toFixed(8), tierAnnualPercentageRate: {}, airDropPercentageRate: '0', canPurchase: true,
      canRedeem: true, isSoldOut: false, hot: true, minPurchaseAmount: s(x.min), productId: x.id, subscriptionStartTime: 1646182276000, status: 'PURCHASING',
    }));
    return json({ rows, total: rows.length });
  },
  'GET /sapi/v1/simple-earn/locked/list': () => json({ rows: [], total: 0 }),
  'GET /sapi/v1/simple-earn/locked/position': () => json({ rows: [], total: 0 }),
  'GET /sapi/v1/simple-earn/flexible/position': (p, ctx) => {
    const rows = ctx.earn.positionsOf(EX).filter((x) => (!p.asset || x.product.asset === p.asset) && (!p.productId || x.product.id === p.productId) && x.amount.gt(0)).map((x) => ({
      totalAmount: s(x.amount), tierAnnualPercentageRate: {}, latestAnnualPercentageRate: x.product.apr.toFixed(8), yesterdayAirdropPercentageRate: '0',
      asset: x.product.asset, airDropAsset: x.product.asset, canRedeem: true, collateralAmount: '0', productId: x.product.id, yesterdayRealTimeRewards: '0',
      cumulativeBonusRewards: '0', cumulativeRealTimeRewards: s(x.rewarded), cumulativeTotalRewards: s(x.rewarded), autoSubscribe: true,
    }));
    return json({ rows, total: rows.length });
  },
  'POST /sapi/v1/simple-earn/flexible/subscribe': (p, ctx) => {
    const amount = String(p.amount ?? '');
    if (!DEC.test(amount)) return binanceError(400, -1102, "Mandatory parameter 'amount' was not sent, was empty/null, or malformed.");
    const r = ctx.earn.stake(EX, String(p.productId ?? ''), new Decimal(amount));
    if ('rejected' in r) return binanceError(400, r.rejected === 'INSUFFICIENT_FUNDS' ? -6011 : r.rejected === 'BELOW_MINIMUM' ? -6005 : -6001, r.message);
    return json({ purchaseId: Date.now() % 1e8, success: true });
  },
  'POST /sapi/v1/simple-earn/flexible/redeem': (p, ctx) => {
    const all = String(p.redeemAll ?? '') === 'true';
    const amount = p.amount === undefined ? undefined : String(p.amount);
    if (!all && (!amount || !DEC.test(amount))) return binanceError(400, -1102, "Mandatory parameter 'amount' was not sent, was empty/null, or malformed.");
    const r = ctx.earn.unstake(EX, String(p.productId ?? ''), all || !amount ? undefined : new Decimal(amount));
    if ('rejected' in r) return binanceError(400, -6006, r.message);
    return json({ redeemId: Number(r.id), success: true });
  },
};
