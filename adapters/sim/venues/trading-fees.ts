import type { ExchangeId } from '../../../domain/market';
import { formatDecimal } from '../../../domain/money/format';
import type { SimContext } from '../context';
import { GARBAGE_FEE } from '../accounts/fee-tiers';
import type { SimMarket } from '../model/markets';

/**
 * The venues' account-fee answers, from each market's fees (the account's tier when one is set,
 * adapters/sim/accounts/fee-tiers.ts), or garbage under the `garbage-fees` fault.
 */
const garbage = (ctx: SimContext, ex: ExchangeId): boolean => ctx.faults[ex]?.garbageFees === true;

/** Binance GET /sapi/v1/asset/tradeFee and Binance.US GET /sapi/v1/asset/query/trading-fee (same rows). */
export function binanceTradeFees(ctx: SimContext, symbolId: unknown): Array<{ symbol: string; makerCommission: string; takerCommission: string }> {
  const bad = garbage(ctx, 'binance');
  return ctx.store.marketsOf('binance').filter((m) => !symbolId || m.id === symbolId).map((m, i) => ({
    symbol: m.id,
    makerCommission: bad && i === 0 ? GARBAGE_FEE.maker : formatDecimal(m.makerFee),
    takerCommission: bad && i === 0 ? GARBAGE_FEE.taker : formatDecimal(m.takerFee),
  }));
}

type KrakenFee = { fee: string; minfee: string; maxfee: string; nextfee: null; nextvolume: null; tiervolume: string };

/** Kraken POST /0/private/TradeVolume with fee-info: per pair, percent strings with 4 decimals. */
export function krakenTradeVolume(ctx: SimContext, markets: SimMarket[], key: (m: SimMarket) => string): { currency: string; volume: string; fees: Record<string, KrakenFee>; fees_maker: Record<string, KrakenFee> } {
  const bad = garbage(ctx, 'kraken');
  const fee = (pct: string): KrakenFee => ({ fee: pct, minfee: '0.1000', maxfee: pct, nextfee: null, nextvolume: null, tiervolume: '0.0000' });
  const percent = (m: SimMarket, which: 'takerFee' | 'makerFee', i: number) => (bad && i === 0 ? GARBAGE_FEE.krakenPercent : m[which].times(100).toFixed(4));
  return {
    currency: 'ZUSD', volume: '0.0000',
    fees: Object.fromEntries(markets.map((m, i) => [key(m), fee(percent(m, 'takerFee', i))])),
    fees_maker: Object.fromEntries(markets.map((m, i) => [key(m), fee(percent(m, 'makerFee', i))])),
  };
}

/** Coinbase GET /api/v3/brokerage/transaction_summary: one tier for the account. */
export function coinbaseTransactionSummary(ctx: SimContext): Record<string, unknown> {
  const m = ctx.store.marketsOf('coinbase')[0];
  const bad = garbage(ctx, 'coinbase');
  return {
    total_volume: 0, total_fees: 0,
    fee_tier: {
      pricing_tier: 'Advanced 1', usd_from: '0', usd_to: '10000',
      taker_fee_rate: bad ? GARBAGE_FEE.taker : (m ? formatDecimal(m.takerFee) : '0.006'),
      maker_fee_rate: bad ? GARBAGE_FEE.maker : (m ? formatDecimal(m.makerFee) : '0.004'),
      aop_from: '', aop_to: '',
    },
    margin_rate: null, goods_and_services_tax: null, advanced_trade_only_volume: 0, advanced_trade_only_fees: 0,
    coinbase_pro_volume: 0, coinbase_pro_fees: 0, total_balance: '', has_promo_fee: false,
  };
}
