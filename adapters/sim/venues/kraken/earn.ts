import type { ExchangeId } from '../../../../domain/market';
import { Decimal } from '../../../../domain/money/decimal';
import { formatDecimal } from '../../../../domain/money/format';
import type { HttpReply, SimContext } from '../../context';
import { assetCode, assetId } from './ids';
import { krakenError, ok } from './public';

const EX: ExchangeId = 'kraken';
type Params = Record<string, unknown>;
const DEC = /^\d+(\.\d+)?$/;
const s = (d: Decimal): string => formatDecimal(d);

/** Kraken Earn: strategies, allocate/deallocate (bonded ones unbond first), status, allocations. */
export const EARN_ROUTES: Record<string, (p: Params, ctx: SimContext) => HttpReply> = {
  'Earn/Strategies': (p, ctx) => {
    const asset = p.asset === undefined ? undefined : assetCode(String(p.asset));
    const items = ctx.earn.products(EX, asset).map((x) => ({
      id: x.id, asset: assetId(x.asset),
      lock_type: x.kind === 'bonded'
        ? { type: 'bonded', payout_frequency: 604800, bonding_period: 0, bonding_period_variable: false, bonding_rewards: false, unbonding_period: 3, unbonding_period_variable: false, unbonding_rewards: false, exit_queue_period: 0 }
        : { type: 'flex', payout_frequency: 604800 },
      apr_estimate: { low: x.apr.times(100).toFixed(4), high: x.apr.times(100).toFixed(4) }, user_min_allocation: s(x.min), allocation_fee: '0.0000',
      deallocation_fee: '0.0000', auto_compound: { type: 'enabled' }, yield_source: { type: 'staking' }, can_allocate: true, can_deallocate: true, allocation_restriction_info: [],
    }));
    return ok({ items, next_cursor: null });
  },
  'Earn/Allocate': (p, ctx) => {
    const amount = String(p.amount ?? '');
    if (!DEC.test(amount)) return krakenError('EGeneral:Invalid arguments:amount');
    const r = ctx.earn.stake(EX, String(p.strategy_id ?? ''), new Decimal(amount));
    if ('rejected' in r) return krakenError(r.rejected === 'INSUFFICIENT_FUNDS' ? 'EEarnings:Insufficient funds' : r.rejected === 'BELOW_MINIMUM' ? 'EEarnings:Below min:(DepositAmount)' : 'EGeneral:Invalid arguments:strategy_id');
    return ok(true);
  },
  'Earn/Deallocate': (p, ctx) => {
    const amount = String(p.amount ?? '');
    if (!DEC.test(amount)) return krakenError('EGeneral:Invalid arguments:amount');
    const r = ctx.earn.unstake(EX, String(p.strategy_id ?? ''), new Decimal(amount));
    if ('rejected' in r) return krakenError('EEarnings:Insufficient funds');
    return ok(true);
  },
  'Earn/AllocateStatus': () => ok({ pending: false }),
  'Earn/DeallocateStatus': (p, ctx) => {
    const pos = ctx.earn.positionsOf(EX).find((x) => x.product.id === String(p.strategy_id ?? ''));
    return ok({ pending: Boolean(pos && pos.unbonding.length) });
  },
  'Earn/Allocations': (_p, ctx) => {
    const items = ctx.earn.positionsOf(EX).map((x) => {
      const unbonding = x.unbonding.reduce((t, u) => t.plus(u.amount), new Decimal(0));
      return {
        strategy_id: x.product.id, native_asset: assetId(x.product.asset),
        amount_allocated: {
          ...(unbonding.gt(0) ? { unbonding: { native: s(unbonding), converted: s(unbonding), allocation_count: x.unbonding.length, allocations: x.unbonding.map((u) => ({ created_at: new Date(u.readyAt).toISOString(), expires: new Date(u.readyAt).toISOString(), native: s(u.amount), converted: s(u.amount) })) } } : {}),
          total: { native: s(x.amount.plus(unbonding)), converted: s(x.amount.plus(unbonding)) },
        },
        total_rewarded: { native: s(x.rewarded), converted: s(x.rewarded) },
      };
    });
    return ok({ converted_asset: 'USD', total_allocated: '0', total_rewarded: '0', next_cursor: null, items });
  },
};
