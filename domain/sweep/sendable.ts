import { Decimal, ZERO } from '../money/decimal';
import { formatDecimal } from '../money/format';

/**
 * Before the sweep buys anything: can what it buys be sent? PAXG bought for `amountUsd` at
 * `goldPriceUsd`, less a headroom for the trading fee and slippage, less the venue's network fee
 * (taken out of the amount sent), must reach the venue's live withdrawal minimum. Otherwise the
 * sweep would buy gold it cannot send and use up the month.
 */
export interface WithdrawalLimits {
  exchange: string;
  /** Live figures from the venue (ccxt currencies networks `limits.withdraw.min` and `fee`). */
  withdrawMin: Decimal;
  withdrawFee: Decimal;
}

export type SendableVerdict =
  | { ok: true; exchanges: string[]; paxgEstimate: Decimal }
  | { ok: false; code: 'BELOW_WITHDRAWAL_MINIMUM' | 'NO_WITHDRAWAL_ROUTE' | 'NO_GOLD_PRICE'; reason: string };

/** 1 %: more than any taker fee we pay (Coinbase 0.6 %) plus the slippage of a small order. */
export const SWEEP_BUY_HEADROOM_PERCENT = new Decimal('1');

export function judgeSendable(r: { amountUsd: Decimal; goldPriceUsd: Decimal; venues: readonly WithdrawalLimits[]; asset?: string; headroomPercent?: Decimal }): SendableVerdict {
  const asset = r.asset ?? 'PAXG';
  if (r.venues.length === 0) return { ok: false, code: 'NO_WITHDRAWAL_ROUTE', reason: `no venue can withdraw ${asset} to the cold wallet` };
  if (r.goldPriceUsd.lte(ZERO)) return { ok: false, code: 'NO_GOLD_PRICE', reason: `no ${asset} price: cannot tell whether the sweep could be sent` };
  const headroom = r.headroomPercent ?? SWEEP_BUY_HEADROOM_PERCENT;
  const paxg = r.amountUsd.div(r.goldPriceUsd).times(new Decimal(100).minus(headroom)).div(100);
  const fits = r.venues.filter((v) => paxg.minus(v.withdrawFee).gte(v.withdrawMin) && paxg.gt(v.withdrawFee));
  if (fits.length > 0) return { ok: true, exchanges: fits.map((v) => v.exchange), paxgEstimate: paxg };
  const need = r.venues.map((v) => `${v.exchange} needs ${formatDecimal(v.withdrawMin.plus(v.withdrawFee))} (minimum ${formatDecimal(v.withdrawMin)} + fee ${formatDecimal(v.withdrawFee)})`);
  return {
    ok: false, code: 'BELOW_WITHDRAWAL_MINIMUM',
    reason: `BELOW_WITHDRAWAL_MINIMUM: ${formatDecimal(r.amountUsd)} USD buys about ${formatDecimal(paxg.toDecimalPlaces(8, Decimal.ROUND_DOWN))} ${asset}, too little to send to the cold wallet: ${need.join('; ')}. Nothing was bought and the month is not used up`,
  };
}
