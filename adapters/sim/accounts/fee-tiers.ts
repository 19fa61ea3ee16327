import type { ExchangeId } from '../../../domain/market';
import { Decimal } from '../../../domain/money/decimal';
import type { BookStore } from '../model/store';
import type { SimMarket } from '../model/markets';

/** An account fee tier in percent (decimal strings), as an operator reads it off the venue's fee page. */
export interface SimFeeTier { makerPercent: string; takerPercent: string }

const PERCENT = /^\d+(\.\d+)?$/;
/** The listing's own fees, kept so that clearing the tier restores them. */
const listed = new WeakMap<SimMarket, { takerFee: Decimal; makerFee: Decimal }>();

/**
 * Puts the account on another fee tier: every market of the venue then charges these rates on
 * fills and reports them on the venue's fee endpoints (tradeFee, TradeVolume, transaction_summary),
 * like a real account whose 30-day volume moved it to another tier. `undefined` restores the listing.
 */
export function applyFeeTier(store: BookStore, exchange: ExchangeId, tier: SimFeeTier | undefined): void {
  if (tier) {
    for (const [k, v] of [['makerPercent', tier.makerPercent], ['takerPercent', tier.takerPercent]] as const) {
      if (!PERCENT.test(v) || new Decimal(v).gte(100)) throw new Error(`fee tier ${k}: "${v}" must be a percent below 100 as a decimal string`);
    }
  }
  for (const m of store.marketsOf(exchange)) {
    const orig = listed.get(m) ?? { takerFee: m.takerFee, makerFee: m.makerFee };
    listed.set(m, orig);
    m.takerFee = tier ? new Decimal(tier.takerPercent).div(100) : orig.takerFee;
    m.makerFee = tier ? new Decimal(tier.makerPercent).div(100) : orig.makerFee;
  }
}

/** "0.02/0.04" (maker/taker percent) from a fault spec. */
export function parseFeeTier(value: string | undefined, raw: string): SimFeeTier {
  const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(value ?? '');
  if (!m) throw new Error(`bad fault "${raw}": fee-tier needs MAKER/TAKER in percent, e.g. fee-tier=0.02/0.04`);
  return { makerPercent: m[1]!, takerPercent: m[2]! };
}

/**
 * A broken fee answer (fault `garbage-fees`): a negative taker and a non-number maker, so a client
 * must refuse it rather than price trades with it.
 */
export const GARBAGE_FEE = { taker: '-0.001', maker: 'n/a', krakenPercent: '-0.2600' } as const;
